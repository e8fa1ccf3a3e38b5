package io.fmq.ha.pair;

/**
 * The settings that must be equal on both servers of an HA pair, with the key each is sent under
 * in the HA handshake ({@link #wireKey()}) and the Config.cfg key an operator edits to fix a
 * difference ({@link #configKey()}). The order is the order of the mismatch message.
 */
public enum PairSetting {
    ACTIVE_LOCK_REACQUISITION_INTERVAL("ActiveLockReAcquisitionInterval", "ActiveLockReAcquisitionInterval"),
    PASSIVE_LOCK_ACQUISITION_INTERVAL("PassiveLockAcquisitionInterval", "PassiveLockAcquisitionInterval"),
    PING_INTERVAL("FMQGroup.PingInterval", "FMQGroup.PingInterval"),
    GATEWAY_SERVER_IP_ADDRESS("FMQGroup.GatewayServerIPAddress", "FMQGroup.GatewayServerIPAddress"),
    GATEWAY_SERVER_PORT("FMQGroup.GatewayServerPort", "FMQGroup.GatewayServerPort"),
    /** Compared by the identity stored in the lock file: the paths may differ between machines. */
    LOCK_FILE_IDENTITY("FMQGroup.LockFile.identity", "FMQGroup.LockFile"),
    HA_MODE("HAMode", "HAMode");

    /** Sent with the settings for the message only; never compared. */
    public static final String LOCK_FILE_PATH_WIRE_KEY = "FMQGroup.LockFile.path";

    private final String wireKey;
    private final String configKey;

    PairSetting(String wireKey, String configKey) {
        this.wireKey = wireKey;
        this.configKey = configKey;
    }

    public String wireKey() {
        return wireKey;
    }

    public String configKey() {
        return configKey;
    }
}
