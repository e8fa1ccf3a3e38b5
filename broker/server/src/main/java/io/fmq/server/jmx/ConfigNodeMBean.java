package io.fmq.server.jmx;

import io.fmq.profile.ConfigKey;
import io.fmq.profile.ConfigNode;
import io.fmq.profile.Profile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import io.fmq.management.HaStatusMXBean;
import io.fmq.management.ObjectNames;
import javax.management.MBeanParameterInfo;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.ReflectionException;

/**
 * The parameters of one configuration-tree node as the server runs them: one read-only attribute per
 * Config.cfg key of the node, named as in the Studio's property sheet (the key without {@code FMQGroup.}).
 * Durations are milliseconds ({@code long}), ports {@code int}, switches {@code boolean}, the rest text.
 * The values are those read at start-up; change them in Config.cfg (or the Studio) and restart.
 */
public final class ConfigNodeMBean implements DynamicMBean {
    /** A live read-out shown beside the parameters (the HA manager's node shows the HA state). */
    private record Live(String name, String type, String description, Function<HaStatusMXBean, Object> read) {
    }

    private static final List<Live> HA_LIVE = List.of(
            new Live("State", "java.lang.String", "This server's HA state now.", HaStatusMXBean::getState),
            new Live("PreviousState", "java.lang.String", "The HA state before the current one.", HaStatusMXBean::getPreviousState),
            new Live("RemoteState", "java.lang.String", "The peer's HA state; DEAD without an HA link.", HaStatusMXBean::getRemoteState),
            new Live("LockHeld", "boolean", "Whether this server holds the lock file.", HaStatusMXBean::isLockHeld),
            new Live("GatewayReachable", "boolean", "Whether the last gateway check succeeded.", HaStatusMXBean::isGatewayReachable),
            new Live("Epoch", "long", "The store's epoch.", HaStatusMXBean::getEpoch),
            new Live("ReplicationBacklogRecords", "long", "Records the passive has not confirmed yet.",
                    HaStatusMXBean::getReplicationBacklogRecords),
            new Live("ReplicationBacklogBytes", "long", "Bytes held back during a resynchronisation.",
                    HaStatusMXBean::getReplicationBacklogBytes),
            new Live("LastTransitionTime", "java.lang.String", "When the HA state last changed.", HaStatusMXBean::getLastTransitionTime),
            new Live("LastTransitionCause", "java.lang.String", "Why the HA state last changed.", HaStatusMXBean::getLastTransitionCause));

    private final ConfigNode node;
    private final Profile profile;
    private final MBeanInfo info;
    private final Supplier<HaStatusMXBean> ha;

    public ConfigNodeMBean(ConfigNode node, Profile profile) {
        this(node, profile, null);
    }

    /**
     * @param ha the live HA state (for the HA manager's node of a replicated server; also its {@code switchover}
     *           operation), or null; it may answer null until the HA layer runs
     */
    public ConfigNodeMBean(ConfigNode node, Profile profile, Supplier<HaStatusMXBean> ha) {
        this.node = node;
        this.profile = profile;
        this.ha = node == ConfigNode.HA_MANAGER ? ha : null;
        List<MBeanAttributeInfo> attributes = new ArrayList<>();
        for (ConfigKey key : keys()) {
            String type = javaType(key);
            attributes.add(new MBeanAttributeInfo(key.propertyName(), type, describe(key), true, false,
                    type.equals("boolean")));
        }
        List<MBeanOperationInfo> operations = new ArrayList<>();
        if (this.ha != null) {
            for (Live l : HA_LIVE) {
                attributes.add(new MBeanAttributeInfo(l.name(), l.type(), l.description() + " (live; also on "
                        + ObjectNames.HA_STATUS + ")", true, false, l.type().equals("boolean")));
            }
            operations.add(new MBeanOperationInfo("switchover", "Hands the active role to the in-sync passive peer "
                    + "(see " + ObjectNames.HA_STATUS + ").", new MBeanParameterInfo[0], "java.lang.String", MBeanOperationInfo.ACTION));
        }
        this.info = new MBeanInfo(ConfigNodeMBean.class.getName(),
                node.displayPath() + ": " + node.description() + " Values as read from " + profile.configFile()
                        + " at start-up.",
                attributes.toArray(new MBeanAttributeInfo[0]), null, operations.toArray(new MBeanOperationInfo[0]), null);
    }

    private HaStatusMXBean liveHa() throws AttributeNotFoundException {
        HaStatusMXBean h = ha == null ? null : ha.get();
        if (h == null) {
            throw new AttributeNotFoundException("the HA layer is not running");
        }
        return h;
    }

    private List<ConfigKey> keys() {
        List<ConfigKey> keys = new ArrayList<>();
        for (ConfigKey k : ConfigKey.values()) {
            if (k.node() == node) {
                keys.add(k);
            }
        }
        return keys;
    }

    private String describe(ConfigKey key) {
        return key.description() + " (Config.cfg key " + key.key() + ", default " + key.defaultFor(profile.role())
                + (profile.explicitKeys().contains(key) ? "; set in the profile)" : "; not set in the profile)");
    }

    private static String javaType(ConfigKey key) {
        switch (key.type()) {
            case PORT: case POSITIVE_INT: case NON_NEGATIVE_INT: return "int";
            case MILLIS: return "long";
            case BOOLEAN: return "boolean";
            default: return String.class.getName();
        }
    }

    private static Object jmxValue(Object value) {
        if (value instanceof Duration) {
            return ((Duration) value).toMillis();
        }
        if (value instanceof io.fmq.profile.HaMode) {
            return ((io.fmq.profile.HaMode) value).configValue();
        }
        return value;
    }

    @Override
    public Object getAttribute(String attribute) throws AttributeNotFoundException {
        for (ConfigKey k : keys()) {
            if (k.propertyName().equals(attribute)) {
                return k == ConfigKey.LOCK_FILE ? profile.valueText(k) : jmxValue(profile.value(k));
            }
        }
        if (ha != null) {
            for (Live l : HA_LIVE) {
                if (l.name().equals(attribute)) {
                    return l.read().apply(liveHa());
                }
            }
        }
        throw new AttributeNotFoundException("no parameter '" + attribute + "' under " + node.displayPath());
    }

    @Override
    public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
        throw new AttributeNotFoundException(attribute.getName() + " is read-only over JMX: change it in "
                + profile.configFile() + " (or the Studio) and restart the server");
    }

    @Override
    public AttributeList getAttributes(String[] attributes) {
        AttributeList list = new AttributeList();
        for (String a : attributes) {
            try {
                list.add(new Attribute(a, getAttribute(a)));
            } catch (AttributeNotFoundException e) {
                // the JMX contract: unknown attributes are left out of the list
            }
        }
        return list;
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
        return new AttributeList();
    }

    @Override
    public Object invoke(String actionName, Object[] params, String[] signature) throws ReflectionException {
        if (ha != null && actionName.equals("switchover") && (params == null || params.length == 0)) {
            try {
                return liveHa().switchover();
            } catch (AttributeNotFoundException e) {
                throw new ReflectionException(new IllegalStateException(e.getMessage()), e.getMessage());
            }
        }
        throw new ReflectionException(new NoSuchMethodException(actionName),
                "no operation '" + actionName + "' on " + node.displayPath());
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        return info;
    }
}
