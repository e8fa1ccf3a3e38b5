package io.fmq.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ServerArgumentsTest {
    @Test
    void parsesTheGuidesCommandLine() throws StartupException {
        ServerArguments a = ServerArguments.parse("-profile", "FioranoMQ_HA_shared/HAPrimary", "-nobackground", "-dbPath", "/data/shared");

        assertThat(a.profile()).isEqualTo("FioranoMQ_HA_shared/HAPrimary");
        assertThat(a.foreground()).isTrue();
        assertThat(a.dbPath()).contains(Path.of("/data/shared"));
    }

    @Test
    void defaultProfileIsTheStandaloneOne() throws StartupException {
        assertThat(ServerArguments.parse().profile()).isEqualTo("FioranoMQ");
    }

    @Test
    void unknownArgumentIsAUsageError() {
        assertThatThrownBy(() -> ServerArguments.parse("-profil", "x"))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("unknown argument '-profil'").hasMessageContaining(ServerArguments.USAGE)
                .extracting(e -> ((StartupException) e).exitCode()).isEqualTo(StartupException.USAGE);
    }

    @Test
    void optionWithoutValueIsAUsageError() {
        assertThatThrownBy(() -> ServerArguments.parse("-profile")).hasMessageContaining("-profile needs a value");
        assertThatThrownBy(() -> ServerArguments.parse("-dbPath", "-nobackground")).hasMessageContaining("-dbPath needs a value");
    }
}
