package io.fmq.profile;

import java.util.List;
import java.util.Optional;

/**
 * Every key of {@code conf/Config.cfg}, declared beside its type, its defaults and where it lives.
 *
 * <p>Defaults depend on the profile's role: the secondary of a pair listens on the ports the primary
 * points at and the other way round, so the two shipped profiles of a pair run on one machine
 * unedited. A standalone profile uses the primary's values. {@link #propertyName()} is the name the
 * Studio's property sheet and the JMX attribute use (the key without its {@code FMQGroup.} prefix).
 */
public enum ConfigKey {
    // HA common properties (FMQGroup.*)
    BACKUP_SERVER_IP("FMQGroup.BackupServerIp", Section.HA_COMMON, ConfigNode.HA_KRPC_PROVIDER, ValueType.HOST,
            "localhost", "localhost",
            "Host of the backup (peer) server, where clients go when this server is not available."),
    BACKUP_SERVER_PORT("FMQGroup.BackupServerPort", Section.HA_COMMON, ConfigNode.HA_KRPC_PROVIDER, ValueType.PORT,
            "1956", "1856",
            "Client port of the backup (peer) server."),
    BACKUP_HA_PORT("FMQGroup.BackupHAPort", Section.HA_COMMON, ConfigNode.HA_KRPC_PROVIDER, ValueType.PORT,
            "3000", "2000",
            "HA port of the backup (peer) server: the peer's FMQGroup.Port, not its client port."),
    BACKUP_HA_IP_ADDRESS("FMQGroup.BackupHAIPAddress", Section.HA_COMMON, ConfigNode.HA_KRPC_PROVIDER, ValueType.HOST,
            "localhost", "localhost",
            "Address of the backup (peer) server's HA channel."),
    PORT("FMQGroup.Port", Section.HA_COMMON, ConfigNode.HA_CONNECTION_MANAGER, ValueType.PORT,
            "2000", "3000",
            "Port on which this server's HA channel listens for its peer."),
    PING_INTERVAL("FMQGroup.PingInterval", Section.HA_COMMON, ConfigNode.HA_MANAGER, ValueType.MILLIS,
            "30000", "30000",
            "Milliseconds between heartbeats on the HA channel. Must be equal on both servers."),
    LOCK_FILE("FMQGroup.LockFile", Section.HA_COMMON, ConfigNode.HA_MANAGER, ValueType.PATH,
            "null", "null",
            "Lock file, on the gateway machine, that decides which server may be active. Both servers must name the same file; "
                    + "a relative path is resolved against the profiles folder. Required for HA profiles."),
    SOCKET_CREATION_TIMEOUT("FMQGroup.SocketCreationTimeout", Section.HA_COMMON, ConfigNode.HA_CONNECTION_MANAGER, ValueType.MILLIS,
            "10000", "10000",
            "Milliseconds allowed for connecting to the peer's HA port or to the gateway."),
    GATEWAY_SERVER_IP_ADDRESS("FMQGroup.GatewayServerIPAddress", Section.HA_COMMON, ConfigNode.HA_MANAGER, ValueType.HOST,
            "localhost", "localhost",
            "Address of the gateway machine (the one holding the lock file) probed to detect network isolation. Must be equal on both servers."),
    GATEWAY_SERVER_PORT("FMQGroup.GatewayServerPort", Section.HA_COMMON, ConfigNode.HA_MANAGER, ValueType.PORT,
            "7", "7",
            "Port probed on the gateway machine; a connection or a refusal proves the network path. Must be equal on both servers."),

    // HA connection manager
    NAGLE_ALGO("NagleAlgo", Section.HA_CONNECTION_MANAGER, ConfigNode.HA_CONNECTION_MANAGER, ValueType.BOOLEAN,
            "false", "false",
            "Whether Nagle's algorithm batches small writes on the HA channel (false favours latency)."),
    SOCKET_INITIALIZATION_TIMEOUT("SocketInitializationTimeout", Section.HA_CONNECTION_MANAGER, ConfigNode.HA_CONNECTION_MANAGER, ValueType.MILLIS,
            "60000", "60000",
            "Milliseconds within which a new HA connection must complete its version handshake."),

