package io.fmq.ha.state;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

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
import static io.fmq.ha.state.HaState.PASSIVE;
import static io.fmq.ha.state.HaStatus.NONE;

/**
 * The shared-mode HA state machine: both servers use one store, so there is nothing to synchronise and no reason
 * to wait for the peer; the lock alone decides who is active. Pure, like {@link HaStateMachine}: no I/O, no clock,
 * time arrives as {@code nowNanos}.
 *
 * <h2>Transitions (DESIGN §5, the guide's shared-HA page)</h2>
 * <pre>
 * from        condition                                                          to          actions
 * (start)     START                                                              PASSIVE     TRY_ACQUIRE_LOCK BROADCAST
 * PASSIVE     no peer serving or activating on the link, not yielding: each tick                 TRY_ACQUIRE_LOCK (stays)
 * PASSIVE     lock held, gw ok, no peer serving or activating on the link        ACTIVATING  RAISE_EPOCH PREPARE_SERVICES BROADCAST
 * PASSIVE     lock held while the linked peer serves or activates                            RELEASE_LOCK (stays)
 * ACTIVATING  SERVICES_READY (kept), any previous holder's serving lease over, lock
 *             verified within R, gw ok                                           ACTIVE      START_CLIENT_ACCEPTOR BROADCAST
 * ACTIVATING  lock lost, gw unreachable, or not ACTIVE within the takeover wait
 *             plus MaxWaitTimeout                                                PASSIVE     STOP_CLIENT_ACCEPTOR [RELEASE_LOCK] BROADCAST
 * ACTIVE      lock lost, gw unreachable, or lock not re-verified in time          PASSIVE     STOP_CLIENT_ACCEPTOR [RELEASE_LOCK] BROADCAST
 * ACTIVE      SWITCHOVER_REQUESTED, peer linked and PASSIVE                        PASSIVE     STOP_CLIENT_ACCEPTOR RELEASE_LOCK BROADCAST
 * </pre>
 * A server starts PASSIVE and tries for the lock at once: the first one to get it activates without waiting for
 * its peer; the other stays PASSIVE, watches the active over the HA channel, and tries again whenever no peer is
 * serving or activating on the link (link broken, or the peer went PASSIVE). After a switchover the old active
 * yields for MaxWaitTimeout (it does not try for the lock while the link is up), so the peer takes over.
 *
 * <h2>Safety</h2>
 * The serving lease and the takeover wait are those of {@link HaStateMachine} (read its argument): a server
 * serves only within R + T of its last proof of lock and gateway, and a new holder opens its port only R + 2T
 * after acquiring, unless a release record or a goodbye proves the old holder stopped. Shared mode adds the
 * store's own fence: ACTIVATING raises the epoch, records it in the lock, and opens the store in that epoch,
 * which fences every older writer off (a stale active confirms nothing more, and what it still writes is never
 * read back). The fence is taken at once, before the wait: from then on the old holder cannot confirm, even
 * within its lease; the wait only keeps two servers from delivering at once.
 */
public final class SharedHaStateMachine implements HaMachine {
    private static final Map<HaState, Set<HaState>> TARGETS = new EnumMap<>(HaState.class);

    static {
        TARGETS.put(PASSIVE, EnumSet.of(ACTIVATING));
        TARGETS.put(ACTIVATING, EnumSet.of(ACTIVE, PASSIVE));
        TARGETS.put(ACTIVE, EnumSet.of(PASSIVE));
    }

    private final HaTimings timings;

    public SharedHaStateMachine(HaTimings timings) {
        this.timings = Objects.requireNonNull(timings, "timings");
    }

    @Override
    public HaTimings timings() {
        return timings;
    }

    /** Whether the shared table has this transition ({@code from} null: "(start)"). */
    public static boolean isLegal(HaState from, HaState to, HaEvent event) {
        if (from == null) {
            return to == PASSIVE && event == HaEvent.START;
        }
        if (event == HaEvent.START || !TARGETS.getOrDefault(from, Set.of()).contains(to)) {
            return false;
        }
        return true;
    }

