package io.fmq.ha.state;

import java.time.Duration;
import java.util.EnumSet;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static io.fmq.ha.state.HaAction.BEGIN_SYNC_AS_SOURCE;
import static io.fmq.ha.state.HaAction.BEGIN_SYNC_AS_TARGET;
import static io.fmq.ha.state.HaAction.BROADCAST_STATE;
import static io.fmq.ha.state.HaAction.RAISE_EPOCH;
import static io.fmq.ha.state.HaAction.RELEASE_LOCK;
import static io.fmq.ha.state.HaAction.START_CLIENT_ACCEPTOR;
import static io.fmq.ha.state.HaAction.STOP_CLIENT_ACCEPTOR;
import static io.fmq.ha.state.HaAction.STOP_REPLICATION;
import static io.fmq.ha.state.HaAction.TRY_ACQUIRE_LOCK;
import static io.fmq.ha.state.HaAction.VERIFY_LOCK;
import static io.fmq.ha.state.HaState.ACTIVE;
import static io.fmq.ha.state.HaState.ACTIVE_SYNC;
import static io.fmq.ha.state.HaState.DEAD;
import static io.fmq.ha.state.HaState.PASSIVE;
import static io.fmq.ha.state.HaState.PASSIVE_SYNC;
import static io.fmq.ha.state.HaState.STANDALONE;
import static io.fmq.ha.state.HaState.WAITING;
import static io.fmq.ha.state.HaStatus.NONE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HaStateMachineTest {

    private static final HaTimings TIMINGS = new HaTimings(Duration.ofSeconds(2), Duration.ofSeconds(4),
            Duration.ofSeconds(10), Duration.ofSeconds(6), Duration.ofSeconds(1));
    private static final long T0 = 1_000_000_000_000L;
    private static final long TICK = TIMINGS.tickIntervalNanos();
    private static final RepositoryPosition OWN = new RepositoryPosition(3, 50);

    private final HaStateMachine primary = new HaStateMachine(TIMINGS, true);
    private final HaStateMachine secondary = new HaStateMachine(TIMINGS, false);

    /** A server in {@code state} that has held the lock, verified just now, since long ago. */
    private static HaStatus in(HaState state) {
        boolean syncing = state == ACTIVE_SYNC || state == PASSIVE_SYNC;
        return new HaStatus(true, state, WAITING, T0, T0, state == WAITING ? T0 + seconds(10) : NONE, NONE,
                T0, T0 - seconds(100), syncing ? T0 + seconds(6) : NONE, state != WAITING, NONE, false);
    }

    private static long seconds(long s) {
        return Duration.ofSeconds(s).toNanos();
    }

    private static PeerView peer(HaState state, RepositoryPosition position) {
        return new PeerView(true, state, WAITING, position, position);
    }

    private static PeerView linkDown(HaState lastState, RepositoryPosition position, RepositoryPosition confirmed) {
        return new PeerView(false, lastState, WAITING, position, confirmed);
    }

    private static HaInputs inputs(HaStatus status, HaEvent event, long now, PeerView peer, LockView lock, boolean gw) {
        return new HaInputs(status, event, now, peer, lock, gw, OWN);
    }

    private static final LockView HELD = new LockView(true, 3, true);
    private static final LockView FREE = LockView.notHeld(3);

    @Nested
    class Rows {

        @Test
        void switchoverStopsServingThenHandsOverOnceThePassiveConfirmed() {
            PeerView passive = peer(PASSIVE, OWN);
            HaDecision asked = primary.next(inputs(in(ACTIVE), HaEvent.SWITCHOVER_REQUESTED, T0 + TICK, passive, HELD, true));

            assertThat(asked.state()).isEqualTo(ACTIVE);
            assertThat(asked.actions()).containsExactly(HaAction.STOP_CLIENT_ACCEPTOR, HaAction.BEGIN_HANDOVER);
            assertThat(asked.status().handoverUntil()).isEqualTo(T0 + TICK + seconds(6));
            assertThat(asked.status().acceptsClientsAt(T0 + TICK, TIMINGS)).as("the serving lease ends with the request").isFalse();

            HaDecision waiting = primary.next(inputs(asked.status(), HaEvent.TICK, T0 + 2 * TICK, passive, HELD, true));
            assertThat(waiting.state()).isEqualTo(ACTIVE);
            assertThat(waiting.actions()).isEmpty();

            HaDecision done = primary.next(inputs(waiting.status(), HaEvent.PEER_CONFIRMED, T0 + 3 * TICK, passive, HELD, true));
            assertThat(done.state()).isEqualTo(WAITING);
            assertThat(done.actions()).containsExactly(RELEASE_LOCK, STOP_REPLICATION, BROADCAST_STATE);
            assertThat(done.cause()).contains("switchover: the passive confirmed every record");
        }

        @Test
        void winningAgainstAStalePeerViewIsNotEnoughWhenTheLockShowsALaterEpoch() {
            // the peer's last broadcast says 3/10, but the lock says epoch 4 was served since: the peer's view is stale
            PeerView stale = peer(WAITING, new RepositoryPosition(3, 10));
            HaDecision d = primary.next(inputs(in(WAITING), HaEvent.LOCK_ACQUIRED, T0, stale, new LockView(true, 4, true), true));

            assertThat(d.state()).isEqualTo(WAITING);
            assertThat(d.actions()).containsExactly(RELEASE_LOCK);
            assertThat(d.cause()).contains("the lock records epoch 4, newer than this store's epoch 3");
        }

        @Test
        void switchoverGivesUpWaitingAtMaxWaitTimeout() {
            PeerView passive = peer(PASSIVE, OWN);
            HaDecision asked = primary.next(inputs(in(ACTIVE), HaEvent.SWITCHOVER_REQUESTED, T0, passive, HELD, true));

            HaDecision late = primary.next(inputs(asked.status(), HaEvent.TICK, T0 + seconds(6), passive, HELD, true));

            assertThat(late.state()).isEqualTo(WAITING);
            assertThat(late.actions()).containsExactly(RELEASE_LOCK, STOP_REPLICATION, BROADCAST_STATE);
            assertThat(late.cause()).contains("MaxWaitTimeout");
        }

        @Test
        void switchoverIsRefusedUnlessActiveWithAPassivePeer() {
            HaDecision standalone = primary.next(inputs(in(STANDALONE), HaEvent.SWITCHOVER_REQUESTED, T0, PeerView.UNKNOWN, HELD, true));
            HaDecision withSyncingPeer = primary.next(inputs(in(ACTIVE_SYNC), HaEvent.SWITCHOVER_REQUESTED, T0,
                    peer(PASSIVE_SYNC, OWN), HELD, true));

            for (HaDecision d : new HaDecision[] {standalone, withSyncingPeer}) {
                assertThat(d.actions()).isEmpty();
                assertThat(d.cause()).startsWith("switchover refused");
                assertThat(d.status().handoverUntil()).isEqualTo(NONE);
            }
            assertThat(standalone.state()).isEqualTo(STANDALONE);
            assertThat(withSyncingPeer.state()).isEqualTo(ACTIVE_SYNC);
        }

        @Test
        void startEntersWaiting() {
            HaDecision d = primary.next(inputs(HaStatus.NOT_STARTED, HaEvent.START, T0, PeerView.UNKNOWN, FREE, true));

            assertThat(d.state()).isEqualTo(WAITING);
            assertThat(d.actions()).containsExactly(BROADCAST_STATE);
            assertThat(d.status().peerWaitUntil()).isEqualTo(T0 + seconds(10));
        }

        @Test
        void waitingJoinsServingPeerAsPassive() {
            for (HaState serving : new HaState[] {STANDALONE, ACTIVE, ACTIVE_SYNC}) {
                HaDecision d = primary.next(inputs(in(WAITING), HaEvent.LINK_UP, T0,
                        peer(serving, new RepositoryPosition(1, 1)), FREE, true));

                assertThat(d.state()).as("peer %s", serving).isEqualTo(PASSIVE_SYNC);
                assertThat(d.actions()).containsExactly(BEGIN_SYNC_AS_TARGET, BROADCAST_STATE);
            }
        }

        @Test
        void waitingWithNewerRepositoryAsksForTheLockThenBecomesActiveSync() {
            PeerView olderPeer = peer(WAITING, new RepositoryPosition(3, 10));
            HaDecision asks = secondary.next(inputs(in(WAITING), HaEvent.TICK, T0 + TICK, olderPeer, FREE, true));
            assertThat(asks.state()).isEqualTo(WAITING);
            assertThat(asks.actions()).containsExactly(TRY_ACQUIRE_LOCK);

            HaDecision d = secondary.next(inputs(asks.status(), HaEvent.LOCK_ACQUIRED, T0 + TICK, olderPeer, HELD, true));

            assertThat(d.state()).isEqualTo(ACTIVE_SYNC);
            assertThat(d.actions()).containsExactly(RAISE_EPOCH, START_CLIENT_ACCEPTOR, BEGIN_SYNC_AS_SOURCE, BROADCAST_STATE);
            assertThat(d.raisedEpoch()).isEqualTo(4);
            assertThat(d.cause()).contains("newer");
        }

        @Test
        void equalRepositoriesGoToThePrimary() {
            PeerView equalPeer = peer(WAITING, OWN);

            HaDecision onPrimary = primary.next(inputs(in(WAITING), HaEvent.LOCK_ACQUIRED, T0, equalPeer, HELD, true));
            HaDecision onSecondary = secondary.next(inputs(in(WAITING), HaEvent.PEER_STATE_CHANGED, T0, equalPeer, FREE, true));

            assertThat(onPrimary.state()).isEqualTo(ACTIVE_SYNC);
            assertThat(onSecondary.state()).isEqualTo(PASSIVE_SYNC);
        }

        @Test
        void waitingDefersToPeerWithNewerRepository() {
            HaDecision d = primary.next(inputs(in(WAITING), HaEvent.PEER_STATE_CHANGED, T0,
                    peer(WAITING, new RepositoryPosition(4, 1)), HELD, true));

            assertThat(d.state()).isEqualTo(PASSIVE_SYNC);
            assertThat(d.actions()).containsExactly(RELEASE_LOCK, BEGIN_SYNC_AS_TARGET, BROADCAST_STATE);
        }

        @Test
        void waitingBecomesStandaloneWhenPeerAbsentForTheWaitBoundAndLockObtained() {
            HaStatus waiting = in(WAITING);
            PeerView absent = PeerView.UNKNOWN;
            HaDecision early = primary.next(inputs(waiting, HaEvent.TICK, T0 + seconds(9), absent, FREE, true));
            assertThat(early.actions()).isEmpty();

            HaDecision asks = primary.next(inputs(early.status(), HaEvent.TICK, T0 + seconds(10), absent, FREE, true));
            assertThat(asks.actions()).containsExactly(TRY_ACQUIRE_LOCK);
            HaDecision d = primary.next(inputs(asks.status(), HaEvent.LOCK_ACQUIRED, T0 + seconds(10), absent, HELD, true));

            assertThat(d.state()).isEqualTo(STANDALONE);
            assertThat(d.actions()).containsExactly(RAISE_EPOCH, START_CLIENT_ACCEPTOR, BROADCAST_STATE);
            assertThat(d.status().acceptsClientsAt(T0 + seconds(10), TIMINGS)).isTrue();
        }

        @Test
        void standaloneSynchronisesPeerThatJoinsWaiting() {
            HaDecision d = primary.next(inputs(in(STANDALONE), HaEvent.LINK_UP, T0,
                    peer(WAITING, new RepositoryPosition(2, 5)), HELD, true));

            assertThat(d.state()).isEqualTo(ACTIVE_SYNC);
            assertThat(d.actions()).containsExactly(BEGIN_SYNC_AS_SOURCE, BROADCAST_STATE);
            assertThat(d.raisedEpoch()).isZero();
        }

        @Test
        void standaloneStepsDownWhenLockLostOrGatewayUnreachable() {
            HaDecision lockLost = primary.next(inputs(in(STANDALONE), HaEvent.LOCK_LOST, T0, PeerView.UNKNOWN,
                    FREE, true));
            HaDecision isolated = primary.next(inputs(in(STANDALONE), HaEvent.GATEWAY_LOST, T0, PeerView.UNKNOWN,
                    HELD, false));

            assertThat(lockLost.state()).isEqualTo(WAITING);
            assertThat(lockLost.actions()).containsExactly(STOP_CLIENT_ACCEPTOR, BROADCAST_STATE);
            assertThat(isolated.state()).isEqualTo(WAITING);
            assertThat(isolated.actions()).containsExactly(STOP_CLIENT_ACCEPTOR, RELEASE_LOCK, BROADCAST_STATE);
            assertThat(isolated.cause()).contains("gateway unreachable");
        }

        @Test
        void activeSyncBecomesActiveWhenPeerConfirmsSyncComplete() {
            HaDecision d = primary.next(inputs(in(ACTIVE_SYNC), HaEvent.SYNC_COMPLETE, T0, peer(PASSIVE, OWN), HELD, true));

            assertThat(d.state()).isEqualTo(ACTIVE);
            assertThat(d.actions()).containsExactly(BROADCAST_STATE);
        }

        @Test
        void activeGoesStandaloneInANewEpochWhenLinkBreaksWithLockHeld() {
            for (HaState active : new HaState[] {ACTIVE, ACTIVE_SYNC}) {
                HaDecision d = primary.next(inputs(in(active), HaEvent.LINK_DOWN, T0,
                        linkDown(PASSIVE, OWN, OWN), HELD, true));

                assertThat(d.state()).as("from %s", active).isEqualTo(STANDALONE);
                assertThat(d.actions()).containsExactly(STOP_REPLICATION, RAISE_EPOCH, BROADCAST_STATE);
                assertThat(d.raisedEpoch()).isEqualTo(4);
            }
        }

        @Test
        void activeGoesStandaloneWhenPassiveLeavesThePassiveRole() {
            HaDecision d = primary.next(inputs(in(ACTIVE), HaEvent.PEER_STATE_CHANGED, T0, peer(WAITING, OWN), HELD, true));

            assertThat(d.state()).isEqualTo(STANDALONE);
            assertThat(d.cause()).contains("passive peer is now WAITING");
        }

        @Test
        void activeStepsDownWhenLockLostOrGatewayUnreachable() {
            for (HaState active : new HaState[] {ACTIVE, ACTIVE_SYNC}) {
                HaDecision lockLost = primary.next(inputs(in(active), HaEvent.LOCK_LOST, T0, peer(PASSIVE, OWN), FREE, true));
                HaDecision isolated = primary.next(inputs(in(active), HaEvent.GATEWAY_LOST, T0, peer(PASSIVE, OWN), HELD, false));

                assertThat(lockLost.state()).isEqualTo(WAITING);
                assertThat(lockLost.actions()).containsExactly(STOP_CLIENT_ACCEPTOR, STOP_REPLICATION, BROADCAST_STATE);
                assertThat(isolated.state()).isEqualTo(WAITING);
                assertThat(isolated.actions()).containsExactly(STOP_CLIENT_ACCEPTOR, STOP_REPLICATION, RELEASE_LOCK,
                        BROADCAST_STATE);
            }
        }

        @Test
        void activeStepsDownWhenLockNotReverifiedWithinItsServingLease() {
            HaStatus active = in(ACTIVE);
            long lease = TIMINGS.servingLeaseNanos();
            HaDecision due = primary.next(inputs(active, HaEvent.TICK, T0 + seconds(4), peer(PASSIVE, OWN), HELD, true));
            assertThat(due.actions()).containsExactly(VERIFY_LOCK);

            HaDecision d = primary.next(inputs(due.status(), HaEvent.TICK, T0 + lease, peer(PASSIVE, OWN), HELD, true));

            assertThat(d.state()).isEqualTo(WAITING);
            assertThat(d.cause()).contains("not re-verified");
            assertThat(active.acceptsClientsAt(T0 + lease, TIMINGS)).isFalse();
        }

        @Test
        void passiveSyncBecomesPassiveOnSyncComplete() {
            HaDecision d = primary.next(inputs(in(PASSIVE_SYNC), HaEvent.SYNC_COMPLETE, T0, peer(ACTIVE_SYNC, OWN), FREE, true));

            assertThat(d.state()).isEqualTo(PASSIVE);
            assertThat(d.actions()).containsExactly(BROADCAST_STATE);
        }

        @Test
        void passiveTakesOverWhenLinkBrokenAndLockAcquired() {
            PeerView lost = linkDown(ACTIVE, OWN, OWN);
            HaDecision trying = secondary.next(inputs(in(PASSIVE), HaEvent.LINK_DOWN, T0, lost, FREE, true));
            assertThat(trying.state()).isEqualTo(PASSIVE);
            assertThat(trying.actions()).containsExactly(STOP_REPLICATION, TRY_ACQUIRE_LOCK);

            long acquiredAt = T0 + seconds(3);
            LockView takenOver = new LockView(true, 3, false);
            HaDecision holding = secondary.next(inputs(trying.status(), HaEvent.LOCK_ACQUIRED, acquiredAt, lost, takenOver, true));
            assertThat(holding.state()).as("waits out the previous holder's lease").isEqualTo(PASSIVE);
            assertThat(holding.cause()).contains("serving lease has run out");

            long allowed = acquiredAt + TIMINGS.takeoverDelayNanos();
            HaDecision stillWaiting = secondary.next(inputs(holding.status(), HaEvent.TICK, allowed - 1, lost, takenOver, true));
            assertThat(stillWaiting.state()).isEqualTo(PASSIVE);
            HaDecision reverify = secondary.next(inputs(stillWaiting.status(), HaEvent.TICK, allowed, lost, takenOver, true));
            assertThat(reverify.actions()).containsExactly(VERIFY_LOCK);
            HaDecision d = secondary.next(inputs(reverify.status(), HaEvent.LOCK_VERIFIED, allowed, lost, takenOver, true));

            assertThat(d.state()).isEqualTo(STANDALONE);
            assertThat(d.actions()).containsExactly(RAISE_EPOCH, START_CLIENT_ACCEPTOR, BROADCAST_STATE);
        }

        @Test
        void aTickHandledBeforeTheAcquisitionsOwnEventDoesNotDecideTheTakeoverWait() {
            // the controller records the lock as held, then queues LOCK_ACQUIRED behind a tick already waiting: the tick
            // must not stand in for the acquisition (it has no proof), nor may the acquisition's proof be lost after it
            PeerView lost = linkDown(ACTIVE, OWN, OWN);
            HaDecision trying = secondary.next(inputs(in(PASSIVE), HaEvent.LINK_DOWN, T0, lost, FREE, true));
            LockView provenFree = new LockView(true, 3, true);
            HaDecision tick = secondary.next(inputs(trying.status(), HaEvent.TICK, T0 + 1, lost, provenFree, true));
            assertThat(tick.state()).isEqualTo(PASSIVE);
            assertThat(tick.actions()).isEmpty();
            assertThat(tick.cause()).contains("waiting for its acquisition to be confirmed");
            assertThat(tick.status().servingAllowedFrom()).isEqualTo(HaStatus.NONE);

            HaDecision acquired = secondary.next(inputs(tick.status(), HaEvent.LOCK_ACQUIRED, T0 + 2, lost, provenFree, true));
            assertThat(acquired.status().servingAllowedFrom()).as("the proof counts: no takeover wait").isEqualTo(T0 + 2);
            assertThat(acquired.state()).isEqualTo(STANDALONE);
            assertThat(acquired.actions()).containsExactly(RAISE_EPOCH, START_CLIENT_ACCEPTOR, BROADCAST_STATE);
        }

        @Test
        void aServingLeaseCountsFromTheCheckNotFromWhenItsEventIsHandled() {
            PeerView lost = linkDown(ACTIVE, OWN, OWN);
            HaDecision trying = secondary.next(inputs(in(PASSIVE), HaEvent.LINK_DOWN, T0, lost, FREE, true));
            HaDecision serving = secondary.next(inputs(trying.status(), HaEvent.LOCK_ACQUIRED, T0 + 1, lost,
                    new LockView(true, 3, true, T0 + 1), true));
            assertThat(serving.state()).isEqualTo(STANDALONE);
            // a check begins at T0 + 10 ms; the process freezes before its event is handled, 3 s later
            long checkBegan = T0 + 10_000_000L;
            HaDecision late = secondary.next(inputs(serving.status(), HaEvent.LOCK_VERIFIED, T0 + seconds(3), lost,
                    new LockView(true, 3, true, checkBegan), true));
            assertThat(late.status().lockVerifiedAt()).as("proven when the check began").isEqualTo(checkBegan);
            assertThat(late.status().acceptClientsUntil(TIMINGS)).isEqualTo(checkBegan + TIMINGS.servingLeaseNanos());
        }

        @Test
        void passiveTakesOverWhenActivePeerStopsServingOverALiveLink() {
            HaDecision d = secondary.next(inputs(in(PASSIVE), HaEvent.PEER_STATE_CHANGED, T0, peer(WAITING, OWN), FREE, true));

            assertThat(d.state()).isEqualTo(PASSIVE);
            assertThat(d.actions()).containsExactly(STOP_REPLICATION, TRY_ACQUIRE_LOCK);
            assertThat(d.status().lockAttemptUntil()).isEqualTo(T0 + seconds(10));
        }

        @Test
        void passiveReturnsToWaitingWhenLockNotObtainedWithinPassiveLockAcquisitionInterval() {
            PeerView lost = linkDown(ACTIVE, OWN, OWN);
            HaStatus trying = secondary.next(inputs(in(PASSIVE), HaEvent.LINK_DOWN, T0, lost, FREE, true)).status();

            HaDecision d = secondary.next(inputs(trying.withLastTickAt(T0 + seconds(10) - TICK), HaEvent.TICK,
                    T0 + seconds(10), lost, FREE, true));

            assertThat(d.state()).isEqualTo(WAITING);
            assertThat(d.cause()).contains("lock not obtained within 10000 ms");
        }

        @Test
        void passiveReturnsToWaitingWhenGatewayUnreachable() {
            PeerView lost = linkDown(ACTIVE, OWN, OWN);
            HaStatus trying = secondary.next(inputs(in(PASSIVE_SYNC), HaEvent.LINK_DOWN, T0, lost, FREE, true)).status();

            HaDecision d = secondary.next(inputs(trying, HaEvent.GATEWAY_LOST, T0 + TICK, lost, FREE, false));

            assertThat(d.state()).isEqualTo(WAITING);
            assertThat(d.cause()).contains("gateway unreachable");
        }

        @Test
        void passiveReturnsToWaitingWhenThePeerServesAgainBeforeLockObtained() {
            HaStatus trying = secondary.next(inputs(in(PASSIVE), HaEvent.LINK_DOWN, T0, linkDown(ACTIVE, OWN, OWN),
                    FREE, true)).status();

            HaDecision d = secondary.next(inputs(trying, HaEvent.LINK_UP, T0 + TICK, peer(STANDALONE, OWN), FREE, true));

            assertThat(d.state()).isEqualTo(WAITING);
        }

        @Test
        void synchronisationWithoutProgressForMaxWaitTimeoutFallsBackToWaiting() {
            long deadline = T0 + seconds(6);
            HaStatus passiveSync = in(PASSIVE_SYNC).withLastTickAt(deadline - TICK);
            HaStatus activeSync = in(ACTIVE_SYNC).withLastTickAt(deadline - TICK).withLock(deadline - TICK, T0);
            HaDecision passive = secondary.next(inputs(passiveSync, HaEvent.TICK, deadline, peer(ACTIVE_SYNC, OWN), FREE, true));
            HaDecision active = primary.next(inputs(activeSync, HaEvent.TICK, deadline, peer(PASSIVE_SYNC, OWN), HELD, true));

            assertThat(passive.state()).isEqualTo(WAITING);
            assertThat(passive.cause()).contains("MaxWaitTimeout");
            assertThat(active.state()).isEqualTo(WAITING);
            assertThat(active.actions()).contains(STOP_CLIENT_ACCEPTOR, RELEASE_LOCK);
            assertThat(active.cause()).contains("MaxWaitTimeout");
        }

        @Test
        void syncProgressPostponesMaxWaitTimeout() {
            HaStatus progressed = secondary.next(inputs(in(PASSIVE_SYNC), HaEvent.SYNC_PROGRESS, T0 + seconds(5),
                    peer(ACTIVE_SYNC, OWN), FREE, true)).status();

            HaDecision d = secondary.next(inputs(progressed.withLastTickAt(T0 + seconds(6) - TICK), HaEvent.TICK,
                    T0 + seconds(6), peer(ACTIVE_SYNC, OWN), FREE, true));

            assertThat(d.state()).isEqualTo(PASSIVE_SYNC);
        }
    }

    @Nested
    class WhoMayTakeOver {

        private HaDecision takeOverAttempt(PeerView lastHeard, LockView lock, RepositoryPosition own) {
            HaStatus trying = secondary.next(new HaInputs(in(PASSIVE_SYNC), HaEvent.LINK_DOWN, T0, lastHeard, FREE,
                    true, own)).status();
            return secondary.next(new HaInputs(trying, HaEvent.LOCK_ACQUIRED, T0 + TICK, lastHeard, lock, true, own));
        }

        @Test
        void partlySyncedPassiveStaysWaitingWhenItsStoreStopsShortOfWhatTheActiveConfirmed() {
            PeerView lastHeard = linkDown(ACTIVE_SYNC, new RepositoryPosition(4, 90), new RepositoryPosition(4, 80));

            HaDecision d = takeOverAttempt(lastHeard, new LockView(true, 4, true), new RepositoryPosition(3, 60));

            assertThat(d.state()).isEqualTo(WAITING);
            assertThat(d.actions()).containsExactly(RELEASE_LOCK, BROADCAST_STATE);
            assertThat(d.cause()).contains("ends at 3/60 but the peer confirmed records up to 4/80");
        }

        @Test
        void partlySyncedPassiveTakesOverWhenItsStoreReachesWhatTheActiveConfirmed() {
            PeerView lastHeard = linkDown(ACTIVE_SYNC, new RepositoryPosition(4, 90), new RepositoryPosition(4, 80));

            HaDecision d = takeOverAttempt(lastHeard, new LockView(true, 4, true), new RepositoryPosition(4, 80));

            assertThat(d.state()).isEqualTo(STANDALONE);
            assertThat(d.raisedEpoch()).isEqualTo(5);
        }

        @Test
        void passiveDoesNotTakeOverFromAPeerLastSeenStandalone() {
            PeerView lastHeard = linkDown(STANDALONE, new RepositoryPosition(4, 90), new RepositoryPosition(4, 80));

            HaDecision d = takeOverAttempt(lastHeard, new LockView(true, 4, true), new RepositoryPosition(4, 90));

            assertThat(d.state()).isEqualTo(WAITING);
            assertThat(d.cause()).contains("last seen STANDALONE");
        }

        @Test
        void passiveDoesNotTakeOverWhenTheLockShowsTheActiveServedAloneSince() {
            PeerView lastHeard = linkDown(ACTIVE, OWN, OWN);

            HaDecision d = takeOverAttempt(lastHeard, new LockView(true, 4, true), OWN);

            assertThat(d.state()).isEqualTo(WAITING);
            assertThat(d.cause()).contains("lock records epoch 4");
        }

        @Test
        void waitingServerWithAnOlderStoreThanTheLockStaysWaiting() {
            HaStatus waited = in(WAITING).withPeerWaitUntil(T0);

            HaDecision d = primary.next(inputs(waited, HaEvent.LOCK_ACQUIRED, T0, PeerView.UNKNOWN, new LockView(true, 7, true), true));

            assertThat(d.state()).isEqualTo(WAITING);
            assertThat(d.actions()).containsExactly(RELEASE_LOCK);
            assertThat(d.cause()).contains("lock records epoch 7, newer than this store's epoch 3");
        }
    }

    @Nested
    class Stalls {

        @Test
        void activeRechecksTheLockAfterAStallInsteadOfSteppingDown() {
            long afterStall = T0 + seconds(30);

            HaDecision recheck = primary.next(inputs(in(ACTIVE), HaEvent.TICK, afterStall, peer(PASSIVE, OWN), HELD, true));

            assertThat(recheck.state()).isEqualTo(ACTIVE);
            assertThat(recheck.actions()).containsExactly(VERIFY_LOCK);
            assertThat(recheck.cause()).contains("stalled").contains("serving lease");
            assertThat(recheck.status().acceptsClientsAt(afterStall, TIMINGS)).as("fenced meanwhile").isFalse();

            HaDecision verified = primary.next(inputs(recheck.status(), HaEvent.LOCK_VERIFIED, afterStall, peer(PASSIVE, OWN), HELD, true));
            assertThat(verified.state()).isEqualTo(ACTIVE);
            assertThat(verified.status().acceptsClientsAt(afterStall, TIMINGS)).isTrue();
        }

        @Test
        void activeStepsDownOnTheRegularTickAfterAStallIfTheLeaseStillExpired() {
            HaStatus rechecking = primary.next(inputs(in(ACTIVE), HaEvent.TICK, T0 + seconds(30), peer(PASSIVE, OWN),
                    HELD, true)).status();

            HaDecision d = primary.next(inputs(rechecking, HaEvent.TICK, T0 + seconds(30) + TICK, peer(PASSIVE, OWN), HELD, true));

            assertThat(d.state()).isEqualTo(WAITING);
        }

        @Test
        void waitingServerDoesNotGoForTheLockOnTheTickAfterAStall() {
            HaDecision afterStall = primary.next(inputs(in(WAITING), HaEvent.TICK, T0 + seconds(20), PeerView.UNKNOWN, FREE, true));

            assertThat(afterStall.actions()).isEmpty();
            assertThat(afterStall.cause()).contains("re-checking").contains("wait for the peer");

            HaDecision regular = primary.next(inputs(afterStall.status(), HaEvent.TICK, T0 + seconds(20) + TICK,
                    PeerView.UNKNOWN, FREE, true));
            assertThat(regular.actions()).containsExactly(TRY_ACQUIRE_LOCK);
        }

        @Test
        void ordinaryTicksAreNotStalls() {
            HaDecision d = primary.next(inputs(in(ACTIVE), HaEvent.TICK, T0 + TIMINGS.pauseThresholdNanos(),
                    peer(PASSIVE, OWN), HELD, true));

            assertThat(d.cause()).doesNotContain("stalled");
        }
    }

    @Nested
    class IllegalTransitions {

        @Test
        void transitionOutsideTheTableThrowsNamingFromToAndEvent() {
            assertThatThrownBy(() -> HaTransitions.check(PASSIVE, ACTIVE, HaEvent.LOCK_ACQUIRED))
                    .isInstanceOf(IllegalHaTransitionException.class)
                    .hasMessage("illegal HA transition from PASSIVE to ACTIVE on LOCK_ACQUIRED");
            assertThatThrownBy(() -> HaTransitions.check(WAITING, ACTIVE, HaEvent.TICK))
                    .hasMessage("illegal HA transition from WAITING to ACTIVE on TICK");
            assertThatThrownBy(() -> HaTransitions.check(STANDALONE, PASSIVE_SYNC, HaEvent.LINK_UP))
                    .hasMessage("illegal HA transition from STANDALONE to PASSIVE_SYNC on LINK_UP");
            assertThatThrownBy(() -> HaTransitions.check(ACTIVE, DEAD, HaEvent.TICK))
                    .hasMessage("illegal HA transition from ACTIVE to DEAD on TICK");
        }

        @Test
        void finishingASyncNeedsSyncComplete() {
            assertThatThrownBy(() -> HaTransitions.check(ACTIVE_SYNC, ACTIVE, HaEvent.TICK))
                    .hasMessage("illegal HA transition from ACTIVE_SYNC to ACTIVE on TICK");
            assertThatThrownBy(() -> HaTransitions.check(PASSIVE_SYNC, PASSIVE, HaEvent.PEER_STATE_CHANGED))
                    .hasMessage("illegal HA transition from PASSIVE_SYNC to PASSIVE on PEER_STATE_CHANGED");
        }

        @Test
        void secondStartThrows() {
            IllegalHaTransitionException e = assertThrows(IllegalHaTransitionException.class,
                    () -> primary.next(inputs(in(PASSIVE), HaEvent.START, T0, PeerView.UNKNOWN, FREE, true)));

            assertThat(e).hasMessage("illegal HA transition from PASSIVE to WAITING on START");
            assertThat(e.from()).isEqualTo(PASSIVE);
            assertThat(e.to()).isEqualTo(WAITING);
            assertThat(e.event()).isEqualTo(HaEvent.START);
        }

        @Test
        void eventsBeforeStartAreRejected() {
            assertThatThrownBy(() -> primary.next(inputs(HaStatus.NOT_STARTED, HaEvent.TICK, T0, PeerView.UNKNOWN, FREE, true)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("START first");
        }

        @Test
        void everyRowOfTheTableIsLegal() {
            HaState[][] rows = {{WAITING, PASSIVE_SYNC}, {WAITING, ACTIVE_SYNC}, {WAITING, STANDALONE},
                    {STANDALONE, ACTIVE_SYNC}, {STANDALONE, WAITING}, {ACTIVE_SYNC, STANDALONE}, {ACTIVE_SYNC, WAITING},
                    {ACTIVE, STANDALONE}, {ACTIVE, WAITING}, {PASSIVE_SYNC, STANDALONE}, {PASSIVE_SYNC, WAITING},
                    {PASSIVE, STANDALONE}, {PASSIVE, WAITING}};
            for (HaState[] row : rows) {
                assertThat(HaTransitions.isLegal(row[0], row[1], HaEvent.TICK)).as("%s -> %s", row[0], row[1]).isTrue();
            }
            assertThat(HaTransitions.isLegal(ACTIVE_SYNC, ACTIVE, HaEvent.SYNC_COMPLETE)).isTrue();
            assertThat(HaTransitions.isLegal(PASSIVE_SYNC, PASSIVE, HaEvent.SYNC_COMPLETE)).isTrue();
            assertThat(HaTransitions.isLegal(null, WAITING, HaEvent.START)).isTrue();
        }
    }

    @Nested
    class Basics {

        @Test
        void onlyActiveStatesAcceptClients() {
            assertThat(EnumSet.allOf(HaState.class).stream().filter(HaState::acceptsClients))
                    .containsExactlyInAnyOrder(ACTIVE, ACTIVE_SYNC, STANDALONE);
        }

        @Test
        void positionsCompareEpochFirst() {
            assertThat(new RepositoryPosition(2, 1)).isGreaterThan(new RepositoryPosition(1, 999));
            assertThat(new RepositoryPosition(2, 5)).isLessThan(new RepositoryPosition(2, 6));
            assertThat(new RepositoryPosition(2, 5)).isEqualByComparingTo(new RepositoryPosition(2, 5));
        }

        @Test
        void timingsDeriveLeaseAndTakeoverDelayAndRejectNonPositiveIntervals() {
            assertThat(HaTimings.defaults().servingLeaseNanos()).isEqualTo(Duration.ofSeconds(40).toNanos());
            assertThat(HaTimings.defaults().takeoverDelayNanos()).isEqualTo(Duration.ofSeconds(50).toNanos());
            assertThatThrownBy(() -> new HaTimings(Duration.ZERO, Duration.ofSeconds(30), Duration.ofSeconds(60),
                    Duration.ofSeconds(30), Duration.ofSeconds(10)))
                    .hasMessageContaining("pingInterval must be positive");
        }
    }
}
