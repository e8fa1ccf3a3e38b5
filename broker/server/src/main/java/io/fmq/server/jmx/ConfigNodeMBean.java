package io.fmq.server.jmx;

import io.fmq.profile.ConfigKey;
import io.fmq.profile.ConfigNode;
import io.fmq.profile.Profile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    private final ConfigNode node;
    private final Profile profile;
    private final MBeanInfo info;

    public ConfigNodeMBean(ConfigNode node, Profile profile) {
        this.node = node;
        this.profile = profile;
        List<MBeanAttributeInfo> attributes = new ArrayList<>();
        for (ConfigKey key : keys()) {
            String type = javaType(key);
            attributes.add(new MBeanAttributeInfo(key.propertyName(), type, describe(key), true, false,
                    type.equals("boolean")));
        }
        this.info = new MBeanInfo(ConfigNodeMBean.class.getName(),
                node.displayPath() + ": " + node.description() + " Values as read from " + profile.configFile()
                        + " at start-up.",
                attributes.toArray(new MBeanAttributeInfo[0]), null, new MBeanOperationInfo[0], null);
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
        throw new ReflectionException(new NoSuchMethodException(actionName),
                "configuration MBeans have no operations");
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        return info;
    }
}
