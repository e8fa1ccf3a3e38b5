package io.fmq.profile;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * A server profile read and validated once: one immutable record per Config.cfg section.
 * Nothing else in the product reads raw properties.
 *
 * @param name          the profile's name relative to the profiles folder, e.g. {@code FioranoMQ_HA_rpl/HAPrimary}
 * @param folder        the profile folder (holding {@code conf/})
 * @param profilesRoot  the folder relative lock-file paths are resolved against
 * @param values        every key's effective typed value (after defaults and rounding)
 * @param explicitKeys  the keys set in the file (the others have their defaults)
 */
public record Profile(String name, Path folder, Path profilesRoot,
                      HaCommon haCommon, HaConnectionManager haConnectionManager, HaManager haManager,
                      HaKrpcProvider haKrpcProvider, RmiConnector rmiConnector, ConfigLoader configLoader,
                      ConnectionManager connectionManager, Messaging messaging,
                      Map<ConfigKey, Object> values, java.util.Set<ConfigKey> explicitKeys) {

    public Profile {
        values = Collections.unmodifiableMap(new EnumMap<>(values));
        explicitKeys = java.util.Set.copyOf(explicitKeys);
    }

    /** HA common properties ({@code FMQGroup.*}). {@code lockFile} is empty when not set ({@code null}). */
    public record HaCommon(String backupServerIp, int backupServerPort, int backupHaPort, String backupHaIpAddress,
                           int port, Duration pingInterval, Optional<Path> lockFile, Duration socketCreationTimeout,
                           String gatewayServerIpAddress, int gatewayServerPort) {
    }

    /** HA connection manager settings. */
    public record HaConnectionManager(boolean nagleAlgo, Duration socketInitializationTimeout) {
    }

    /** HA manager settings. */
    public record HaManager(boolean primary, Duration activeLockReAcquisitionInterval,
                            Duration passiveLockAcquisitionInterval, Duration maxWaitTimeout) {
    }

    /** HA KRPC provider settings. */
    public record HaKrpcProvider(int backupRmiServerPort) {
    }

    /** RMI (JMX) connector settings. */
    public record RmiConnector(int rmiServerPort, String rmiServerHost) {
    }

    /** Config loader settings. */
    public record ConfigLoader(HaMode haMode, boolean allowDurableConnections, boolean pingEnabled,
                               boolean enableAutoRevalidation) {
    }

    /** Client connection settings. */
    public record ConnectionManager(int serverPort) {
    }

    /** Messaging settings. {@code memoryLimitMb} 0 means a quarter of the maximum heap. */
    public record Messaging(boolean autoCreateDestinations, int maxDeliveryAttempts, int memoryLimitMb) {
    }

    public Path configFile() {
        return folder.resolve("conf").resolve(ProfileLoader.CONFIG_FILE_NAME);
    }

    public HaMode haMode() {
        return configLoader.haMode();
    }

    public Role role() {
        return haManager.primary() ? Role.PRIMARY : Role.SECONDARY;
    }

    /** The typed value of a key: Integer, Boolean, Duration, String, HaMode, or the resolved lock path as String. */
    public Object value(ConfigKey key) {
        return values.get(key);
    }

    /** The value as Config.cfg would spell it (durations in milliseconds). */
    public String valueText(ConfigKey key) {
        Object v = values.get(key);
        if (v instanceof Duration) {
            return Long.toString(((Duration) v).toMillis());
        }
        if (v instanceof HaMode) {
            return ((HaMode) v).configValue();
        }
        if (key == ConfigKey.LOCK_FILE && "".equals(v)) {
            return "null";
        }
        return String.valueOf(v);
    }
}
