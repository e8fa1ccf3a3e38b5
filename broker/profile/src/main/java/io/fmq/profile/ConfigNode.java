package io.fmq.profile;

import java.util.List;

/**
 * The nodes of the configuration tree under which the Studio shows a profile's parameters and under
 * which the server publishes them over JMX. One path names a parameter offline and online.
 */
public enum ConfigNode {
    HA_MANAGER(List.of("HA", "HAManager", "FioranoHAManager"),
            "Decides the server's HA role: primary or secondary, lock file, gateway check and the timing of state changes."),
    HA_CONNECTION_MANAGER(List.of("HA", "HAConnectionManager", "FioranoHAConnectionManager"),
            "The HA channel on which this server listens for its peer, and its socket settings."),
    HA_KRPC_PROVIDER(List.of("HA", "HAKRPCProvider", "FioranoHAKRPCProvider"),
            "Where the backup (peer) server is: its HA channel, client and RMI addresses."),
    RMI_CONNECTOR(List.of("jmx", "RMIBasedJMXConnector"),
            "The JMX RMI connector: one port for the registry and the connector."),
    CONFIG_LOADER(List.of("etc", "FmqConfigLoader"),
            "Server-wide switches: HA mode, durable connections, client pings, auto revalidation."),
    CONNECTION_MANAGER(List.of("ConnectionManager", "FMQConnectionManager"),
            "The port on which clients connect."),
    MESSAGING(List.of("Messaging", "FMQBroker"),
            "How the broker treats destinations and messages: creation on first use, delivery attempts, memory.");

    private final List<String> path;
    private final String description;

    ConfigNode(List<String> path, String description) {
        this.path = path;
        this.description = description;
    }

    /** Tree path from the profile root, e.g. {@code [HA, HAManager, FioranoHAManager]}. */
    public List<String> path() {
        return path;
    }

    public String description() {
        return description;
    }

    /** The path joined with {@code " › "}, as the Studio and error messages show it. */
    public String displayPath() {
        return String.join(" \u203a ", path);
    }
}
