package io.fmq.management;

import java.util.List;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * Every ObjectName the server registers, built in one place. Configuration MBeans mirror the
 * configuration tree: the tree path {@code HA › HAManager › FioranoHAManager} is
 * {@code fmq:type=Config,section=HA,group=HAManager,name=FioranoHAManager}, and
 * {@code jmx › RMIBasedJMXConnector} is {@code fmq:type=Config,section=jmx,name=RMIBasedJMXConnector}.
 */
public final class ObjectNames {
    public static final String DOMAIN = "fmq";

    /** The {@link ServerMXBean}. */
    public static final ObjectName SERVER = of(DOMAIN + ":type=Server");

    /**
     * The live HA state of a server of a pair (attributes {@code State}, {@code RemoteState},
     * {@code LockHeld}, {@code GatewayReachable}); registered only while the HA layer runs.
     */
    public static final ObjectName HA_STATUS = of(DOMAIN + ":type=HA,name=HAStatus");

    /** The {@link BrokerMXBean}. */
    public static final ObjectName BROKER = of(DOMAIN + ":type=Broker");

    /** Pattern matching every destination MBean. */
    public static final ObjectName ALL_DESTINATIONS = of(DOMAIN + ":type=Destination,*");

    /** The {@link DestinationMXBean} of a queue or topic ({@code kind} is {@code queue} or {@code topic}). */
    public static ObjectName destination(String kind, String name) {
        return of(DOMAIN + ":type=Destination,kind=" + kind + ",name=" + safe(name));
    }

    /** The {@link ClientConnectionMXBean} of a connection. */
    public static ObjectName connection(String id) {
        return of(DOMAIN + ":type=Connection,id=" + safe(id));
    }

    private static String safe(String value) {
        return value.matches("[A-Za-z0-9_.\\-]+") ? value : ObjectName.quote(value);
    }

    /** Pattern matching every configuration MBean. */
    public static final ObjectName ALL_CONFIG = of(DOMAIN + ":type=Config,*");

    private ObjectNames() {
    }

    /** The configuration MBean of a tree path of two or three elements. */
    public static ObjectName configNode(List<String> path) {
        if (path.size() < 2 || path.size() > 3) {
            throw new IllegalArgumentException("a configuration path has two or three elements: " + path);
        }
        StringBuilder sb = new StringBuilder(DOMAIN).append(":type=Config,section=").append(path.get(0));
        if (path.size() == 3) {
            sb.append(",group=").append(path.get(1));
        }
        sb.append(",name=").append(path.get(path.size() - 1));
        return of(sb.toString());
    }

    /** The tree path of a configuration MBean's name, the inverse of {@link #configNode(List)}. */
    public static List<String> configPath(ObjectName name) {
        String group = name.getKeyProperty("group");
        return group == null
                ? List.of(name.getKeyProperty("section"), name.getKeyProperty("name"))
                : List.of(name.getKeyProperty("section"), group, name.getKeyProperty("name"));
    }

    /** Parses an ObjectName that is known to be well formed. */
    public static ObjectName of(String name) {
        try {
            return new ObjectName(name);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("not a JMX ObjectName: " + name, e);
        }
    }
}
