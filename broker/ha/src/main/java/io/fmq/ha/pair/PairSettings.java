package io.fmq.ha.pair;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * This server's values of the settings both servers of a pair must share (see {@link PairSetting}),
 * plus the lock file's path, which may legitimately differ and is carried only for messages.
 *
 * @param lockFileIdentity the identity read from the lock file ({@code LockIdentity.toString()})
 * @param haMode           for example {@code REPLICATED} or {@code SHARED}
 */
public record PairSettings(
        Duration activeLockReAcquisitionInterval,
        Duration passiveLockAcquisitionInterval,
        Duration pingInterval,
        String gatewayServerIpAddress,
        int gatewayServerPort,
        String lockFileIdentity,
        String lockFilePath,
        String haMode) {

    public PairSettings {
        Objects.requireNonNull(activeLockReAcquisitionInterval, "activeLockReAcquisitionInterval");
        Objects.requireNonNull(passiveLockAcquisitionInterval, "passiveLockAcquisitionInterval");
        Objects.requireNonNull(pingInterval, "pingInterval");
        Objects.requireNonNull(gatewayServerIpAddress, "gatewayServerIpAddress");
        Objects.requireNonNull(lockFileIdentity, "lockFileIdentity");
        Objects.requireNonNull(lockFilePath, "lockFilePath");
        Objects.requireNonNull(haMode, "haMode");
    }

    /**
     * The settings as wire key → text, in {@link PairSetting} order followed by the lock file path.
     * Durations are whole milliseconds, as in Config.cfg.
     */
    public Map<String, String> toMap() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put(PairSetting.ACTIVE_LOCK_REACQUISITION_INTERVAL.wireKey(), Long.toString(activeLockReAcquisitionInterval.toMillis()));
        map.put(PairSetting.PASSIVE_LOCK_ACQUISITION_INTERVAL.wireKey(), Long.toString(passiveLockAcquisitionInterval.toMillis()));
        map.put(PairSetting.PING_INTERVAL.wireKey(), Long.toString(pingInterval.toMillis()));
        map.put(PairSetting.GATEWAY_SERVER_IP_ADDRESS.wireKey(), gatewayServerIpAddress);
        map.put(PairSetting.GATEWAY_SERVER_PORT.wireKey(), Integer.toString(gatewayServerPort));
        map.put(PairSetting.LOCK_FILE_IDENTITY.wireKey(), lockFileIdentity);
        map.put(PairSetting.HA_MODE.wireKey(), haMode);
        map.put(PairSetting.LOCK_FILE_PATH_WIRE_KEY, lockFilePath);
        return Collections.unmodifiableMap(map);
    }

    /**
     * The inverse of {@link #toMap()}.
     *
     * @throws IllegalArgumentException naming the key that is missing or not a number
     */
    public static PairSettings fromMap(Map<String, String> map) {
        return new PairSettings(
                Duration.ofMillis(number(map, PairSetting.ACTIVE_LOCK_REACQUISITION_INTERVAL.wireKey())),
                Duration.ofMillis(number(map, PairSetting.PASSIVE_LOCK_ACQUISITION_INTERVAL.wireKey())),
                Duration.ofMillis(number(map, PairSetting.PING_INTERVAL.wireKey())),
                text(map, PairSetting.GATEWAY_SERVER_IP_ADDRESS.wireKey()),
                Math.toIntExact(number(map, PairSetting.GATEWAY_SERVER_PORT.wireKey())),
                text(map, PairSetting.LOCK_FILE_IDENTITY.wireKey()),
                text(map, PairSetting.LOCK_FILE_PATH_WIRE_KEY),
                text(map, PairSetting.HA_MODE.wireKey()));
    }

    private static String text(Map<String, String> map, String key) {
        String value = map.get(key);
        if (value == null) {
            throw new IllegalArgumentException("The pair settings lack the key " + key + ".");
        }
        return value;
    }

    private static long number(Map<String, String> map, String key) {
        String value = text(map, key);
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("The pair setting " + key + " is '" + value + "', not a whole number.", e);
        }
    }
}
