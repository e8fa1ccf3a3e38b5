package io.fmq.ha.sim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import io.fmq.ha.state.HaAction;
import io.fmq.ha.state.HaDecision;
import io.fmq.ha.state.HaEvent;
import io.fmq.ha.state.HaInputs;
import io.fmq.ha.state.HaState;
import io.fmq.ha.state.HaStateMachine;
import io.fmq.ha.state.HaStatus;
import io.fmq.ha.state.LockView;
import io.fmq.ha.state.PeerView;
import io.fmq.ha.state.RepositoryPosition;

/**
 * One simulated server: a store, the state machine, and a small driver that carries out its actions
 * at once (lock and gateway checks answer immediately) and feeds the outcomes back as events.
 * The store and its epoch survive a kill; everything else is memory.
 */
final class SimNode {

    private static final int RECORDS_PER_PUMP = 3;

    private final String name;
    private final PairSimulation world;
    private final HaStateMachine machine;

    // Survives a kill: the data store and the epoch kept with it.
    private final List<StoredRecord> store = new ArrayList<>();
    private long epoch;

    private boolean alive;
    private long pausedUntil = HaStatus.NONE;
    private final Deque<Runnable> heldWhilePaused = new ArrayDeque<>();
    private HaStatus status = HaStatus.NOT_STARTED;
    private PeerView peer = PeerView.UNKNOWN;
    private boolean gatewayKnownUp;
    private boolean lockHeld;
    private long lockEpochSeen;
    private boolean lockCleanHandover;
    private RepositoryPosition confirmed = RepositoryPosition.EMPTY;
    private final List<Integer> awaitingConfirmation = new ArrayList<>();
    // Confirming alone needs the new epoch recorded with the lock first; a failed write forbids it.
    private boolean epochRaisedForThisState;
    private final List<String> log = new ArrayList<>();

    // Replication, source side: the session, where the next record to send is (-1: not streaming).
    private long sourceSession;
    private boolean sourcing;
    private int sendCursor = -1;
    private int peerStoredLength;
    private boolean caughtUpSent;
    private SimMessage.SyncRequest unansweredRequest;
    // Replication, target side.
    private boolean targeting;
    private long targetSession = -1;

    SimNode(String name, PairSimulation world, HaStateMachine machine) {
        this.name = name;
        this.world = world;
        this.machine = machine;
    }

    String name() {
        return name;
    }

    HaState state() {
        return status.state();
    }

    HaStatus status() {
        return status;
    }

    long epoch() {
        return epoch;
    }

    List<StoredRecord> store() {
        return store;
    }

    boolean alive() {
        return alive;
    }

    boolean paused() {
        return pausedUntil != HaStatus.NONE;
    }

    boolean running() {
        return alive && !paused();
    }

    /** Whether this node would accept and confirm client work right now (state and serving lease). */
    boolean acceptsClients() {
        return alive && status.started() && status.acceptsClientsAt(world.now(), machine.timings());
    }

    List<String> log() {
        return log;
    }

    RepositoryPosition position() {
        return store.isEmpty() ? RepositoryPosition.EMPTY : store.get(store.size() - 1).position();
    }

    // ---- life cycle -------------------------------------------------------------------------

    void start() {
        alive = true;
        pausedUntil = HaStatus.NONE;
        status = HaStatus.NOT_STARTED;
        peer = PeerView.UNKNOWN;
        gatewayKnownUp = world.gatewayUp(this);
        lockHeld = false;
        lockEpochSeen = world.lock().epoch();
        awaitingConfirmation.clear();
        stopReplication();
        handle(HaEvent.START);
    }

    void kill() {
        alive = false;
        heldWhilePaused.clear();
        awaitingConfirmation.clear();
        world.lock().holderKilled(this);
        log("killed");
    }

    void pause(long untilNanos) {
        pausedUntil = untilNanos;
        log("paused until " + untilNanos / 1_000_000 + " ms");
    }

    /** Resumes a paused node: the tick that was due runs first (seeing the long gap), then what queued up. */
    void resumeIfDue() {
        if (paused() && world.now() - pausedUntil >= 0) {
            pausedUntil = HaStatus.NONE;
            handle(HaEvent.TICK);
            while (!heldWhilePaused.isEmpty() && running()) {
                heldWhilePaused.poll().run();
            }
        }
    }

    /** Runs now, or when the node resumes if it is paused; dropped if it is dead. */
    private void whenRunning(Runnable work) {
        if (!alive) {
            return;
        }
        if (paused()) {
            heldWhilePaused.add(work);
        } else {
            work.run();
        }
    }

