package io.fmq.ha.pair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PairSettingsMismatchMessageTest {

    @Test
    void namesEachDifferingKeyWithBothValuesAndSaysWhatToDo() {
        String message = PairSettingsMismatchMessage.format(List.of(
                new SettingDifference(PairSetting.PING_INTERVAL, "30000", "10000"),
                new SettingDifference(PairSetting.GATEWAY_SERVER_PORT, "7", "8")));

        assertThat(message).contains("FMQGroup.PingInterval: this server has 30000, the backup server has 10000")
                .contains("FMQGroup.GatewayServerPort: this server has 7, the backup server has 8")
                .contains("Make these values equal in the Config.cfg of both servers");
        assertThat(message.lines()).hasSize(4);
    }

    @Test
    void lockFileDifferenceExplainsThatTheFilesDiffer() {
        String message = PairSettingsMismatchMessage.format(List.of(new SettingDifference(PairSetting.LOCK_FILE_IDENTITY,
                "/home/fmq1/Lock.dat (identity a)", "/home/fmq2/Lock.dat (identity b)")));

        assertThat(message).contains("FMQGroup.LockFile: this server has /home/fmq1/Lock.dat (identity a),"
                + " the backup server has /home/fmq2/Lock.dat (identity b)").contains("different lock files");
    }

    @Test
    void settingThePeerDidNotSendIsShownAsNotSet() {
        String message = PairSettingsMismatchMessage.format(List.of(new SettingDifference(PairSetting.HA_MODE, "REPLICATED", null)));

        assertThat(message).contains("HAMode: this server has REPLICATED, the backup server has (not set)");
    }

    @Test
    void nothingToReportIsAProgrammingError() {
        assertThatThrownBy(() -> PairSettingsMismatchMessage.format(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
