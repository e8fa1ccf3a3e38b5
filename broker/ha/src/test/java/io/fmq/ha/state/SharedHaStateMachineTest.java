package io.fmq.ha.state;

import java.time.Duration;
import org.junit.jupiter.api.Test;

import static io.fmq.ha.state.HaAction.BROADCAST_STATE;
import static io.fmq.ha.state.HaAction.PREPARE_SERVICES;
import static io.fmq.ha.state.HaAction.RAISE_EPOCH;
import static io.fmq.ha.state.HaAction.RELEASE_LOCK;
import static io.fmq.ha.state.HaAction.START_CLIENT_ACCEPTOR;
import static io.fmq.ha.state.HaAction.STOP_CLIENT_ACCEPTOR;
import static io.fmq.ha.state.HaAction.TRY_ACQUIRE_LOCK;
import static io.fmq.ha.state.HaAction.VERIFY_LOCK;
import static io.fmq.ha.state.HaState.ACTIVATING;
import static io.fmq.ha.state.HaState.ACTIVE;
import static io.fmq.ha.state.HaState.DEAD;
import static io.fmq.ha.state.HaState.PASSIVE;
import static io.fmq.ha.state.HaStatus.NONE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One test per row of {@link SharedHaStateMachine}'s table, plus the refusals. */
class SharedHaStateMachineTest {
    private static final HaTimings TIMINGS = new HaTimings(Duration.ofSeconds(2), Duration.ofSeconds(4),
            Duration.ofSeconds(10), Duration.ofSeconds(6), Duration.ofSeconds(1));
    private static final long T0 = 1_000_000_000_000L;
    private static final long TICK = TIMINGS.tickIntervalNanos();
    private static final RepositoryPosition OWN = new RepositoryPosition(3, 50);
    private static final LockView HELD = new LockView(true, 3, false);
    private static final LockView HELD_CLEAN = new LockView(true, 3, true);
    private static final LockView FREE = LockView.notHeld(3);
    private static final PeerView NO_PEER = PeerView.UNKNOWN;

    private final SharedHaStateMachine machine = new SharedHaStateMachine(TIMINGS);

    private static long seconds(long s) {
        return Duration.ofSeconds(s).toNanos();
    }

    private static PeerView peer(HaState state) {
        return new PeerView(true, state, PASSIVE, OWN, OWN);
    }

    /** A server in {@code state}, its lock verified at T0 and held since long ago (no takeover wait left). */
    private static HaStatus in(HaState state, boolean servicesReady) {
        boolean holds = state != PASSIVE;
        return new HaStatus(true, state, PASSIVE, T0, T0, NONE, NONE, holds ? T0 : NONE, holds ? T0 - seconds(100) : NONE, NONE,
                false, NONE, servicesReady);
    }

    private HaDecision step(HaStatus s, HaEvent e, long now, PeerView peer, LockView lock, boolean gw) {
        return machine.next(new HaInputs(s, e, now, peer, lock, gw, OWN));
    }

    private HaDecision started() {
        return machine.next(new HaInputs(HaStatus.NOT_STARTED, HaEvent.START, T0, NO_PEER, FREE, true, OWN));
    }

    @Test
    void startIsPassiveAndTriesForTheLockAtOnce() {
        HaDecision d = started();
        assertThat(d.state()).isEqualTo(PASSIVE);
        assertThat(d.actions()).containsExactly(TRY_ACQUIRE_LOCK, BROADCAST_STATE);
    }

    @Test
    void theFirstToGetTheLockActivatesWithoutWaitingForItsPeer() {
        HaDecision got = step(started().status(), HaEvent.LOCK_ACQUIRED, T0 + 1, NO_PEER, HELD, true);
        assertThat(got.state()).isEqualTo(ACTIVATING);
        assertThat(got.actions()).containsExactly(RAISE_EPOCH, PREPARE_SERVICES, BROADCAST_STATE);
        assertThat(got.raisedEpoch()).isEqualTo(4);
        assertThat(got.status().acceptsClientsAt(T0 + 1, TIMINGS)).isFalse();
    }

    @Test
    void aPassiveWithAnActivePeerDoesNotTryAndGivesBackALockItGets() {
        HaStatus passive = started().status();
        assertThat(step(passive, HaEvent.TICK, T0 + TICK, peer(ACTIVE), FREE, true).actions()).isEmpty();
        assertThat(step(passive, HaEvent.TICK, T0 + TICK, peer(ACTIVATING), FREE, true).actions()).isEmpty();
        HaDecision got = step(passive, HaEvent.LOCK_ACQUIRED, T0 + TICK, peer(ACTIVE), HELD, true);
        assertThat(got.state()).isEqualTo(PASSIVE);
        assertThat(got.actions()).containsExactly(RELEASE_LOCK);
    }

