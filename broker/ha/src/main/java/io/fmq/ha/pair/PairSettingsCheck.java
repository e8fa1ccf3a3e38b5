package io.fmq.ha.pair;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Compares the shared HA settings of this server with its peer's, as exchanged in the HA
 * handshake. Pure: no I/O, no state. The values are compared as text after trimming; the gateway
 * host name also ignores case (host names are case-insensitive). {@code localhost} and
 * {@code 127.0.0.1} are different values: the guide asks for the same value on both servers.
 */
public final class PairSettingsCheck {

    private PairSettingsCheck() {
    }

    /** Every setting that differs, in {@link PairSetting} order; empty if the pair agrees. */
    public static List<SettingDifference> differences(PairSettings own, PairSettings peer) {
        return differences(own.toMap(), peer.toMap());
    }

    /**
     * Every setting that differs between two maps of wire key → value (as made by
     * {@link PairSettings#toMap()} or decoded by {@link PairSettingsCodec}); a key missing on one
     * side counts as a difference. Keys this version does not know are ignored.
     */
    public static List<SettingDifference> differences(Map<String, String> own, Map<String, String> peer) {
        List<SettingDifference> differences = new ArrayList<>();
        for (PairSetting setting : PairSetting.values()) {
            String ownValue = own.get(setting.wireKey());
            String peerValue = peer.get(setting.wireKey());
            if (!Objects.equals(normalise(setting, ownValue), normalise(setting, peerValue))) {
                differences.add(new SettingDifference(setting, shown(setting, ownValue, own), shown(setting, peerValue, peer)));
            }
        }
        return List.copyOf(differences);
    }

    private static String normalise(PairSetting setting, String value) {
        if (value == null) {
            return null;
        }
        String trimmed = value.trim();
        return switch (setting) {
            case GATEWAY_SERVER_IP_ADDRESS, LOCK_FILE_IDENTITY, HA_MODE -> trimmed.toLowerCase(Locale.ROOT);
            default -> trimmed;
        };
    }

    /** The lock file identity alone means little to an operator; show the path beside it. */
    private static String shown(PairSetting setting, String value, Map<String, String> side) {
        if (value == null || setting != PairSetting.LOCK_FILE_IDENTITY) {
            return value;
        }
        String path = side.get(PairSetting.LOCK_FILE_PATH_WIRE_KEY);
        return path == null ? "identity " + value : path + " (identity " + value + ")";
    }
}