    @Override
    public HaDecision next(HaInputs in) {
        HaStatus before = in.status();
        long now = in.nowNanos();
        if (!before.started()) {
            if (in.event() != HaEvent.START) {
                throw new IllegalStateException("the HA state machine must receive START first, not " + in.event());
            }
            HaStatus started = new HaStatus(true, PASSIVE, HaState.DEAD, now, NONE, NONE, NONE, NONE, NONE, NONE, false, NONE, false);
            return new HaDecision(started, List.of(TRY_ACQUIRE_LOCK, BROADCAST_STATE), 0, "process started; trying for the lock");
        }
        if (in.event() == HaEvent.START) {
            throw new IllegalHaTransitionException(before.state(), PASSIVE, HaEvent.START);
        }
        HaStatus s = observe(before, in);
        if (in.event() == HaEvent.TICK && before.lastTickAt() != NONE && now - before.lastTickAt() > timings.pauseThresholdNanos()
                && s.state() != PASSIVE && s.lockVerifiedAt() != NONE
                && now - s.lockVerifiedAt() >= timings.servingLeaseNanos()) {
            return stay(s, "tick came " + millis(now - before.lastTickAt()) + " ms after the previous one (process stalled?); "
                    + "re-checking the lock before acting on the expired serving lease", in.lock().held() ? List.of(VERIFY_LOCK) : List.of());
        }
        if (in.event() == HaEvent.SWITCHOVER_REQUESTED && (s.state() != ACTIVE || !in.peer().linkUp() || in.peer().current() != PASSIVE)) {
            return stay(s, "switchover refused: it needs this server ACTIVE and its peer PASSIVE; this server is " + s.state()
                    + " and its peer " + (in.peer().linkUp() ? in.peer().current() : HaState.DEAD));
        }
        return switch (s.state()) {
            case PASSIVE -> passive(s, in);
            case ACTIVATING -> activating(s, in);
            case ACTIVE -> active(s, in);
            default -> throw new IllegalStateException(s.state() + " is not a shared-mode state");
        };
    }

    /** Lock facts and ticks, as the replicated machine keeps them. */
    private HaStatus observe(HaStatus s, HaInputs in) {
        long now = in.nowNanos();
        HaEvent event = in.event();
        if (!in.lock().held()) {
            s = s.withLock(NONE, NONE);
        } else if (s.servingAllowedFrom() == NONE) {
            // the lock's facts (proven when, and whether the previous holder's lease must be waited out) come with the
            // acquisition's own event; an event handled before it (a tick queued ahead of it) leaves them undecided
            if (event == HaEvent.LOCK_ACQUIRED) {
                s = s.withLock(in.lock().proofTime(now), in.lock().releasedCleanly() ? now : now + timings.takeoverDelayNanos());
            }
        } else if ((event == HaEvent.LOCK_VERIFIED || event == HaEvent.LOCK_ACQUIRED) && in.gatewayReachable()) {
            s = s.withLockProof(in.lock().proofTime(now));
        }
        if (event == HaEvent.TICK) {
            s = s.withLastTickAt(now);
        }
        if (event == HaEvent.SERVICES_READY && s.state() == ACTIVATING) {
            s = s.withServicesReady();
        }
        return s;
    }

    private HaDecision passive(HaStatus s, HaInputs in) {
        PeerView peer = in.peer();
        long now = in.nowNanos();
        boolean peerActive = peer.linkUp() && (peer.current() == ACTIVE || peer.current() == ACTIVATING);
        if (in.lock().held()) {
            if (peerActive) {
                return stay(s, "the lock came while the peer is " + peer.current() + "; giving it back", List.of(RELEASE_LOCK));
            }
            if (!in.gatewayReachable()) {
                return stay(s, "holding the lock, but the gateway is unreachable: this server may be isolated", List.of(RELEASE_LOCK));
            }
            long epoch = Math.max(in.lock().epoch(), Math.max(in.ownPosition().epoch(), peer.position().epoch())) + 1;
            return go(s, in, ACTIVATING, "lock obtained" + (peer.linkUp() ? "; peer is " + peer.current() : "; no peer on the link")
                    + "; opening the shared store in epoch " + epoch, epoch, List.of(RAISE_EPOCH, PREPARE_SERVICES, BROADCAST_STATE));
        }
        if (peerActive) {
            return stay(s, "passive; peer is " + peer.current());
        }
        boolean yielding = s.peerWaitUntil() != NONE && now - s.peerWaitUntil() < 0 && peer.linkUp();
        if (yielding) {
            return stay(s, "passive after a switchover; leaving the lock to the peer until " + millis(s.peerWaitUntil()) + " ms");
        }
        boolean attempt = in.event() == HaEvent.TICK || in.event() == HaEvent.LINK_DOWN || in.event() == HaEvent.PEER_STATE_CHANGED;
        return stay(s, "passive; " + (peer.linkUp() ? "peer is " + peer.current() : "no peer on the link") + "; trying for the lock",
                attempt ? List.of(TRY_ACQUIRE_LOCK) : List.of());
    }