    @Test
    void aPassiveTriesForTheLockOnEveryTickWhileNoPeerServes() {
        HaStatus passive = started().status();
        assertThat(step(passive, HaEvent.TICK, T0 + TICK, NO_PEER, FREE, true).actions()).containsExactly(TRY_ACQUIRE_LOCK);
        assertThat(step(passive, HaEvent.LINK_DOWN, T0 + TICK, NO_PEER, FREE, true).actions()).containsExactly(TRY_ACQUIRE_LOCK);
        assertThat(step(passive, HaEvent.TICK, T0 + TICK, peer(PASSIVE), FREE, true).actions()).containsExactly(TRY_ACQUIRE_LOCK);
        assertThat(step(passive, HaEvent.LOCK_UNAVAILABLE, T0 + TICK, NO_PEER, FREE, true).actions())
                .as("a failed attempt is not retried at once").isEmpty();
    }

    @Test
    void aLockWithoutTheGatewayIsGivenBack() {
        HaDecision got = step(started().status(), HaEvent.LOCK_ACQUIRED, T0 + 1, NO_PEER, HELD, false);
        assertThat(got.state()).isEqualTo(PASSIVE);
        assertThat(got.actions()).containsExactly(RELEASE_LOCK);
    }

    @Test
    void activatingOpensThePortOnlyWhenServicesAreReadyAndThePreviousHoldersLeaseIsOver() {
        HaDecision activating = step(started().status(), HaEvent.LOCK_ACQUIRED, T0 + 1, NO_PEER, HELD, true);
        HaDecision ready = step(activating.status(), HaEvent.SERVICES_READY, T0 + 2, NO_PEER, HELD, true);
        assertThat(ready.state()).as("no proof that the old holder stopped: wait R + 2T").isEqualTo(ACTIVATING);
        assertThat(ready.cause()).contains("serving lease");
        long after = T0 + 1 + TIMINGS.takeoverDelayNanos();
        HaDecision verifying = step(ready.status(), HaEvent.TICK, after, NO_PEER, HELD, true);
        assertThat(verifying.state()).isEqualTo(ACTIVATING);
        assertThat(verifying.actions()).containsExactly(VERIFY_LOCK);
        HaDecision up = step(verifying.status(), HaEvent.LOCK_VERIFIED, after + 1, NO_PEER, HELD, true);
        assertThat(up.state()).isEqualTo(ACTIVE);
        assertThat(up.actions()).containsExactly(START_CLIENT_ACCEPTOR, BROADCAST_STATE);
        assertThat(up.status().acceptsClientsAt(after + 1, TIMINGS)).isTrue();
    }

    @Test
    void aReleaseRecordLetsTheNewHolderServeAsSoonAsItsServicesAreUp() {
        HaDecision activating = step(started().status(), HaEvent.LOCK_ACQUIRED, T0 + 1, NO_PEER, HELD_CLEAN, true);
        HaDecision up = step(activating.status(), HaEvent.SERVICES_READY, T0 + 2, NO_PEER, HELD_CLEAN, true);
        assertThat(up.state()).isEqualTo(ACTIVE);
        assertThat(up.actions()).containsExactly(START_CLIENT_ACCEPTOR, BROADCAST_STATE);
    }

    @Test
    void activatingStepsDownOnLockLossGatewayLossOrWhenItTakesTooLong() {
        HaStatus activating = in(ACTIVATING, false);
        HaDecision lost = step(activating, HaEvent.LOCK_LOST, T0 + 1, NO_PEER, FREE, true);
        assertThat(lost.state()).isEqualTo(PASSIVE);
        assertThat(lost.actions()).containsExactly(STOP_CLIENT_ACCEPTOR, BROADCAST_STATE);
        HaDecision isolated = step(activating, HaEvent.GATEWAY_LOST, T0 + 1, NO_PEER, HELD, false);
        assertThat(isolated.state()).isEqualTo(PASSIVE);
        assertThat(isolated.actions()).containsExactly(STOP_CLIENT_ACCEPTOR, RELEASE_LOCK, BROADCAST_STATE);
        long late = T0 + TIMINGS.takeoverDelayNanos() + TIMINGS.maxWaitTimeout().toNanos();
        HaDecision slow = step(activating.withLock(late - 1, T0 - seconds(100)), HaEvent.TICK, late, NO_PEER, HELD, true);
        assertThat(slow.state()).isEqualTo(PASSIVE);
        assertThat(slow.cause()).contains("not up within");
    }