    // ---- events in ---------------------------------------------------------------------------

    void tick() {
        handle(HaEvent.TICK);
        if (running()) {
            broadcast();
        }
    }

    /**
     * The simulated link came up or went down. Up, each side sends its state; the machine hears
     * LINK_UP only when the peer's state arrives, so it never acts on a broadcast from an earlier link.
     */
    void linkChanged(boolean up) {
        whenRunning(() -> {
            if (up) {
                broadcast();
            } else if (peer.linkUp()) {
                peer = peer.withLink(false);
                stopReplication();
                handle(HaEvent.LINK_DOWN);
            }
        });
    }

    /** A client sends one record to this node (the caller checked that it accepts clients). */
    void clientWrite() {
        append(epoch, false);
        awaitingConfirmation.add(store.size() - 1);
        confirmWhatIsSafe();
        pump();
    }

    void receive(SimMessage message) {
        if (message instanceof SimMessage.State s) {
            boolean newLink = !peer.linkUp();
            peer = peer.withBroadcast(s.current(), s.previous(), s.position(), s.confirmed());
            handle(newLink ? HaEvent.LINK_UP : HaEvent.PEER_STATE_CHANGED);
        } else if (message instanceof SimMessage.SyncRequest request) {
            unansweredRequest = request;
            answerSyncRequest();
        } else if (message instanceof SimMessage.SyncFrom from) {
            if (targeting) {
                targetSession = from.session();
                truncate(from.commonLength());
                world.send(this, new SimMessage.Stored(targetSession, store.size()));
            }
        } else if (message instanceof SimMessage.Replicate replicate) {
            if (targeting && replicate.session() == targetSession) {
                if (replicate.index() != store.size()) {
                    throw new AssertionError(name + " got record " + replicate.index() + " with " + store.size() + " stored");
                }
                store.add(replicate.record());
                epoch = Math.max(epoch, replicate.record().epoch());
                world.send(this, new SimMessage.Stored(targetSession, store.size()));
            }
        } else if (message instanceof SimMessage.CaughtUp caughtUp) {
            if (targeting && caughtUp.session() == targetSession && caughtUp.length() == store.size()
                    && status.state() == HaState.PASSIVE_SYNC) {
                handle(HaEvent.SYNC_COMPLETE);
                world.send(this, new SimMessage.SyncConfirmed(caughtUp.session()));
            }
        } else if (message instanceof SimMessage.Stored stored) {
            if (sourcing && stored.session() == sourceSession) {
                peerStoredLength = Math.max(peerStoredLength, stored.length());
                if (sendCursor < 0) {
                    sendCursor = stored.length();
                }
                confirmWhatIsSafe();
                handle(HaEvent.SYNC_PROGRESS);
            }
        } else if (message instanceof SimMessage.SyncConfirmed confirmedSync) {
            if (sourcing && confirmedSync.session() == sourceSession) {
                handle(HaEvent.SYNC_COMPLETE);
            }
        }
        pump();
    }

    // ---- the driver --------------------------------------------------------------------------

    void handle(HaEvent first) {
        Deque<HaEvent> events = new ArrayDeque<>();
        events.add(first);
        while (!events.isEmpty() && alive) {
            HaEvent event = events.poll();
            HaStatus before = status;
            HaDecision decision = machine.next(new HaInputs(status, event, world.now(), peer,
                    new LockView(lockHeld, lockEpochSeen, lockCleanHandover), gatewayKnownUp, position()));
            status = decision.status();
            if (decision.transitioned(before)) {
                epochRaisedForThisState = false;
            }
            if (decision.transitioned(before) || !decision.actions().isEmpty()) {
                log(event + " -> " + decision.state() + " " + decision.actions() + ": " + decision.cause());
            }
            for (HaAction action : decision.actions()) {
                execute(action, decision, events);
            }
        }
        confirmWhatIsSafe();
    }

