package io.fmq.ha.pair;

import static io.fmq.ha.pair.PairSettingsTestData.IDENTITY;
import static io.fmq.ha.pair.PairSettingsTestData.primary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PairSettingsCheckTest {

    @Test
    void equalSettingsHaveNoDifferences() {
        assertThat(PairSettingsCheck.differences(primary(), primary())).isEmpty();
    }

    @Test
    void lockFilePathsMayDifferWhenTheyNameTheSameFile() {
        PairSettings secondary = new PairSettings(Duration.ofMillis(30000), Duration.ofMillis(60000), Duration.ofMillis(30000),
                "localhost", 7, IDENTITY, "/home/fmq2/Lock.dat", "REPLICATED");

        assertThat(PairSettingsCheck.differences(primary(), secondary)).isEmpty();
    }

    @Test
    void everyDifferingSettingIsReportedInOrderWithBothValues() {
        PairSettings secondary = new PairSettings(Duration.ofMillis(20000), Duration.ofMillis(50000), Duration.ofMillis(10000),
                "192.168.1.16", 8, "0e1f2a3b-4c5d-6e7f-8091-a2b3c4d5e6f7", "/home/fmq2/Lock.dat", "SHARED");

        List<SettingDifference> differences = PairSettingsCheck.differences(primary(), secondary);

        assertThat(differences).extracting(SettingDifference::setting).containsExactly(PairSetting.values());
        assertThat(differences.get(0)).isEqualTo(
                new SettingDifference(PairSetting.ACTIVE_LOCK_REACQUISITION_INTERVAL, "30000", "20000"));
        assertThat(differences.get(3)).isEqualTo(
                new SettingDifference(PairSetting.GATEWAY_SERVER_IP_ADDRESS, "localhost", "192.168.1.16"));
        assertThat(differences.get(5).ownValue()).isEqualTo("/home/fmq1/Lock.dat (identity " + IDENTITY + ")");
        assertThat(differences.get(5).peerValue()).contains("/home/fmq2/Lock.dat").contains("0e1f2a3b");
    }

    @Test
    void gatewayHostIgnoresCaseAndSurroundingSpaces() {
        Map<String, String> peer = new LinkedHashMap<>(primary().toMap());
        peer.put(PairSetting.GATEWAY_SERVER_IP_ADDRESS.wireKey(), " LocalHost ");

        assertThat(PairSettingsCheck.differences(primary().toMap(), peer)).isEmpty();
    }

    @Test
    void aSettingThePeerDidNotSendIsADifference() {
        Map<String, String> peer = new LinkedHashMap<>(primary().toMap());
        peer.remove(PairSetting.HA_MODE.wireKey());
        peer.put("SomeFutureSetting", "x");

        assertThat(PairSettingsCheck.differences(primary().toMap(), peer))
                .containsExactly(new SettingDifference(PairSetting.HA_MODE, "REPLICATED", null));
    }

    @Test
    void fromMapNamesAMissingOrNonNumericKey() {
        Map<String, String> map = new LinkedHashMap<>(primary().toMap());
        map.remove(PairSetting.PING_INTERVAL.wireKey());
        assertThatThrownBy(() -> PairSettings.fromMap(map)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("FMQGroup.PingInterval");

        map.put(PairSetting.PING_INTERVAL.wireKey(), "30s");
        assertThatThrownBy(() -> PairSettings.fromMap(map)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("FMQGroup.PingInterval").hasMessageContaining("30s");
    }

    @Test
    void mapRoundTripKeepsEverySetting() {
        assertThat(PairSettings.fromMap(primary().toMap())).isEqualTo(primary());
    }
}