    // HA manager
    IS_PRIMARY("isPrimary", Section.HA_MANAGER, ConfigNode.HA_MANAGER, ValueType.BOOLEAN,
            "true", "false",
            "true for the primary server of a pair, false for the secondary."),
    ACTIVE_LOCK_REACQUISITION_INTERVAL("ActiveLockReAcquisitionInterval", Section.HA_MANAGER, ConfigNode.HA_MANAGER, ValueType.MILLIS,
            "30000", "30000",
            "Milliseconds between the active server's checks that it still holds the lock; a multiple of PingInterval/2. Must be equal on both servers."),
    PASSIVE_LOCK_ACQUISITION_INTERVAL("PassiveLockAcquisitionInterval", Section.HA_MANAGER, ConfigNode.HA_MANAGER, ValueType.MILLIS,
            "60000", "60000",
            "Milliseconds the passive server tries for the lock after losing its peer before taking over; more than twice "
                    + "ActiveLockReAcquisitionInterval. Must be equal on both servers.",
            "PassiveLockReAcquisitionInterval"),
    MAX_WAIT_TIMEOUT("MaxWaitTimeout", Section.HA_MANAGER, ConfigNode.HA_MANAGER, ValueType.MILLIS,
            "30000", "30000",
            "Milliseconds a state change may take before the server gives up on it and returns to WAITING."),

    // HA KRPC provider
    BACKUP_RMI_SERVER_PORT("BackupRMIServerPort", Section.HA_KRPC_PROVIDER, ConfigNode.HA_KRPC_PROVIDER, ValueType.PORT,
            "1859", "1858",
            "RMI (JMX) port of the backup (peer) server."),

    // RMI connector
    RMI_SERVER_PORT("RMIServerPort", Section.RMI_CONNECTOR, ConfigNode.RMI_CONNECTOR, ValueType.PORT,
            "1858", "1859",
            "Port of this server's JMX RMI connector (registry and connector share it)."),
    RMI_SERVER_HOST("RMIServerHost", Section.RMI_CONNECTOR, ConfigNode.RMI_CONNECTOR, ValueType.HOST,
            "localhost", "localhost",
            "Host name the JMX connector advertises to its clients; set it to this machine's address for remote JConsole access."),

    // Config loader
    HA_MODE("HAMode", Section.CONFIG_LOADER, ConfigNode.CONFIG_LOADER, ValueType.HA_MODE,
            "none", "none",
            "none for a standalone server, replicated or shared for one server of an HA pair."),
    ALLOW_DURABLE_CONNECTIONS("AllowDurableConnections", Section.CONFIG_LOADER, ConfigNode.CONFIG_LOADER, ValueType.BOOLEAN,
            "true", "true",
            "Whether clients may open durable connections that fail over and keep messages while disconnected. HA needs true."),
    PING_ENABLED("PingEnabled", Section.CONFIG_LOADER, ConfigNode.CONFIG_LOADER, ValueType.BOOLEAN,
            "true", "true",
            "Whether client connections exchange heartbeats so that a dead peer is noticed. HA needs true."),
    ENABLE_AUTO_REVALIDATION("EnableAutoRevalidation", Section.CONFIG_LOADER, ConfigNode.CONFIG_LOADER, ValueType.BOOLEAN,
            "true", "true",
            "Whether clients re-create their sessions, consumers and subscriptions after reconnecting. HA needs true."),

    // Connection manager
    SERVER_PORT("ServerPort", Section.CONNECTION_MANAGER, ConfigNode.CONNECTION_MANAGER, ValueType.PORT,
            "1856", "1956",
            "Port on which this server accepts client connections."),