    private void execute(HaAction action, HaDecision decision, Deque<HaEvent> events) {
        switch (action) {
            case TRY_ACQUIRE_LOCK -> {
                if (checkGateway(events)) {
                    SimLock.Attempt attempt = world.lock().tryAcquire(this);
                    lockEpochSeen = attempt.epoch();
                    lockHeld = attempt.acquired();
                    lockCleanHandover = attempt.cleanHandover();
                    events.add(attempt.acquired() ? HaEvent.LOCK_ACQUIRED : HaEvent.LOCK_UNAVAILABLE);
                } else {
                    events.add(HaEvent.LOCK_UNAVAILABLE);
                }
            }
            case VERIFY_LOCK -> {
                if (checkGateway(events)) {
                    lockHeld = world.lock().isHeldBy(this);
                    lockEpochSeen = world.lock().epoch();
                    events.add(lockHeld ? HaEvent.LOCK_VERIFIED : HaEvent.LOCK_LOST);
                }
            }
            case RELEASE_LOCK -> {
                world.lock().release(this, world.gatewayUp(this));
                lockHeld = false;
            }
            case RAISE_EPOCH -> {
                long raised = decision.raisedEpoch();
                if (world.lock().recordEpoch(this, raised)) {
                    lockEpochSeen = raised;
                    epoch = raised;
                    append(raised, true);
                    world.epochIssued(raised);
                    epochRaisedForThisState = true;
                } else {
                    lockHeld = false;
                    events.add(HaEvent.LOCK_LOST);
                }
            }
            case START_CLIENT_ACCEPTOR -> {
                // Acceptance follows the state and the serving lease; nothing to start here.
            }
            case STOP_CLIENT_ACCEPTOR -> awaitingConfirmation.clear();
            case BEGIN_SYNC_AS_SOURCE -> {
                sourcing = true;
                sourceSession = world.nextSession();
                sendCursor = -1;
                peerStoredLength = 0;
                caughtUpSent = false;
                answerSyncRequest();
            }
            case BEGIN_SYNC_AS_TARGET -> {
                targeting = true;
                targetSession = -1;
                world.send(this, new SimMessage.SyncRequest(List.copyOf(store)));
            }
            case STOP_REPLICATION -> stopReplication();
            case BROADCAST_STATE -> broadcast();
        }
    }

    /** A gateway check; a change is reported as an event. Returns whether the gateway answered. */
    private boolean checkGateway(Deque<HaEvent> events) {
        boolean up = world.gatewayUp(this);
        if (up != gatewayKnownUp) {
            gatewayKnownUp = up;
            events.add(up ? HaEvent.GATEWAY_RESTORED : HaEvent.GATEWAY_LOST);
        }
        return up;
    }

    private void answerSyncRequest() {
        if (!sourcing || unansweredRequest == null) {
            return;
        }
        List<StoredRecord> theirs = unansweredRequest.targetStore();
        unansweredRequest = null;
        int common = 0;
        while (common < theirs.size() && common < store.size() && theirs.get(common).id() == store.get(common).id()) {
            common++;
        }
        world.send(this, new SimMessage.SyncFrom(sourceSession, common));
    }

    /** Streams what the target lacks; tells it when it has everything while synchronising. */
    void pump() {
        if (!running() || !sourcing || sendCursor < 0 || !peer.linkUp()) {
            return;
        }
        for (int sent = 0; sent < RECORDS_PER_PUMP && sendCursor < store.size(); sent++, sendCursor++) {
            world.send(this, new SimMessage.Replicate(sourceSession, sendCursor, store.get(sendCursor)));
        }
        if (status.state() == HaState.ACTIVE_SYNC && sendCursor == store.size() && !caughtUpSent) {
            caughtUpSent = true;
            world.send(this, new SimMessage.CaughtUp(sourceSession, store.size()));
        }
    }

    /**
     * Confirms client records once stored everywhere they must be: here alone when STANDALONE
     * (the epoch was raised first), here and on the passive otherwise. Only while serving.
     */
    private void confirmWhatIsSafe() {
        if (!acceptsClients()) {
            return;
        }
        boolean alone = status.state() == HaState.STANDALONE && epochRaisedForThisState;
        awaitingConfirmation.removeIf(index -> {
            if (alone || (sourcing && index < peerStoredLength)) {
                StoredRecord record = store.get(index);
                world.acknowledged(record);
                if (confirmed.isBefore(record.position())) {
                    confirmed = record.position();
                }
                return true;
            }
            return false;
        });
    }

    /** Sends this node's state; the link drops it when there is no link. */
    private void broadcast() {
        world.send(this, new SimMessage.State(status.state(), status.previous(), position(), confirmed));
    }

    private StoredRecord append(long recordEpoch, boolean marker) {
        StoredRecord record = new StoredRecord(recordEpoch, store.size() + 1, world.nextRecordId(), marker);
        store.add(record);
        return record;
    }

    private void truncate(int length) {
        while (store.size() > length) {
            store.remove(store.size() - 1);
        }
    }

    private void stopReplication() {
        sourcing = false;
        sendCursor = -1;
        unansweredRequest = null;
        targeting = false;
        targetSession = -1;
    }

    private void log(String line) {
        log.add(world.now() / 1_000_000 + "ms " + name + " " + line);
    }
}
