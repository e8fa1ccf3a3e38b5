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

    // ------------------------------------------------------------------------------------- shared pairs

    /** A shared pair whose lock is on network storage (it can be cut, and a cut-off holder's lease runs out). */
    private static PairWorld sharedStarted() {
        return sharedStarted(Long.MAX_VALUE, Long.MAX_VALUE);
    }

    /** As {@link #sharedStarted()}, with a lock lease and a ping interval of at most these. */
    private static PairWorld sharedStarted(long maxLeaseNanos, long maxPingNanos) {
        for (long seed = 1; seed <= 100; seed++) {
            PairWorld w = PairWorld.shared(seed, true);
            if (!w.localLock() && w.lockLeaseNanos() <= maxLeaseNanos && w.pingNanos() <= maxPingNanos) {
                w.startBoth();
                w.runFor(15 * SECOND);
                return w;
            }
        }
        throw new AssertionError("no seed of 100 gives a network lock");
    }

    private static SimNode activeOf(PairWorld w) {
        return w.node(0).state() == HaState.ACTIVE ? w.node(0) : w.node(1);
    }

    @Test
    void aSharedPairSettlesWithOneActiveAndThePassiveTakesOverAfterAKill() {
        PairWorld w = sharedStarted();
        SimNode active = activeOf(w);
        SimNode passive = w.node(1 - active.index);
        assertThat(active.state()).isEqualTo(HaState.ACTIVE);
        assertThat(passive.state()).isEqualTo(HaState.PASSIVE);
        write(w, 10);
        assertThat(w.acknowledged()).isEqualTo(10);
        w.kill(active);
        w.runFor(20 * SECOND);
        assertThat(passive.state()).as(w.describe()).isEqualTo(HaState.ACTIVE);
        assertThat(w.holdsEveryAcknowledged(passive)).isTrue();
        w.restart(active);
        w.runFor(20 * SECOND);
        assertThat(active.state()).isEqualTo(HaState.PASSIVE);
        write(w, 5);
        assertThat(w.acknowledged()).isEqualTo(15);
        assertThat(w.holdsEveryAcknowledged(passive)).isTrue();
    }

    /**
     * The active is frozen and cut off from the storage; its lock lease runs out and the passive takes over. Then
     * its storage path comes back and it wakes up with a client change in hand, handled before its controller
     * notices anything: the write lands in its old epoch's segment, is refused, and is never read back.
     */
    @Test
    void aStaleSharedWriterConfirmsNothingAndItsWriteIsNeverReadBack() {
        PairWorld w = sharedStarted();
        write(w, 5);
        SimNode old = activeOf(w);
        SimNode other = w.node(1 - old.index);
        w.cutLockPath(old, true);
        old.pauseUntil(Long.MAX_VALUE);
        w.runFor(30 * SECOND);
        assertThat(other.state()).isEqualTo(HaState.ACTIVE);
        write(w, 5);
        w.cutLockPath(old, false);
        w.sendWhilePaused(old);
        int waiting = old.inbox.size(); // with any the clients sent it while it was frozen
        int acknowledged = w.acknowledged();
        assertThat(acknowledged).isGreaterThanOrEqualTo(5);
        w.resumeHandlingClientsFirst(old);
        w.checkInvariants();
        assertThat(waiting).isPositive();
        // the first lands in its old epoch's segment and is refused; after that its journal writes nothing more
        assertThat(w.staleWrites()).as(w.describe()).isEqualTo(1);
        assertThat(w.acknowledged()).as("nothing the stale writer wrote is confirmed").isEqualTo(acknowledged);
        w.runFor(20 * SECOND);
        assertThat(old.state()).isEqualTo(HaState.PASSIVE);
        assertThat(other.state()).isEqualTo(HaState.ACTIVE);
        assertThat(w.holdsEveryAcknowledged(other)).isTrue();
        assertThat(w.sharedStore().staleRecordReadBack()).isNull();
    }

    /**
     * The active freezes cut off from the storage and loses its lock lease; the passive takes the lock but is shut
     * down within its takeover wait (the frozen server's serving lease may still run), and restarts at once. Its
     * release must not claim that serving stopped: taking the lock again, it waits again, and the two never
     * accept clients at the same time (checked after every step).
     */
    @Test
    void aHolderThatReleasesWithinItsTakeoverWaitLeavesNoReleaseRecord() {
        // a short lock lease and a fast ping: the passive takes the lock well within the frozen server's serving lease
        PairWorld w = sharedStarted(500_000_000L, 400_000_000L);
        SimNode old = activeOf(w);
        SimNode other = w.node(1 - old.index);
        w.runFor(SECOND);
        w.cutLockPath(old, true);
        old.pauseUntil(Long.MAX_VALUE);
        for (int i = 0; i < 3000 && other.state() != HaState.ACTIVATING; i++) {
            w.runFor(10_000_000L);
        }
        assertThat(other.state()).as(w.describe()).isEqualTo(HaState.ACTIVATING);
        w.shutdown(other);
        w.restart(other);
        w.runFor(20 * SECOND);
        assertThat(other.state()).isEqualTo(HaState.ACTIVE);
        assertThat(w.holdsEveryAcknowledged(other)).isTrue();
    }
}
