package io.fmq.ha.pair;

import java.util.List;

/**
 * The message that stops a server whose shared HA settings differ from its peer's: one line per
 * differing key with both values, then what to do.
 */
public final class PairSettingsMismatchMessage {

    private static final String NOT_SENT = "(not set)";

    private PairSettingsMismatchMessage() {
    }

    /**
     * @param differences as returned by {@link PairSettingsCheck}; must not be empty
     */
    public static String format(List<SettingDifference> differences) {
        if (differences.isEmpty()) {
            throw new IllegalArgumentException("no differences to report");
        }
        StringBuilder message = new StringBuilder(
                "The HA settings of this server and its backup server differ, so this server stops:");
        for (SettingDifference difference : differences) {
            message.append(System.lineSeparator()).append("  ").append(difference.setting().configKey())
                    .append(": this server has ").append(valueOrNotSent(difference.ownValue()))
                    .append(", the backup server has ").append(valueOrNotSent(difference.peerValue()));
            if (difference.setting() == PairSetting.LOCK_FILE_IDENTITY) {
                message.append(" (the two servers use different lock files; both must name the same shared file,"
                        + " though each may reach it through its own path)");
            }
        }
        message.append(System.lineSeparator())
                .append("Make these values equal in the Config.cfg of both servers, then start both servers again.");
        return message.toString();
    }

    private static String valueOrNotSent(String value) {
        return value == null ? NOT_SENT : value;
    }
}
