package io.fmq.studio.viewmodel;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmq.studio.service.LiveStatus;
import io.fmq.studio.service.LiveStatusService;
import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class LiveStatusViewModelTest {
    final Executor direct = Runnable::run;
    Consumer<LiveStatus> updates;
    Consumer<String> lost;
    boolean closed;

    final LiveStatusService fake = (host, port, user, password, onUpdate, onLost) -> {
        if (port == 9999) {
            throw new IOException("Connection refused");
        }
        updates = onUpdate;
        lost = onLost;
        return new LiveStatusService.Session() {
            @Override
            public LiveStatus read() {
                return null;
            }

            @Override
            public void close() {
                closed = true;
            }
        };
    };

    @Test
    void showsEveryNotifiedStateAndTheLossOfTheConnection() {
        LiveStatusViewModel vm = new LiveStatusViewModel(fake, direct, direct, "1858");
        vm.connect();
        assertThat(vm.connectedProperty().get()).isTrue();
        updates.accept(new LiveStatus("RUNNING", "FioranoMQ_HA_rpl/HAPrimary", "replicated", "primary", true,
                "ACTIVE", "PASSIVE", true, true, "2026-01-01T00:00:00Z peer joined"));
        assertThat(vm.stateProperty().get()).isEqualTo("ACTIVE");
        assertThat(vm.remoteStateProperty().get()).isEqualTo("PASSIVE");
        assertThat(vm.lockProperty().get()).isEqualTo("held");
        assertThat(vm.gatewayProperty().get()).isEqualTo("reachable");
        updates.accept(new LiveStatus("RUNNING", "x", "replicated", "primary", true, "ACTIVE", "DEAD", true, false, ""));
        assertThat(vm.remoteStateProperty().get()).isEqualTo("DEAD");
        assertThat(vm.gatewayProperty().get()).isEqualTo("unreachable");
        lost.accept("connection lost: server stopped");
        assertThat(vm.connectedProperty().get()).isFalse();
        assertThat(vm.messageProperty().get()).contains("server stopped");
        assertThat(closed).isTrue();
    }

    @Test
    void aRefusedConnectionAndABadPortAreExplained() {
        LiveStatusViewModel vm = new LiveStatusViewModel(fake, direct, direct, "99999");
        assertThat(vm.portErrorProperty().get()).isNotEmpty();
        vm.connect();
        assertThat(vm.messageProperty().get()).contains("RMI port");
        vm.portProperty().set("9999");
        vm.connect();
        assertThat(vm.connectedProperty().get()).isFalse();
        assertThat(vm.messageProperty().get()).contains("Connection refused");
    }

    @Test
    void aServerWithoutHaShowsSo() {
        LiveStatusViewModel vm = new LiveStatusViewModel(fake, direct, direct, "1858");
        vm.connect();
        updates.accept(new LiveStatus("RUNNING", "FioranoMQ", "none", "standalone", false, "", "", false, false, ""));
        assertThat(vm.stateProperty().get()).isEqualTo("no HA layer");
        vm.disconnect();
        assertThat(closed).isTrue();
    }
}
