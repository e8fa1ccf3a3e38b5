package io.fmq.server.ha.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmq.ha.state.HaState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Hand-written failovers of two production controllers in the simulated pair, invariants checked all along. */
class PairScenariosTest {
    private static final long SECOND = 1_000_000_000L;

    @BeforeAll
    static void captureLogs() {
        SimLog.install();
    }

    @AfterAll
    static void releaseLogs() {
        SimLog.uninstall();
    }

    private static PairWorld started() {
        PairWorld w = new PairWorld(7);
        w.startBoth();
        w.runFor(15 * SECOND);
        return w;
    }

    private static void write(PairWorld w, int count) {
        for (int i = 0; i < count; i++) {
            w.clientWrite();
            w.settle(20);
            w.checkInvariants();
        }
        w.runFor(SECOND);
    }

    @Test
    void freshPairSettlesWithThePrimaryActiveAndIdenticalStores() {
        PairWorld w = started();
        assertThat(w.node(0).state()).isEqualTo(HaState.ACTIVE);
        assertThat(w.node(1).state()).isEqualTo(HaState.PASSIVE);
        write(w, 20);
        assertThat(w.acknowledged()).isEqualTo(20);
        assertThat(w.node(1).store.bytes()).isEqualTo(w.node(0).store.bytes());
    }

    @Test
    void killingTheActiveMakesThePassiveStandaloneWithEveryAcknowledgedRecord() {
        PairWorld w = started();
        write(w, 10);
        w.kill(w.node(0));
        w.runFor(20 * SECOND);
        assertThat(w.node(1).state()).isEqualTo(HaState.STANDALONE);
        assertThat(w.node(1).accepting()).isTrue();
        assertThat(w.holdsEveryAcknowledged(w.node(1))).isTrue();
    }

    @Test
    void aRestartedServerRejoinsAsPassiveWithTheSameStore() {
        PairWorld w = started();
        write(w, 5);
        w.kill(w.node(0));
        w.runFor(20 * SECOND);
        write(w, 5);
        w.restart(w.node(0));
        w.runFor(20 * SECOND);
        assertThat(w.node(1).state()).isEqualTo(HaState.ACTIVE);
        assertThat(w.node(0).state()).isEqualTo(HaState.PASSIVE);
        assertThat(w.node(0).store.bytes()).isEqualTo(w.node(1).store.bytes());
        assertThat(w.acknowledged()).isEqualTo(10);
    }

    @Test
    void anActiveCutOffFromTheGatewayStepsDownAndThePassiveTakesOver() {
        PairWorld w = started();
        write(w, 5);
        w.cutGateway(w.node(0), true);
        w.runFor(20 * SECOND);
        assertThat(w.node(0).accepting()).isFalse();
        assertThat(w.node(1).accepting()).isTrue();
        assertThat(w.holdsEveryAcknowledged(w.node(1))).isTrue();
    }

    @Test
    void aPartitionedPassiveDoesNotTakeOverWhileTheActiveHoldsTheLock() {
        PairWorld w = started();
        write(w, 5);
        w.partitionPeerLink(true);
        w.runFor(30 * SECOND);
        assertThat(w.node(0).accepting()).isTrue();
        assertThat(w.node(1).accepting()).isFalse();
        w.partitionPeerLink(false);
        w.runFor(20 * SECOND);
        assertThat(w.node(0).state()).isEqualTo(HaState.ACTIVE);
        assertThat(w.node(1).state()).isEqualTo(HaState.PASSIVE);
    }

    @Test
    void switchoverHandsTheActiveRoleToThePassiveWithNothingLost() {
        PairWorld w = started();
        write(w, 5);
        var outcome = w.node(0).controller.switchoverAsync();
        w.runFor(20 * SECOND);
        assertThat(outcome).isCompleted();
        assertThat(outcome.join()).startsWith("Switchover done");
        assertThat(w.node(1).state()).isEqualTo(HaState.ACTIVE);
        assertThat(w.node(0).state()).isEqualTo(HaState.PASSIVE);
        assertThat(w.holdsEveryAcknowledged(w.node(1))).isTrue();
    }
}
