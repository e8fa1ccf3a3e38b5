package io.fmq.ha.sim;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.fmq.ha.state.HaState;

import static org.assertj.core.api.Assertions.assertThat;

/** Hand-written failovers on the simulated pair, invariants checked along the way. */
class PairScenariosTest {

    private final PairSimulation pair = new PairSimulation(Duration.ofSeconds(3));

    private void run(Duration duration) {
        pair.runFor(duration);
        pair.checkInvariants();
    }

    private void writeRecords(int count) {
        for (int i = 0; i < count; i++) {
            assertThat(pair.clientWrite()).as("a node accepts clients").isTrue();
            pair.deliverAll();
            pair.checkInvariants();
        }
    }

    @Test
    void freshPairSettlesWithThePrimaryActive() {
        pair.startBoth();
        run(Duration.ofSeconds(3));

        assertThat(pair.primary.state()).isEqualTo(HaState.ACTIVE);
        assertThat(pair.secondary.state()).isEqualTo(HaState.PASSIVE);
    }

    @Test
    void killingTheActiveMakesThePassiveStandaloneWithEveryAcknowledgedRecord() {
        pair.startBoth();
        run(Duration.ofSeconds(3));
        writeRecords(20);

        pair.kill(pair.primary);
        run(Duration.ofSeconds(10));

        assertThat(pair.secondary.state()).isEqualTo(HaState.STANDALONE);
        assertThat(pair.secondary.acceptsClients()).isTrue();
        assertThat(pair.acknowledgedCount()).isEqualTo(20);
        writeRecords(5);
    }

    @Test
    void restartedServerRejoinsAsPassiveThroughPassiveSync() {
        pair.startBoth();
        run(Duration.ofSeconds(3));
        pair.kill(pair.primary);
        run(Duration.ofSeconds(10));
        writeRecords(10);

        pair.restart(pair.primary);
        pair.tick();
        pair.deliver(pair.secondary, 1);
        assertThat(pair.primary.state()).isEqualTo(HaState.PASSIVE_SYNC);
        run(Duration.ofSeconds(3));

        assertThat(pair.primary.state()).isEqualTo(HaState.PASSIVE);
        assertThat(pair.secondary.state()).isEqualTo(HaState.ACTIVE);
        assertThat(pair.primary.store()).isEqualTo(pair.secondary.store());
    }

    @Test
    void whenBothStartWaitingTheNewerRepositoryWins() {
        pair.startBoth();
        run(Duration.ofSeconds(3));
        pair.kill(pair.primary);
        run(Duration.ofSeconds(10));
        writeRecords(5);
        pair.kill(pair.secondary);

        pair.restart(pair.primary);
        pair.restart(pair.secondary);
        run(Duration.ofSeconds(5));

        assertThat(pair.secondary.state()).as("the secondary has the newer store").isEqualTo(HaState.ACTIVE);
        assertThat(pair.primary.state()).isEqualTo(HaState.PASSIVE);
    }

    @Test
    void whenBothStartWaitingWithEqualRepositoriesThePrimaryWins() {
        pair.startBoth();
        run(Duration.ofSeconds(3));
        writeRecords(5);
        pair.kill(pair.primary);
        pair.kill(pair.secondary);

        pair.restart(pair.secondary);
        pair.restart(pair.primary);
        run(Duration.ofSeconds(5));

        assertThat(pair.primary.state()).isEqualTo(HaState.ACTIVE);
        assertThat(pair.secondary.state()).isEqualTo(HaState.PASSIVE);
    }

    @Test
    void activeCutOffFromTheGatewayStepsDownAndThePassiveTakesOver() {
        pair.startBoth();
        run(Duration.ofSeconds(3));
        writeRecords(10);

        pair.gatewayDown(pair.primary);
        run(Duration.ofSeconds(3));
        assertThat(pair.primary.state()).isEqualTo(HaState.WAITING);
        assertThat(pair.primary.acceptsClients()).isFalse();
        run(Duration.ofSeconds(10));

        // The secondary took over; the old active, still linked, rejoined it as passive.
        assertThat(pair.secondary.state()).isEqualTo(HaState.ACTIVE);
        assertThat(pair.primary.state()).isEqualTo(HaState.PASSIVE);
        assertThat(pair.secondary.epoch()).isGreaterThan(1);
        writeRecords(3);
    }

    @Test
    void partitionedPassiveDoesNotTakeOverWhileTheActiveHoldsTheLock() {
        pair.startBoth();
        run(Duration.ofSeconds(3));

        pair.partition();
        run(Duration.ofSeconds(10));

        assertThat(pair.primary.state()).isEqualTo(HaState.STANDALONE);
        assertThat(pair.secondary.state()).isEqualTo(HaState.WAITING);
        writeRecords(3);

        pair.heal();
        run(Duration.ofSeconds(3));
        assertThat(pair.primary.state()).isEqualTo(HaState.ACTIVE);
        assertThat(pair.secondary.state()).isEqualTo(HaState.PASSIVE);
    }
}
