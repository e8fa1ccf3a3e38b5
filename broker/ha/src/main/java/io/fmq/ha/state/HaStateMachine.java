package io.fmq.ha.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static io.fmq.ha.state.HaAction.BEGIN_HANDOVER;
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
import static io.fmq.ha.state.HaState.PASSIVE;
import static io.fmq.ha.state.HaState.PASSIVE_SYNC;
import static io.fmq.ha.state.HaState.STANDALONE;
import static io.fmq.ha.state.HaState.WAITING;
import static io.fmq.ha.state.HaStatus.NONE;

/**
 * The replicated-mode HA state machine: a pure function from {@link HaInputs} to {@link HaDecision}.
 * It does no I/O, never sleeps or blocks and reads no clock; time arrives as {@code nowNanos} and
 * every timeout is an instant kept in {@link HaStatus}. One controller thread feeds it events
 * (ticking it every {@link HaTimings#tickIntervalNanos()}) and carries out the actions in order.
 *
 * <h2>Transitions (DESIGN §5)</h2>
 * "Serving" is ACTIVE_SYNC, ACTIVE or STANDALONE. Conditions are re-evaluated on every event, so a
 * row applies whichever event made its condition true. Any pair not listed throws
 * {@link IllegalHaTransitionException} (see {@link HaTransitions}).
 * <pre>
 * from                    condition                                                     to            actions
 * (start)                 START                                                         WAITING       BROADCAST
 * WAITING                 link up, peer serving                                         PASSIVE_SYNC  [RELEASE_LOCK] BEGIN_SYNC_AS_TARGET BROADCAST
 * WAITING                 link up, peer WAITING/PASSIVE_SYNC, own repository newer
 *                         (tie: primary), lock held and usable (see below), lock's
 *                         epoch not newer than this store's, gw ok                      ACTIVE_SYNC   RAISE_EPOCH START_CLIENT_ACCEPTOR BEGIN_SYNC_AS_SOURCE BROADCAST
 * WAITING                 link up, peer WAITING, peer's repository newer                PASSIVE_SYNC  [RELEASE_LOCK] BEGIN_SYNC_AS_TARGET BROADCAST
 * WAITING                 no link for passiveLockAcquisitionInterval, lock held and
 *                         usable, eligible (below), gw ok                               STANDALONE    RAISE_EPOCH START_CLIENT_ACCEPTOR BROADCAST
 * STANDALONE              link up, peer WAITING/PASSIVE_SYNC                            ACTIVE_SYNC   BEGIN_SYNC_AS_SOURCE BROADCAST
 * STANDALONE              lock lost, gw unreachable, or lock not re-verified in time    WAITING       STOP_CLIENT_ACCEPTOR [RELEASE_LOCK] BROADCAST
 * ACTIVE_SYNC             SYNC_COMPLETE                                                 ACTIVE        BROADCAST
 * ACTIVE_SYNC / ACTIVE    link broken or peer left the passive role; lock still held,
 *                         gw ok                                                         STANDALONE    STOP_REPLICATION RAISE_EPOCH BROADCAST
 * ACTIVE_SYNC / ACTIVE    lock lost, gw unreachable, or lock not re-verified in time    WAITING       STOP_CLIENT_ACCEPTOR STOP_REPLICATION [RELEASE_LOCK] BROADCAST
 * PASSIVE_SYNC            SYNC_COMPLETE                                                 PASSIVE       BROADCAST
 * PASSIVE_SYNC / PASSIVE  active peer lost (link broken, or it stopped serving), then
 *                         lock obtained within passiveLockAcquisitionInterval, usable,
 *                         eligible, gw ok                                               STANDALONE    RAISE_EPOCH START_CLIENT_ACCEPTOR BROADCAST
 * PASSIVE_SYNC / PASSIVE  active peer lost, then lock not obtained in time, peer serving
 *                         again, gw unreachable, or not eligible                        WAITING       [RELEASE_LOCK] BROADCAST
 * ACTIVE_SYNC/PASSIVE_SYNC synchronisation without progress for maxWaitTimeout          WAITING       (as for a step-down) BROADCAST
 * ACTIVE                  SWITCHOVER_REQUESTED, peer linked and PASSIVE                 (ACTIVE,      STOP_CLIENT_ACCEPTOR BEGIN_HANDOVER
 *                                                                                        handing over)
 * ACTIVE, handing over    PEER_CONFIRMED, MaxWaitTimeout passed, or the passive gone    WAITING       RELEASE_LOCK STOP_REPLICATION BROADCAST
 * </pre>
 * A switchover is an input like any other: the request stops the acceptor (the serving lease ends with it:
 * {@link HaStatus#handoverUntil()}) and asks the controller to report when the passive has every record; the
 * deadline is MaxWaitTimeout on the machine's own clock. In any other state the request is refused (no change).
 * The release record it then writes lets the passive take over at once.
 * On losing its active peer a passive stops replication and asks for the lock at once; it keeps
 * its state while trying, which is why the last two passive rows start from the passive states.
 * The "any state" MaxWaitTimeout row of DESIGN §5 applies to the two synchronising states, the
 * only ones that wait for the peer to finish something; SYNC_PROGRESS restarts the bound so a
 * large store can take longer than the bound as a whole.
 *
 * <h2>Epochs and who may take over</h2>
 * Each period of serving has an epoch, higher than any before: entering ACTIVE_SYNC from WAITING
 * and entering STANDALONE from any state raise it ({@link HaAction#RAISE_EPOCH}, new value
 * {@code max(lock epoch, own epoch, peer epoch) + 1}, written to the lock and then to the store).
 * Raising it on ACTIVE/ACTIVE_SYNC → STANDALONE too is what lets a passive tell that the active went
 * on confirming work alone after the link broke: the lock then carries an epoch it never saw.
 * <p>A server without a linked peer may become active only if it is <em>eligible</em>: when the
 * peer was last heard serving in an epoch not older than this store's, the peer must have been
 * replicating synchronously (ACTIVE_SYNC or ACTIVE, not STANDALONE), the lock's epoch must not be
 * newer than the peer's, and this store must reach the last record the peer confirmed to a client
 * (so a passive part-way through PASSIVE_SYNC takes over only when its store is complete up to
 * it); otherwise the lock's epoch must not be newer than this store's. After the peer's last
 * broadcast it confirmed nothing that this server did not store, unless it raised the epoch.
 *
 * <h2>Why two servers never serve at once</h2>
 * Let R = activeLockReAcquisitionInterval and T = socketCreationTimeout (the bound on one lock and
 * gateway check). Only a lock holder serves, and at most one server holds the lock at a time.
 * <ol>
 *   <li>A server serves only within its <em>serving lease</em>: until R + T after its last check
 *       that proved lock and gateway ({@link HaStatus#acceptClientsUntil}); the acceptor enforces
 *       this against the ticker itself, so a stalled controller cannot stretch it. Checks are due
 *       every R, so a healthy server renews the lease before it ends.</li>
 *   <li>A holder may lose the lock without noticing (its lease on the lock file expires while it
 *       is cut off from the gateway). Its last good check looked at the lock before the loss and
 *       answered at most T later, so its serving lease ends before loss + R + 2T.</li>
 *   <li>A new holder therefore waits {@link HaTimings#takeoverDelayNanos()} = R + 2T after
 *       acquiring before it serves (the loss precedes the acquisition). It skips the wait only on
 *       a proof that the previous holder no longer serves ({@link LockView#releasedCleanly()}),
 *       never on a guess:
 *       <ul>
 *         <li>the lock's holder record is a <em>release record</em> for the epoch taken over: a
 *             holder writes it only after stopping its acceptor, just before it lets go;</li>
 *         <li>the peer said <em>goodbye</em> on the HA channel for that epoch: it sends that frame
 *             only after stopping its acceptor;</li>
 *         <li>the lock medium cannot lose a lock behind a living holder: a POSIX lock on a local
 *             disk file system has no lease, is kept while its process lives (also when the process
 *             is stopped, e.g. by SIGSTOP) and is dropped by the kernel when the process ends. So
 *             acquiring it proves that the previous holder either released it (a server releases
 *             only after stopping its acceptor) or has ended, and a process that has ended confirms
 *             nothing. The holder record must exist, so that the proof speaks of this very file: an
 *             empty file may have replaced one that a living server still holds, and that server
 *             notices the replacement only at its next check.</li>
 *       </ul>
 *       An empty or unreadable record, a record that is not a release record on a lock with a
 *       lease (NFSv4, a lock server), a reset or silent HA link, or a peer's last status: wait.
 *       This is what keeps failover after a kill -9 fast on a local lock (the kernel frees the
 *       lock at once and its acquisition is the proof) while a lock on shared storage waits out
 *       R + 2T unless the old holder said goodbye.</li>
 * </ol>
 * Both servers measure these spans on their own monotonic clocks; rate drift is far below the
 * margins. The configuration's rule passiveLockAcquisitionInterval &gt; 2 × R is not needed for
 * this argument; it gives a live active at least two checks to keep the lock before a passive
 * stops trying and settles in WAITING.
 *
 * <h2>Stalls</h2>
 * A TICK that follows the previous one by more than {@link HaTimings#pauseThresholdNanos()}
 * means the process was stalled (e.g. by GC) and events may be queued behind it. If a timeout has
 * expired on such a tick the machine does not act on it: it asks for a fresh lock check and acts
 * on the next regular tick if the timeout still holds. A serving server's lease has ended anyway,
 * so clients are refused in the meantime.
 */