    private HaDecision activating(HaStatus s, HaInputs in) {
        long now = in.nowNanos();
        if (!in.lock().held() || in.event() == HaEvent.LOCK_LOST) {
            return stepDown(s, in, "lock lost while activating");
        }
        if (!in.gatewayReachable() || in.event() == HaEvent.GATEWAY_LOST) {
            return stepDown(s, in, "gateway unreachable while activating: this server may be isolated");
        }
        long bound = timings.takeoverDelayNanos() + timings.maxWaitTimeout().toNanos();
        if (now - s.enteredAt() >= bound) {
            return stepDown(s, in, "services not up within " + millis(bound) + " ms (takeover wait plus MaxWaitTimeout)");
        }
        boolean checkDue = s.lockVerifiedAt() == NONE
                || now - s.lockVerifiedAt() >= timings.activeLockReAcquisitionInterval().toNanos() - timings.tickIntervalNanos();
        if (!s.servicesReady()) {
            return stay(s, "activating: restoring the broker from the shared store",
                    checkDue && in.event() == HaEvent.TICK ? List.of(VERIFY_LOCK) : List.of());
        }
        if (s.servingAllowedFrom() == NONE) {
            return stay(s, "activating: holding the lock, waiting for its acquisition to be confirmed", List.of());
        }
        if (now - s.servingAllowedFrom() < 0) {
            return stay(s, "activating: waiting " + millis(s.servingAllowedFrom() - now)
                    + " ms more until any previous holder's serving lease has run out",
                    checkDue && in.event() == HaEvent.TICK ? List.of(VERIFY_LOCK) : List.of());
        }
        if (s.lockVerifiedAt() == NONE || now - s.lockVerifiedAt() >= timings.activeLockReAcquisitionInterval().toNanos()) {
            return stay(s, "activating: re-verifying the lock before serving", List.of(VERIFY_LOCK));
        }
        return go(s, in, ACTIVE, "services up", 0, List.of(START_CLIENT_ACCEPTOR, BROADCAST_STATE));
    }

    private HaDecision active(HaStatus s, HaInputs in) {
        long now = in.nowNanos();
        if (!in.lock().held() || in.event() == HaEvent.LOCK_LOST) {
            return stepDown(s, in, "lock lost");
        }
        if (!in.gatewayReachable() || in.event() == HaEvent.GATEWAY_LOST) {
            return stepDown(s, in, "gateway unreachable: this server may be isolated");
        }
        if (in.event() == HaEvent.SWITCHOVER_REQUESTED) {
            HaDecision d = go(s, in, PASSIVE, "switchover: stopped serving and writing; the lock goes to the peer", 0,
                    List.of(STOP_CLIENT_ACCEPTOR, RELEASE_LOCK, BROADCAST_STATE));
            return new HaDecision(d.status().withPeerWaitUntil(now + timings.maxWaitTimeout().toNanos()), d.actions(), 0, d.cause());
        }
        if (now - s.acceptClientsUntil(timings) >= 0) {
            return stepDown(s, in, "lock not re-verified within " + millis(timings.servingLeaseNanos()) + " ms");
        }
        boolean checkDue = in.event() == HaEvent.TICK
                && now - s.lockVerifiedAt() >= timings.activeLockReAcquisitionInterval().toNanos() - timings.tickIntervalNanos();
        return stay(s, "ACTIVE" + (checkDue ? "; re-verifying the lock" : ""), checkDue ? List.of(VERIFY_LOCK) : List.of());
    }

    private HaDecision stepDown(HaStatus s, HaInputs in, String cause) {
        List<HaAction> actions = new ArrayList<>(List.of(STOP_CLIENT_ACCEPTOR));
        if (in.lock().held()) {
            actions.add(RELEASE_LOCK);
        }
        actions.add(BROADCAST_STATE);
        return go(s, in, PASSIVE, cause + "; stopped serving and writing", 0, actions);
    }

    private static HaDecision stay(HaStatus s, String cause) {
        return stay(s, cause, List.of());
    }

    private static HaDecision stay(HaStatus s, String cause, List<HaAction> actions) {
        return new HaDecision(s, actions, 0, cause);
    }

    private static HaDecision go(HaStatus s, HaInputs in, HaState to, String cause, long raisedEpoch, List<HaAction> actions) {
        if (!isLegal(s.state(), to, in.event())) {
            throw new IllegalHaTransitionException(s.state(), to, in.event());
        }
        return new HaDecision(s.enter(to, in.nowNanos()), actions, raisedEpoch, s.state() + " -> " + to + ": " + cause);
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }
}
