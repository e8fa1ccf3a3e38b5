package io.fmq.ha.pair;

import java.util.Objects;

/**
 * One setting whose value differs between the two servers. The values are as they are shown to the
 * operator; {@code null} means that server did not send the setting at all.
 */
public record SettingDifference(PairSetting setting, String ownValue, String peerValue) {

    public SettingDifference {
        Objects.requireNonNull(setting, "setting");
    }
}
