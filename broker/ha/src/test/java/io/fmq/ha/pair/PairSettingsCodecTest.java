package io.fmq.ha.pair;

import static io.fmq.ha.pair.PairSettingsTestData.primary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PairSettingsCodecTest {

    @Test
    void settingsSurviveTheRoundTrip() {
        Map<String, String> decoded = PairSettingsCodec.decode(PairSettingsCodec.encode(primary()));

        assertThat(decoded).containsExactlyEntriesOf(primary().toMap());
        assertThat(PairSettings.fromMap(decoded)).isEqualTo(primary());
    }

    @Test
    void encodingIsTheDocumentedText() {
        String text = new String(PairSettingsCodec.encode(primary()), StandardCharsets.UTF_8);

        assertThat(text).startsWith("FMQ-PairSettings/1\nActiveLockReAcquisitionInterval=30000\n")
                .contains("\nFMQGroup.GatewayServerIPAddress=localhost\n")
                .contains("\nFMQGroup.LockFile.path=/home/fmq1/Lock.dat\n")
                .endsWith("\n");
    }

    @Test
    void valueMayContainAnEqualsSignAndNonAsciiText() {
        Map<String, String> settings = new LinkedHashMap<>(primary().toMap());
        settings.put(PairSetting.LOCK_FILE_PATH_WIRE_KEY, "/mnt/a=b/Sperrdatei-ä.dat");

        assertThat(PairSettingsCodec.decode(PairSettingsCodec.encode(settings))).containsExactlyEntriesOf(settings);
    }

    @Test
    void unknownKeysFromANewerPeerAreKept() {
        byte[] bytes = "FMQ-PairSettings/1\nHAMode=SHARED\nFutureKey=1\n".getBytes(StandardCharsets.UTF_8);

        assertThat(PairSettingsCodec.decode(bytes)).containsEntry("FutureKey", "1").containsEntry("HAMode", "SHARED");
    }

    @Test
    void lineBreakInAValueCannotBeEncoded() {
        Map<String, String> settings = new LinkedHashMap<>(primary().toMap());
        settings.put(PairSetting.HA_MODE.wireKey(), "REPLICATED\nHAMode=SHARED");

        assertThatThrownBy(() -> PairSettingsCodec.encode(settings)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("HAMode");
    }

    @Test
    void bytesThatAreNotPairSettingsAreRefused() {
        assertThatThrownBy(() -> PairSettingsCodec.decode("hello\n".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("FMQ-PairSettings/1");
        assertThatThrownBy(() -> PairSettingsCodec.decode("FMQ-PairSettings/1\nno equals sign\n".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Line 2");
        assertThatThrownBy(() -> PairSettingsCodec.decode("FMQ-PairSettings/1\nHAMode=A\nHAMode=B\n".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> PairSettingsCodec.decode(new byte[PairSettingsCodec.MAX_BYTES + 1]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