    @Test
    void activeStepsDownWhenTheLockIsLostTheGatewayIsGoneOrTheLeaseRunsOut() {
        HaStatus active = in(ACTIVE, false);
        assertThat(step(active, HaEvent.LOCK_LOST, T0 + 1, peer(PASSIVE), FREE, true).actions())
                .containsExactly(STOP_CLIENT_ACCEPTOR, BROADCAST_STATE);
        HaDecision isolated = step(active, HaEvent.GATEWAY_LOST, T0 + 1, peer(PASSIVE), HELD, false);
        assertThat(isolated.state()).isEqualTo(PASSIVE);
        assertThat(isolated.actions()).containsExactly(STOP_CLIENT_ACCEPTOR, RELEASE_LOCK, BROADCAST_STATE);
        HaDecision expired = step(active, HaEvent.PEER_STATE_CHANGED, T0 + TIMINGS.servingLeaseNanos(), peer(PASSIVE), HELD, true);
        assertThat(expired.state()).isEqualTo(PASSIVE);
        assertThat(expired.cause()).contains("not re-verified");
    }

    @Test
    void activeReVerifiesBeforeItsLeaseEndsAndKeepsServingWithoutItsPeer() {
        HaStatus active = in(ACTIVE, false);
        long due = T0 + TIMINGS.activeLockReAcquisitionInterval().toNanos() - TICK;
        assertThat(step(active, HaEvent.TICK, due, NO_PEER, HELD, true).actions()).containsExactly(VERIFY_LOCK);
        HaDecision linkDown = step(active, HaEvent.LINK_DOWN, T0 + 1, NO_PEER, HELD, true);
        assertThat(linkDown.state()).as("nothing to replicate: the peer's loss changes nothing").isEqualTo(ACTIVE);
        assertThat(linkDown.actions()).isEmpty();
    }

    @Test
    void switchoverHandsTheLockToThePassivePeerAndYields() {
        HaDecision d = step(in(ACTIVE, false), HaEvent.SWITCHOVER_REQUESTED, T0 + 1, peer(PASSIVE), HELD, true);
        assertThat(d.state()).isEqualTo(PASSIVE);
        assertThat(d.actions()).containsExactly(STOP_CLIENT_ACCEPTOR, RELEASE_LOCK, BROADCAST_STATE);
        assertThat(step(d.status(), HaEvent.TICK, T0 + TICK, peer(PASSIVE), FREE, true).actions())
                .as("leaves the lock to the peer for MaxWaitTimeout").isEmpty();
        assertThat(step(d.status(), HaEvent.TICK, T0 + 1 + TIMINGS.maxWaitTimeout().toNanos(), peer(PASSIVE), FREE, true).actions())
                .containsExactly(TRY_ACQUIRE_LOCK);
    }

    @Test
    void switchoverIsRefusedUnlessActiveWithAPassivePeer() {
        HaDecision noPeer = step(in(ACTIVE, false), HaEvent.SWITCHOVER_REQUESTED, T0 + 1, NO_PEER, HELD, true);
        assertThat(noPeer.state()).isEqualTo(ACTIVE);
        assertThat(noPeer.cause()).contains("refused").contains(DEAD.name());
        HaDecision passive = step(in(PASSIVE, false), HaEvent.SWITCHOVER_REQUESTED, T0 + 1, peer(ACTIVE), FREE, true);
        assertThat(passive.state()).isEqualTo(PASSIVE);
        assertThat(passive.cause()).contains("refused");
    }

    @Test
    void aStalledTickReChecksBeforeActingOnAnExpiredLease() {
        HaStatus active = in(ACTIVE, false);
        long late = T0 + TIMINGS.servingLeaseNanos() + 1;
        HaDecision d = step(active, HaEvent.TICK, late, peer(PASSIVE), HELD, true);
        assertThat(d.state()).isEqualTo(ACTIVE);
        assertThat(d.actions()).containsExactly(VERIFY_LOCK);
        assertThat(d.status().acceptsClientsAt(late, TIMINGS)).as("clients are refused meanwhile").isFalse();
    }

    @Test
    void onlyTheSharedTransitionsAreLegal() {
        assertThat(SharedHaStateMachine.isLegal(null, PASSIVE, HaEvent.START)).isTrue();
        assertThat(SharedHaStateMachine.isLegal(PASSIVE, ACTIVE, HaEvent.TICK)).as("always through ACTIVATING").isFalse();
        assertThat(SharedHaStateMachine.isLegal(ACTIVE, ACTIVATING, HaEvent.TICK)).isFalse();
        assertThat(SharedHaStateMachine.isLegal(PASSIVE, HaState.WAITING, HaEvent.TICK)).isFalse();
        assertThatThrownBy(() -> step(in(ACTIVE, false), HaEvent.START, T0, NO_PEER, HELD, true))
                .isInstanceOf(IllegalHaTransitionException.class);
    }
}