public final class HaStateMachine implements HaMachine {

    private final HaTimings timings;
    private final boolean primary;

    /**
     * @param primary whether this server is the pair's primary: it wins a tie between equally new
     *                repositories
     */
    public HaStateMachine(HaTimings timings, boolean primary) {
        this.timings = Objects.requireNonNull(timings, "timings");
        this.primary = primary;
    }

    @Override
    public HaTimings timings() {
        return timings;
    }

    /**
     * One step.
     *
     * @throws IllegalHaTransitionException if START arrives a second time
     * @throws IllegalStateException        if any other event arrives before START
     */
    @Override
    public HaDecision next(HaInputs in) {
        HaStatus before = in.status();
        long now = in.nowNanos();
        if (!before.started()) {
            if (in.event() != HaEvent.START) {
                throw new IllegalStateException("the HA state machine must receive START first, not " + in.event());
            }
            HaTransitions.check(null, WAITING, HaEvent.START);
            HaStatus started = new HaStatus(true, WAITING, HaState.DEAD, now, NONE, now + passiveWaitNanos(),
                    NONE, NONE, NONE, NONE, false, NONE, false);
            return new HaDecision(started, List.of(BROADCAST_STATE), 0, "process started");
        }
        if (in.event() == HaEvent.START) {
            HaTransitions.check(before.state(), WAITING, HaEvent.START);
        }
        Step step = new Step(in, observe(before, in));
        if (in.event() == HaEvent.TICK && before.lastTickAt() != NONE
                && now - before.lastTickAt() > timings.pauseThresholdNanos()) {
            String expired = expiredTimeout(step.status, in);
            if (expired != null) {
                return step.stay("tick came " + millis(now - before.lastTickAt()) + " ms after the previous one"
                        + " (process stalled?); re-checking before acting on the expired " + expired,
                        in.lock().held() ? List.of(VERIFY_LOCK) : List.of());
            }
        }
        if (in.event() == HaEvent.SWITCHOVER_REQUESTED && (step.status.state() != ACTIVE || !in.peer().linkUp()
                || in.peer().current() != PASSIVE || step.status.handoverUntil() != NONE)) {
            return step.stay("switchover refused: it needs this server ACTIVE and its peer PASSIVE; this server is "
                    + step.status.state() + (step.status.handoverUntil() != NONE ? " (already handing over)" : "") + " and its peer "
                    + (in.peer().linkUp() ? in.peer().current() : HaState.DEAD));
        }
        return switch (step.status.state()) {
            case WAITING -> waiting(step);
            case PASSIVE_SYNC, PASSIVE -> passive(step);
            case ACTIVE_SYNC, ACTIVE, STANDALONE -> serving(step);
            case ACTIVATING -> throw new IllegalStateException("ACTIVATING is a shared-mode state (SharedHaStateMachine)");
            case DEAD -> throw new IllegalStateException("DEAD describes a peer, never this server");
        };
    }