    // Messaging
    AUTO_CREATE_DESTINATIONS("AutoCreateDestinations", Section.MESSAGING, ConfigNode.MESSAGING, ValueType.BOOLEAN,
            "true", "true",
            "Whether a queue or topic is created when a client first uses it; false means an administrator creates it over JMX."),
    MAX_DELIVERY_ATTEMPTS("MaxDeliveryAttempts", Section.MESSAGING, ConfigNode.MESSAGING, ValueType.POSITIVE_INT,
            "10", "10",
            "Deliveries of a message that a client returns (recover, rollback, close without acknowledging) before it moves to the queue DLQ."),
    MEMORY_LIMIT_MB("MemoryLimitMB", Section.MESSAGING, ConfigNode.MESSAGING, ValueType.NON_NEGATIVE_INT,
            "0", "0",
            "Megabytes of messages the broker keeps in memory before it stops reading from producers until consumers catch up; "
                    + "0 means a quarter of the server's maximum heap.");

    private final String key;
    private final Section section;
    private final ConfigNode node;
    private final ValueType type;
    private final String primaryDefault;
    private final String secondaryDefault;
    private final String description;
    private final List<String> aliases;

    ConfigKey(String key, Section section, ConfigNode node, ValueType type, String primaryDefault, String secondaryDefault,
              String description, String... aliases) {
        this.key = key;
        this.section = section;
        this.node = node;
        this.type = type;
        this.primaryDefault = primaryDefault;
        this.secondaryDefault = secondaryDefault;
        this.description = description;
        this.aliases = List.of(aliases);
    }

    /** The key as written in Config.cfg, e.g. {@code FMQGroup.Port}. */
    public String key() {
        return key;
    }

    /** The key without its {@code FMQGroup.} prefix: the Studio property and JMX attribute name. */
    public String propertyName() {
        int dot = key.lastIndexOf('.');
        return dot < 0 ? key : key.substring(dot + 1);
    }

    public Section section() {
        return section;
    }

    public ConfigNode node() {
        return node;
    }

    public ValueType type() {
        return type;
    }

    public String description() {
        return description;
    }

    /** Other spellings accepted when reading (e.g. {@code PassiveLockReAcquisitionInterval}). */
    public List<String> aliases() {
        return aliases;
    }

    /** The value used when the key is not set in a profile of the given role. */
    public String defaultFor(Role role) {
        return role == Role.SECONDARY ? secondaryDefault : primaryDefault;
    }

    /** Whether this key only matters for a server that is part of an HA pair. */
    public boolean isHaOnly() {
        return section == Section.HA_COMMON || section == Section.HA_CONNECTION_MANAGER
                || section == Section.HA_MANAGER || section == Section.HA_KRPC_PROVIDER;
    }

    /** Finds a key by its name or one of its aliases (exact, case-sensitive, as Config.cfg is). */
    public static Optional<ConfigKey> byName(String name) {
        for (ConfigKey k : values()) {
            if (k.key.equals(name) || k.aliases.contains(name)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    /** The known key closest to a misspelt one, for "did you mean" warnings. */
    public static ConfigKey nearest(String name) {
        ConfigKey best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (ConfigKey k : values()) {
            int d = Math.min(distance(name, k.key), distance(name, k.propertyName()));
            for (String alias : k.aliases) {
                d = Math.min(d, distance(name, alias));
            }
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        return best;
    }

    /** Case-insensitive Levenshtein distance. */
    static int distance(String a, String b) {
        String s = a.toLowerCase(java.util.Locale.ROOT);
        String t = b.toLowerCase(java.util.Locale.ROOT);
        int[] prev = new int[t.length() + 1];
        int[] cur = new int[t.length() + 1];
        for (int j = 0; j <= t.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= s.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= t.length(); j++) {
                int cost = s.charAt(i - 1) == t.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] swap = prev;
            prev = cur;
            cur = swap;
        }
        return prev[t.length()];
    }
}