    /** Book-keeping every event does before the rules look: lock facts, ticks, peer role, progress. */
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
        if (event == HaEvent.LINK_DOWN && s.state() == WAITING) {
            s = s.withPeerWaitUntil(now + passiveWaitNanos());
        }
        if (event == HaEvent.SYNC_PROGRESS && isSyncing(s.state())) {
            s = s.withSyncDeadline(now + timings.maxWaitTimeout().toNanos());
        }
        HaState peer = in.peer().current();
        if (in.peer().linkUp() && !s.peerJoined()
                && ((s.state().isPassiveRole() && peer.acceptsClients())
                || ((s.state() == ACTIVE_SYNC || s.state() == ACTIVE) && peer.isPassiveRole()))) {
            s = s.withPeerJoined();
        }
        return s;
    }

    private HaDecision waiting(Step step) {
        HaInputs in = step.in;
        PeerView peer = in.peer();
        if (peer.linkUp()) {
            if (peer.current().acceptsClients()) {
                return step.go(PASSIVE_SYNC, "peer is " + peer.current() + "; joining it as passive", 0,
                        releaseIfHeldThen(in, BEGIN_SYNC_AS_TARGET, BROADCAST_STATE));
            }
            if (peer.current() == WAITING || peer.current() == PASSIVE_SYNC) {
                int newer = in.ownPosition().compareTo(peer.position());
                boolean wins = newer > 0 || (newer == 0 && primary);
                if (wins) {
                    String why = newer > 0 ? "own repository " + in.ownPosition() + " is newer than the peer's "
                            + peer.position() : "repositories are equal (" + peer.position() + ") and this is the primary";
                    return becomeActive(step, ACTIVE_SYNC, why, false);
                }
                if (peer.current() == WAITING) {
                    return step.go(PASSIVE_SYNC, "peer's repository " + peer.position() + " is newer than ours "
                            + in.ownPosition() + (newer == 0 ? " (equal; the peer is the primary)" : ""), 0,
                            releaseIfHeldThen(in, BEGIN_SYNC_AS_TARGET, BROADCAST_STATE));
                }
                return step.stay("peer is PASSIVE_SYNC but its repository is not older; waiting for it to time out");
            }
            return step.stay("link up, peer is " + peer.current() + "; waiting for it to change");
        }
        if (in.nowNanos() - step.status.peerWaitUntil() < 0) {
            return step.stay("waiting for the peer until " + millis(step.status.peerWaitUntil()) + " ms");
        }
        return becomeActive(step, STANDALONE, "no link to the peer for "
                + timings.passiveLockAcquisitionInterval().toMillis() + " ms", true);
    }

    private HaDecision passive(Step step) {
        HaInputs in = step.in;
        HaStatus s = step.status;
        PeerView peer = in.peer();
        long now = in.nowNanos();
        if (s.lockAttemptUntil() == NONE) {
            boolean linkBroken = !peer.linkUp();
            if (linkBroken || (s.peerJoined() && !peer.current().acceptsClients())) {
                step.status = s.withLockAttemptUntil(now + passiveWaitNanos());
                return step.stay((linkBroken ? "link to the active peer broken" : "active peer is now " + peer.current())
                        + "; trying for the lock for " + timings.passiveLockAcquisitionInterval().toMillis() + " ms",
                        List.of(STOP_REPLICATION, TRY_ACQUIRE_LOCK));
            }
            if (s.state() == PASSIVE_SYNC && in.event() == HaEvent.SYNC_COMPLETE) {
                return step.go(PASSIVE, "synchronisation complete", BROADCAST_STATE);
            }
            if (s.state() == PASSIVE_SYNC && now - s.syncDeadline() >= 0) {
                return step.go(WAITING, "synchronisation made no progress for "
                        + timings.maxWaitTimeout().toMillis() + " ms (MaxWaitTimeout)", STOP_REPLICATION, BROADCAST_STATE);
            }
            return step.stay("passive; peer is " + peer.current());
        }
        if (peer.linkUp() && peer.current().acceptsClients()) {
            return step.go(WAITING, "lock not obtained and the peer is serving as " + peer.current()
                    + "; rejoining", 0, releaseIfHeldThen(in, BROADCAST_STATE));
        }
        if (!in.gatewayReachable()) {
            return step.go(WAITING, "gateway unreachable: this server may be isolated", 0,
                    releaseIfHeldThen(in, BROADCAST_STATE));
        }
        if (!in.lock().held() && now - s.lockAttemptUntil() >= 0) {
            return step.go(WAITING, "lock not obtained within " + timings.passiveLockAcquisitionInterval().toMillis()
                    + " ms: the peer is probably alive elsewhere", BROADCAST_STATE);
        }
        return becomeActive(step, STANDALONE, "active peer lost", true);
    }

    private HaDecision serving(Step step) {
        HaInputs in = step.in;
        HaStatus s = step.status;
        PeerView peer = in.peer();
        long now = in.nowNanos();
        if (!in.lock().held() || in.event() == HaEvent.LOCK_LOST) {
            return stepDown(step, "lock lost");
        }
        if (!in.gatewayReachable() || in.event() == HaEvent.GATEWAY_LOST) {
            return stepDown(step, "gateway unreachable: this server may be isolated");
        }
        if (s.handoverUntil() != NONE) {
            String done = in.event() == HaEvent.PEER_CONFIRMED ? "the passive confirmed every record"
                    : now - s.handoverUntil() >= 0 ? "MaxWaitTimeout passed before the passive confirmed every record"
                    : !peer.linkUp() || peer.current() != PASSIVE ? "the passive is now " + (peer.linkUp() ? peer.current() : HaState.DEAD)
                    : null;
            if (done == null) {
                return step.stay("switchover: waiting for the passive to confirm every record");
            }
            return step.go(WAITING, "switchover: " + done + "; handing the active role to the peer", 0,
                    List.of(RELEASE_LOCK, STOP_REPLICATION, BROADCAST_STATE));
        }
        if (in.event() == HaEvent.SWITCHOVER_REQUESTED) {
            step.status = s.withHandoverUntil(now + timings.maxWaitTimeout().toNanos());
            return step.stay("switchover requested: stopped serving; the passive has up to "
                    + timings.maxWaitTimeout().toMillis() + " ms (MaxWaitTimeout) to confirm every record", List.of(STOP_CLIENT_ACCEPTOR, BEGIN_HANDOVER));
        }
        if (now - s.acceptClientsUntil(timings) >= 0) {
            return stepDown(step, "lock not re-verified within " + millis(timings.servingLeaseNanos()) + " ms");
        }
        switch (s.state()) {
            case STANDALONE -> {
                if (peer.linkUp() && (peer.current() == WAITING || peer.current() == PASSIVE_SYNC)) {
                    return step.go(ACTIVE_SYNC, "peer is " + peer.current() + "; synchronising it",
                            BEGIN_SYNC_AS_SOURCE, BROADCAST_STATE);
                }
            }
            case ACTIVE_SYNC, ACTIVE -> {
                if (s.state() == ACTIVE_SYNC && in.event() == HaEvent.SYNC_COMPLETE) {
                    return step.go(ACTIVE, "peer confirmed synchronisation complete", BROADCAST_STATE);
                }
                boolean linkBroken = !peer.linkUp();
                boolean peerLeft = (s.state() == ACTIVE || s.peerJoined()) && !peer.current().isPassiveRole();
                if (linkBroken || peerLeft) {
                    return step.goRaising(STANDALONE, (linkBroken ? "link to the passive peer broken"
                                    : "passive peer is now " + peer.current()) + "; serving alone in a new epoch",
                            newEpoch(in), STOP_REPLICATION, RAISE_EPOCH, BROADCAST_STATE);
                }
                if (s.state() == ACTIVE_SYNC && now - s.syncDeadline() >= 0) {
                    return stepDown(step, "synchronisation made no progress for "
                            + timings.maxWaitTimeout().toMillis() + " ms (MaxWaitTimeout)");
                }
            }
            default -> throw new IllegalStateException("not a serving state: " + s.state());
        }
        // due at the last tick before the interval is over, so that the serving lease (interval + one check) is
        // renewed before it runs out whatever the ticks' phase
        boolean checkDue = in.event() == HaEvent.TICK
                && now - s.lockVerifiedAt() >= timings.activeLockReAcquisitionInterval().toNanos() - timings.tickIntervalNanos();
        return step.stay(s.state() + (checkDue ? "; re-verifying the lock" : ""),
                checkDue ? List.of(VERIFY_LOCK) : List.of());
    }

    /**
     * The common road to serving: get the lock, check the peer may not have confirmed work we lack,
     * wait out a previous holder's lease, make sure the lock check is fresh, then raise the epoch.
     */
    private HaDecision becomeActive(Step step, HaState target, String why, boolean needsEligibility) {
        HaInputs in = step.in;
        HaStatus s = step.status;
        long now = in.nowNanos();
        boolean tick = in.event() == HaEvent.TICK;
        // ticks retry; a change on the link is worth an attempt at once (never a failed attempt: that would loop)
        boolean attempt = tick || in.event() == HaEvent.LINK_UP || in.event() == HaEvent.PEER_STATE_CHANGED;
        if (!needsEligibility && in.lock().epoch() > in.ownPosition().epoch()) {
            // winning against the linked peer's last broadcast is not enough when the lock shows a later epoch than
            // this store's: someone served since, and the peer's view here is older than its store (its newer
            // broadcast is on the way). Serving now could lose what that epoch confirmed.
            return step.stay(why + ", but the lock records epoch " + in.lock().epoch() + ", newer than this store's epoch "
                    + in.ownPosition().epoch() + "; waiting for the peer's current position",
                    in.lock().held() ? List.of(RELEASE_LOCK) : List.of());
        }
        if (!in.lock().held()) {
            return step.stay(why + "; trying for the lock", attempt ? List.of(TRY_ACQUIRE_LOCK) : List.of());
        }
        if (needsEligibility) {
            String notEligible = whyNotEligible(in);
            if (notEligible != null) {
                String cause = why + ", but this server may not serve: " + notEligible;
                return s.state() == WAITING ? step.stay(cause, List.of(RELEASE_LOCK))
                        : step.go(WAITING, cause, RELEASE_LOCK, BROADCAST_STATE);
            }
        }
        if (!in.gatewayReachable()) {
            return step.stay(why + "; gateway unreachable", tick ? List.of(VERIFY_LOCK) : List.of());
        }
        if (s.servingAllowedFrom() == NONE) {
            return step.stay(why + "; holding the lock, waiting for its acquisition to be confirmed");
        }
        if (now - s.servingAllowedFrom() < 0) {
            return step.stay(why + "; holding the lock, waiting " + millis(s.servingAllowedFrom() - now)
                    + " ms more until any previous holder's serving lease has run out");
        }
        // NONE: held, but this step came before the acquisition's own event (no proof yet); never compare with NONE
        if (s.lockVerifiedAt() == NONE || now - s.lockVerifiedAt() >= timings.activeLockReAcquisitionInterval().toNanos()) {
            return step.stay(why + "; re-verifying the lock before serving", List.of(VERIFY_LOCK));
        }
        long epoch = newEpoch(in);
        String cause = why + "; serving in epoch " + epoch;
        return target == ACTIVE_SYNC
                ? step.goRaising(ACTIVE_SYNC, cause, epoch, RAISE_EPOCH, START_CLIENT_ACCEPTOR, BEGIN_SYNC_AS_SOURCE, BROADCAST_STATE)
                : step.goRaising(STANDALONE, cause, epoch, RAISE_EPOCH, START_CLIENT_ACCEPTOR, BROADCAST_STATE);
    }

    /** Null when this server may become active without a linked peer, else the reason why not. */
    static String whyNotEligible(HaInputs in) {
        RepositoryPosition own = in.ownPosition();
        PeerView peer = in.peer();
        long lockEpoch = in.lock().epoch();
        if (peer.current().acceptsClients() && peer.position().epoch() >= own.epoch()) {
            if (peer.current() == STANDALONE) {
                return "the peer was last seen STANDALONE (epoch " + peer.position().epoch()
                        + ") and may have confirmed records this store lacks";
            }
            if (lockEpoch > peer.position().epoch()) {
                return "the lock records epoch " + lockEpoch + ", newer than the peer's last known epoch "
                        + peer.position().epoch() + ": it served alone since";
            }
            if (own.isBefore(peer.confirmed())) {
                return "this store ends at " + own + " but the peer confirmed records up to " + peer.confirmed();
            }
            return null;
        }
        if (lockEpoch > own.epoch()) {
            return "the lock records epoch " + lockEpoch + ", newer than this store's epoch " + own.epoch()
                    + ": another server was active since and this store may lack what it confirmed";
        }
        return null;
    }

    private HaDecision stepDown(Step step, String why) {
        List<HaAction> actions = new ArrayList<>(List.of(STOP_CLIENT_ACCEPTOR));
        if (step.status.state() != STANDALONE) {
            actions.add(STOP_REPLICATION);
        }
        if (step.in.lock().held()) {
            actions.add(RELEASE_LOCK);
        }
        actions.add(BROADCAST_STATE);
        return step.go(WAITING, why + "; stopped serving", 0, actions);
    }

    private String expiredTimeout(HaStatus s, HaInputs in) {
        long now = in.nowNanos();
        if (s.state() == WAITING && !in.peer().linkUp() && now - s.peerWaitUntil() >= 0) {
            return "wait for the peer";
        }
        if (s.lockAttemptUntil() != NONE && now - s.lockAttemptUntil() >= 0) {
            return "lock acquisition interval";
        }
        if (isSyncing(s.state()) && now - s.syncDeadline() >= 0) {
            return "MaxWaitTimeout";
        }
        if (s.state().acceptsClients() && now - s.acceptClientsUntil(timings) >= 0) {
            return "serving lease";
        }
        if (!s.state().acceptsClients() && in.lock().held() && s.servingAllowedFrom() != NONE && now - s.servingAllowedFrom() >= 0) {
            return "takeover delay";
        }
        return null;
    }

    private static long newEpoch(HaInputs in) {
        return Math.max(in.lock().epoch(), Math.max(in.ownPosition().epoch(), in.peer().position().epoch())) + 1;
    }

    private static List<HaAction> releaseIfHeldThen(HaInputs in, HaAction... then) {
        List<HaAction> actions = new ArrayList<>();
        if (in.lock().held()) {
            actions.add(RELEASE_LOCK);
        }
        actions.addAll(List.of(then));
        return actions;
    }

    private static boolean isSyncing(HaState state) {
        return state == ACTIVE_SYNC || state == PASSIVE_SYNC;
    }

    private long passiveWaitNanos() {
        return timings.passiveLockAcquisitionInterval().toNanos();
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }

    /** One evaluation: the inputs, the status as observed so far, and ways to finish. */
    private final class Step {
        final HaInputs in;
        HaStatus status;

        Step(HaInputs in, HaStatus status) {
            this.in = in;
            this.status = status;
        }

        HaDecision stay(String cause) {
            return stay(cause, List.of());
        }

        HaDecision stay(String cause, List<HaAction> actions) {
            return new HaDecision(status, actions, 0, cause);
        }

        HaDecision go(HaState to, String cause, HaAction... actions) {
            return go(to, cause, 0, List.of(actions));
        }

        HaDecision goRaising(HaState to, String cause, long raisedEpoch, HaAction... actions) {
            return go(to, cause, raisedEpoch, List.of(actions));
        }

        HaDecision go(HaState to, String cause, long raisedEpoch, List<HaAction> actions) {
            HaTransitions.check(status.state(), to, in.event());
            long now = in.nowNanos();
            HaStatus next = status.enter(to, now);
            if ((status.state() == PASSIVE_SYNC && to == PASSIVE) || (status.state() == ACTIVE_SYNC && to == ACTIVE)) {
                // a completed synchronisation is the peer's own act in the matching role: it has joined (a passive
                // that forgot it would miss its active peer stepping down, and the pair would wait for each other)
                next = next.withPeerJoined();
            }
            if (to == WAITING) {
                next = next.withPeerWaitUntil(now + passiveWaitNanos());
            }
            if (isSyncing(to)) {
                next = next.withSyncDeadline(now + timings.maxWaitTimeout().toNanos());
            }
            return new HaDecision(next, actions, raisedEpoch, status.state() + " -> " + to + ": " + cause);
        }
    }
}
