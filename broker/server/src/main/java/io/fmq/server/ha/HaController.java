package io.fmq.server.ha;

import io.fmq.ha.gateway.GatewayProbe;
import io.fmq.ha.gateway.GatewayStatus;
import io.fmq.ha.lock.HaLock;
import io.fmq.ha.lock.LockFileException;
import io.fmq.ha.lock.LockHolder;
import io.fmq.ha.lock.LockIdentity;
import io.fmq.ha.lock.TakeoverProof;
import io.fmq.ha.pair.PairSettingsCheck;
import io.fmq.ha.pair.PairSettingsMismatchMessage;
import io.fmq.ha.pair.SettingDifference;
import io.fmq.ha.state.HaAction;
import io.fmq.ha.state.HaDecision;
import io.fmq.ha.state.HaEvent;
import io.fmq.ha.state.HaInputs;
import io.fmq.ha.state.HaMachine;
import io.fmq.ha.state.HaState;
import io.fmq.ha.state.HaStateMachine;
import io.fmq.ha.state.HaStatus;
import io.fmq.ha.state.LockView;
import io.fmq.ha.state.PeerView;
import io.fmq.ha.state.RepositoryPosition;
import io.fmq.server.ConsoleLog;
import io.fmq.store.replication.ReplicationMessage;
import io.fmq.store.replication.ReplicationSource;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives the {@link HaStateMachine} of a server in a replicated pair: the one thread that feeds it events (link up
 * and down, peer broadcasts, lock and gateway results, synchronisation progress, ticks) and carries out the actions
 * it decides (take, verify or release the lock, raise the epoch, start or stop serving clients, resynchronise,
 * broadcast). The machine decides; this class only does.
 *
 * <h2>Threads</h2>
 * <ul>
 *   <li>The controller thread (its {@link HaExecutor}; {@code fmq-ha-controller} in a server) alone reads and writes
 *       the HA state: the machine's status, the peer view, the lock view, the gateway result, the current link, the
 *       peer's goodbye, and the replication state in {@link HaReplication}. Every input is posted to it as a task:
 *       link up and down and every frame from the HA channel (status and replication alike, each dropped unless it
 *       came on the current link), replication progress, ticks and the JMX {@code switchover} (an input of the
 *       state machine, with MaxWaitTimeout as its deadline on the machine's clock). Nothing on it waits for
 *       another thread.</li>
 *   <li>Readers on other threads (JMX, {@code server-status}) see one immutable {@link Snapshot}, published after
 *       every step, so they never mix two steps. Only the replication figures (backlog, resync bytes) are read
 *       live from {@link HaReplication}.</li>
 *   <li>The journal writer thread asks {@link #mayConfirm()}, which reads the published status and the ticker only.</li>
 * </ul>
 *
 * <h2>Parts</h2>
 * Everything the controller acts on is one of its {@link Parts}: the HA channel's links ({@link HaChannel}), the lock,
 * the gateway probe, the store with its replication source and sink, the serving role, the executor, the ticker
 * and the clock. The server wires the real ones ({@code Server.startReplicatedHa}); the pair simulation wires
 * in-memory ones and runs this very class.
 */
public final class HaController implements HaChannel.Listener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HaController.class);
    /** A position no store reaches: what a peer that confirms work alone (ACTIVE_SYNC) may have confirmed. */
    static final RepositoryPosition UNKNOWN_CONFIRMED = new RepositoryPosition(Long.MAX_VALUE, Long.MAX_VALUE);

    /**
     * Starting and stopping the client-serving part of the server, in two halves: the slow restore of the broker
     * from the store's journal runs elsewhere (the server's {@code fmq-ha-restore} thread), so the controller thread
     * goes on renewing its lease and hearing its peer meanwhile; opening the client port and stopping are quick and
     * run on the controller thread, which decides whether a finished restore is still wanted.
     */
    public interface ServingRole {
        /**
         * Starts restoring the broker from the store's journal (open before this is called); the future completes
         * with the restored broker, its client port still closed. At most one restore runs at a time.
         */
        CompletableFuture<Restored> restore();

        /** Closes the client port and the broker opened last (controller thread). */
        void stop();

        /** A restored broker, not serving yet: exactly one of its methods is called once, on the controller thread. */
        interface Restored {
            /** Opens the client port. */
            void open() throws Exception;

            /** Closes it unopened: it is no longer wanted, or its store changed under it. */
            void discard();
        }
    }

    /**
     * Whether a new lock holder may serve at once; {@link TakeoverProof#find} in every server. A parameter so that
     * the simulation can show it catches a controller with a wrong rule.
     */
    public interface TakeoverRule {
        Optional<String> find(Optional<LockHolder> lastRecord, boolean mediumProvesHolderGone, boolean sameFileSinceStart,
                              String peerName, long peerGoodbyeEpoch);
    }

    /** What the controller acts on, wired in one place (the server, or the simulation). */
    public record Parts(HaLock lock, GatewayProbe gateway, HaStore store, ServingRole serving, HaExecutor executor,
                        LongSupplier nanoTime, Clock clock, TakeoverRule takeoverRule) {
    }

    /** What the controller tells the outside (JMX notifications). */
    public interface Observer {
        void transition(HaState from, HaState to, String cause);
    }

    /** What readers on other threads see of the HA state: one step's values, never a mix of two. */
    public record Snapshot(HaState state, HaState previous, HaState remote, boolean linkUp, boolean lockHeld,
                           boolean gatewayReachable, RepositoryPosition position, Instant lastTransition, String lastCause) {
    }

    /** Fixed facts about this server. */
    public record Identity(String role, boolean primary, String name, Map<String, String> pairSettings) {
    }

    private final Identity identity;
    private final HaMachine machine;
    private final HaLock lock;
    private final GatewayProbe gateway;
    private final HaStore store;
    private final ServingRole serving;
    private final ConsoleLog console;
    private final LongSupplier nanoTime;
    private final Clock clock;
    private final Consumer<String> fatal;
    private final Observer observer;
    private final HaExecutor thread;
    private final TakeoverRule takeoverRule;
    private final HaReplication replication;

    // controller-thread state; volatile only where another thread reads it: status (the journal writer's
    // mayConfirm, the HA event loop's hello)
    private volatile HaStatus status = HaStatus.NOT_STARTED;
    private PeerView peer = PeerView.UNKNOWN;
    private LockView lockView = LockView.notHeld(0);
    private boolean gatewayReachable = true;
    private Instant lastTransition;
    private String lastCause = "";
    /** The client port is open (or being opened on this very step). */
    private boolean servingClients;
    /** A restore runs on the serving role's thread; its result is stale unless {@link #servingWanted} is still its number. */
    private boolean restoring;
    /** Counts the starts and stops of serving; a restore finished under another number is discarded. */
    private long servingGeneration;
    /** The number of the start that wants a restore opened, or -1 if none does. */
    private long servingWanted = -1;
    /** A target resynchronisation that waits for a running restore to finish (the restore reads the journal it replaces). */
    private boolean targetSyncWaiting;
    /** Shared mode: closing the store's journal (stop writing) waits for a running restore to finish with it. */
    private boolean stopWritingWaiting;
    /** Shared mode: a restore asked for by PREPARE_SERVICES is held here until START_CLIENT_ACCEPTOR opens its port. */
    private ServingRole.Restored prepared;
    /** The running or held restore was asked for by PREPARE_SERVICES (shared mode): hold it, do not open it. */
    private boolean prepareOnly;
    private HaChannel.Link link;
    /** The highest epoch for which the peer said goodbye (stopped serving on purpose) on the current or last link. */
    private long peerGoodbyeEpoch = -1;
    /** The peer's server name, as its HELLO gave it. */
    private String peerName = "";
    /** The lock file's identity when this server started (null if it could not be read). */
    private final LockIdentity startupLockIdentity;
    /** What the last lock attempt found about the previous holder (logged when the lock is acquired). */
    private String takeoverNote = "";
    /** When this server's acceptor last stopped (wall clock, for the lock's release record). */
    private Instant acceptorStoppedAt;
    /**
     * Until when (ticker) this holder's takeover wait runs: before then an earlier holder may still be serving, so a
     * release must not claim that serving has stopped. {@link HaStatus#NONE} when not holding the lock.
     */
    private long takeoverWaitEndsAt = HaStatus.NONE;
    private volatile boolean stopped;
    /** False from a decision that raises the epoch until the lock and the store have it: nothing is confirmed alone before. */
    private volatile boolean epochRecorded = true;
    /** Confirmations of changes the lost passive never acknowledged, held until this server's new epoch is recorded. */
    private List<CompletableFuture<Void>> heldConfirmations = List.of();
    /** The JMX caller's answer while a switchover it asked for runs. */
    private CompletableFuture<String> switchoverResult;
    private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
    /** Published by the controller thread after each step; read by anyone. */
    private volatile Snapshot snapshot = new Snapshot(HaState.WAITING, HaState.DEAD, HaState.DEAD, false, false, true,
            RepositoryPosition.EMPTY, null, "");

    public HaController(Identity identity, HaMachine machine, Parts parts, ConsoleLog console, Consumer<String> fatal,
                        Observer observer) {
        this.identity = identity;
        this.machine = machine;
        this.lock = parts.lock();
        this.gateway = parts.gateway();
        this.store = parts.store();
        this.serving = parts.serving();
        this.thread = parts.executor();
        this.nanoTime = parts.nanoTime();
        this.clock = parts.clock();
        this.takeoverRule = parts.takeoverRule();
        this.console = console;
        this.fatal = fatal;
        this.observer = observer;
        LockIdentity identityAtStart;
        try {
            identityAtStart = lock.identity();
        } catch (LockFileException e) {
            identityAtStart = null;
        }
        this.startupLockIdentity = identityAtStart;
        this.replication = new HaReplication(store, new HaReplication.Host() {
            @Override
            public HaChannel.Link link() {
                return link;
            }

            @Override
            public void syncComplete() {
                submit(HaEvent.SYNC_COMPLETE);
            }

            @Override
            public void syncProgress() {
                submit(HaEvent.SYNC_PROGRESS);
            }

            @Override
            public void onControllerThread(Runnable r) {
                onThread(r);
            }

            @Override
            public void closeLink() {
                HaController.this.closeLink();
            }
        });
    }

    /** Starts the machine (WAITING) and its ticks. The HA channel, started by the caller, reports to this controller. */
    public void start() {
        submit(HaEvent.START);
        thread.scheduleAtFixedRate(() -> handle(HaEvent.TICK), machine.timings().tickIntervalNanos());
    }

    /** This server's HELLO for a new HA connection (called on the channel's thread: reads the store and the status). */
    public HaFrame.Hello hello() {
        RepositoryPosition p = store.position();
        HaStatus s = status;
        return new HaFrame.Hello(HaFrame.VERSION, identity.primary(), identity.name(), identity.pairSettings(),
                s.state().name(), s.previous().name(), p.epoch(), p.sequence(), s.state() != HaState.ACTIVE_SYNC);
    }

    private void submit(HaEvent event) {
        if (!stopped) {
            thread.execute(() -> handle(event));
        }
    }

    private void onThread(Runnable r) {
        if (!stopped) {
            thread.execute(r);
        }
    }

    // ------------------------------------------------------------------------------------- deciding

    private void handle(HaEvent event) {
        assert thread.inExecutor() : "HA state is handled on the controller thread only";
        if (stopped) {
            return;
        }
        if (event == HaEvent.TICK) {
            replication.noteProgress();
        }
        HaStatus before = status;
        HaDecision d;
        try {
            d = machine.next(new HaInputs(before, event, nanoTime.getAsLong(), peer, lockView, gatewayReachable, store.position()));
        } catch (RuntimeException e) {
            LOG.error("HA state machine refused {} in {}: {}", event, before.state(), e.getMessage());
            return;
        }
        boolean raising = d.actions().contains(HaAction.RAISE_EPOCH);
        if (raising) {
            // confirming alone is allowed only once the new epoch is recorded with the lock (see RAISE_EPOCH)
            epochRecorded = false;
        }
        status = d.status();
        if (status.servingAllowedFrom() != HaStatus.NONE) {
            takeoverWaitEndsAt = status.servingAllowedFrom(); // read by releaseLock, after the machine has cleared it
        }
        if (d.transitioned(before)) {
            lastTransition = clock.instant();
            lastCause = d.cause();
            LOG.info("HA: {}", d.cause());
            console.state(identity.role() + " Server switched to " + d.state());
            observer.transition(before.started() ? before.state() : HaState.DEAD, d.state(), d.cause());
        } else if (!d.actions().isEmpty() || event != HaEvent.TICK) {
            LOG.debug("HA: {} in {}: {} -> {}", event, d.state(), d.cause(), d.actions());
        }
        for (HaAction a : d.actions()) {
            try {
                execute(a, d);
            } catch (Exception e) {
                LOG.error("HA action {} failed: {}", a, e.toString(), e);
                actionFailed(a, e);
            }
        }
        if (switchoverResult != null && d.state() != HaState.ACTIVE) {
            switchoverEnded(d);
        }
        if (!heldConfirmations.isEmpty()) {
            // went on alone but its epoch could not be recorded: these changes were never confirmed
            failHeld();
        }
        publish();
    }

    private void failHeld() {
        java.io.IOException lost = new java.io.IOException("the passive server was lost before it confirmed the change, and this "
                + "server could not go on alone");
        heldConfirmations.forEach(f -> f.completeExceptionally(lost));
        heldConfirmations = List.of();
    }

    /** Controller thread: publishes the current values as one snapshot. */
    private void publish() {
        HaStatus st = status;
        PeerView p = peer;
        snapshot = new Snapshot(st.started() ? st.state() : HaState.WAITING, st.previous(), p.linkUp() ? p.current() : HaState.DEAD,
                p.linkUp(), lockView.held(), gatewayReachable, store.position(), lastTransition, lastCause);
    }

    private void execute(HaAction action, HaDecision d) throws Exception {
        switch (action) {
            case TRY_ACQUIRE_LOCK -> tryAcquireLock();
            case VERIFY_LOCK -> verifyLock();
            case RELEASE_LOCK -> releaseLock();
            case RAISE_EPOCH -> {
                // the lock records the new epoch before anything is confirmed in it: a peer that takes the lock later
                // sees that this server went on alone, and knows its own store is not the latest
                if (!lock.tryAcquire(d.raisedEpoch())) {
                    throw new java.io.IOException("the lock could not record epoch " + d.raisedEpoch());
                }
                // the lock has the epoch: from here a peer taking the lock knows this server went on; the store's
                // EPOCH record is itself an append through the confirm gate
                epochRecorded = true;
                stopWritingWaiting = false; // the journal of the new epoch replaces the old one
                long epoch = store.beginEpoch(d.raisedEpoch());
                lockView = new LockView(lockView.held(), Math.max(lockView.epoch(), epoch), lockView.releasedCleanly(), lockView.provenAt());
                LOG.info("HA: epoch {} begins", epoch);
                List<CompletableFuture<Void>> held = heldConfirmations;
                heldConfirmations = List.of();
                held.forEach(f -> f.complete(null));
            }
            case START_CLIENT_ACCEPTOR -> startServing();
            case PREPARE_SERVICES -> prepareServices();
            case STOP_CLIENT_ACCEPTOR -> stopServing();
            case BEGIN_SYNC_AS_SOURCE -> replication.beginAsSource();
            case BEGIN_SYNC_AS_TARGET -> {
                stopServing();
                if (restoring) {
                    targetSyncWaiting = true; // begun when the restore has finished with the journal
                } else {
                    replication.beginAsTarget();
                }
            }
            case STOP_REPLICATION -> {
                List<CompletableFuture<Void>> pending = replication.stop();
                heldConfirmations = pending;
                if (d.state().acceptsClients() && d.actions().contains(HaAction.RAISE_EPOCH)) {
                    // going on alone: the changes the passive has not confirmed are on this disk; they are confirmed
                    // once the new epoch is recorded (RAISE_EPOCH, next), failed if it cannot be
                } else if ((d.state() == HaState.ACTIVE_SYNC || d.state() == HaState.STANDALONE) && epochRecorded) {
                    // serving alone in an epoch already recorded, with a peer that is not complete: confirm
                    heldConfirmations = List.of();
                    pending.forEach(f -> f.complete(null));
                } else {
                    failHeld();
                }
            }
            case BROADCAST_STATE -> broadcast();
            case BEGIN_HANDOVER -> beginHandover();
        }
    }

    private void actionFailed(HaAction action, Exception e) {
        switch (action) {
            case START_CLIENT_ACCEPTOR, RAISE_EPOCH -> {
                // this server cannot serve: give the role up so that the peer may take it
                stopServing();
                releaseLock();
                submit(HaEvent.LOCK_LOST);
            }
            case BEGIN_SYNC_AS_TARGET, BEGIN_SYNC_AS_SOURCE -> closeLink();
            default -> {
            }
        }
    }

    private void tryAcquireLock() {
        long checkBegan = nanoTime.getAsLong(); // what this check proves, it proves as of now (see LockView.provenAt)
        if (!checkGateway()) {
            return;
        }
        boolean wasHeld = lockView.held();
        // what the last holder recorded, read before our own acquisition overwrites the record
        long recorded = Math.max(lockView.epoch(), lockEpoch());
        boolean clean = releasedCleanly();
        boolean got;
        try {
            got = lock.tryAcquire(Math.max(recorded, store.position().epoch()));
        } catch (LockFileException e) {
            LOG.warn("Cannot use the lock file {}: {}", lock.location(), e.getMessage());
            got = false;
        }
        if (got) {
            if (!wasHeld) {
                console.plain("Successfully acquired lock on :: " + lock.location());
                LOG.info("HA: {}", takeoverNote);
            }
            lockView = new LockView(true, recorded, clean, checkBegan);
            submit(HaEvent.LOCK_ACQUIRED);
        } else {
            lockView = LockView.notHeld(Math.max(recorded, lockEpoch()));
            submit(HaEvent.LOCK_UNAVAILABLE);
        }
    }

    /**
     * Whether it is proven that the lock's previous holder no longer serves, so this new holder need not wait out
     * its serving lease (R + 2T). Only proofs count, never guesses:
     * <ul>
     *   <li>the holder record is a release record: the previous holder marked it released after stopping its
     *       acceptor ({@link HaLock#releaseAfterStopping});</li>
     *   <li>the peer said goodbye on the HA channel for the epoch the record names (it sends that frame after
     *       stopping its acceptor, before it releases);</li>
     *   <li>the lock is one that cannot be taken from a living holder (a POSIX lock on a local disk): acquiring it
     *       proves its previous holder released it (which this server does only after stopping serving) or ended.
     *       This needs a record, so that it speaks of this very file: an empty file may have replaced one that a
     *       living server still holds.</li>
     * </ul>
     * Anything else — no record, an unreadable record, a reset or silent link, a peer's last status — waits.
     * The rule itself is {@link TakeoverProof}; what it found is logged with the acquisition.
     */
    private boolean releasedCleanly() {
        Optional<LockHolder> last;
        boolean sameFile;
        try {
            last = lock.lastHolder();
            sameFile = startupLockIdentity != null && startupLockIdentity.equals(lock.identity());
        } catch (LockFileException e) {
            last = Optional.empty();
            sameFile = false;
        }
        Optional<String> proof = takeoverRule.find(last, lock.acquisitionProvesHolderGone(), sameFile, peerName, peerGoodbyeEpoch);
        takeoverNote = proof.map(p -> "no need to wait out the previous holder's serving lease: " + p)
                .orElse("nothing proves the previous lock holder stopped serving ("
                        + last.map(LockHolder::toString).orElse("no readable holder record") + "); waiting out its serving lease");
        return proof.isPresent();
    }

    /** Gives the lock up after this server stopped serving (all its releases are), recording so in the lock. */
    /**
     * Gives the lock up after stopping serving. The release record says "no server serves on this lock's behalf any
     * more", which is true only once this holder's takeover wait has ended: before that, an earlier holder (frozen,
     * or cut off with its lease lost) may still be inside its serving lease, and a next holder that trusted the record
     * would serve beside it. So a holder that releases within its takeover wait releases without a record, and the
     * next holder waits.
     */
    private void releaseLock() {
        stopServing();
        long waitEnds = takeoverWaitEndsAt;
        takeoverWaitEndsAt = HaStatus.NONE;
        // within the takeover wait: its end not yet passed, or not yet known (held, but the machine has not taken the
        // acquisition's facts yet: it never served in this hold). An earlier holder may then still be serving.
        boolean withinWait = waitEnds == HaStatus.NONE ? lockView.held() : nanoTime.getAsLong() - waitEnds < 0;
        if (withinWait) {
            LOG.info("HA: releasing the lock without a release record: it is still within its takeover wait, so an "
                    + "earlier holder may still be serving");
            lock.release();
        } else {
            lock.releaseAfterStopping(acceptorStoppedAt != null ? acceptorStoppedAt : clock.instant());
        }
        lockView = LockView.notHeld(lockView.epoch());
    }

    private long lockEpoch() {
        try {
            return lock.lastHolder().map(LockHolder::epoch).orElse(0L);
        } catch (LockFileException e) {
            return lockView.epoch();
        }
    }

    private void verifyLock() {
        long checkBegan = nanoTime.getAsLong(); // what this check proves, it proves as of now (see LockView.provenAt)
        if (!checkGateway()) {
            return;
        }
        if (lock.verify()) {
            lockView = lockView.provenAt(checkBegan);
            submit(HaEvent.LOCK_VERIFIED);
        } else {
            LOG.warn("HA: cannot prove this server still holds the lock {}", lock.location());
            lockView = LockView.notHeld(lockView.epoch());
            submit(HaEvent.LOCK_LOST);
        }
    }

    /** Probes the gateway; reports GATEWAY_LOST or GATEWAY_RESTORED on a change. Returns whether it is reachable. */
    private boolean checkGateway() {
        GatewayStatus g = gateway.probe();
        boolean was = gatewayReachable;
        gatewayReachable = g.reachable();
        if (!g.reachable()) {
            if (was) {
                LOG.warn("HA: the gateway is not reachable ({}); this server may be isolated and must not serve", g.reason());
            }
            submit(HaEvent.GATEWAY_LOST);
        } else if (!was) {
            LOG.info("HA: the gateway is reachable again");
            submit(HaEvent.GATEWAY_RESTORED);
        }
        return g.reachable();
    }

    /**
     * Stops the client acceptor; if it was serving, tells the peer over the HA channel (a goodbye for this epoch:
     * the acceptor stopped on purpose) so that a takeover need not wait out this server's serving lease.
     */
    /**
     * Starts serving: the journal is opened here, the broker is restored on the serving role's thread, and the
     * client port opens on this thread when the restore is done and still wanted ({@link #restored}). The broker's
     * restore and bootstrap records (a new store's first account) are not client confirmations and may take longer
     * than a short serving lease: the confirm gate closes over client work only, installed just before the port opens.
     */
    private void startServing() throws Exception {
        if (prepared != null) {
            ServingRole.Restored r = prepared;
            prepared = null;
            store.setConfirmGate(this::mayConfirm);
            r.open();
            servingClients = true;
            return;
        }
        prepareOnly = false;
        if (servingClients || servingWanted >= 0) {
            return;
        }
        store.openJournal();
        servingWanted = ++servingGeneration;
        if (!restoring) {
            beginRestore();
        }
    }

    /**
     * Shared mode, ACTIVATING: restores the broker from the store this server has just fenced, and reports
     * SERVICES_READY when it is done; the port opens with START_CLIENT_ACCEPTOR once the machine goes ACTIVE.
     */
    private void prepareServices() throws Exception {
        if (prepared != null || servingWanted >= 0) {
            return;
        }
        prepareOnly = true;
        store.openJournal();
        servingWanted = ++servingGeneration;
        if (!restoring) {
            beginRestore();
        }
    }

    private void beginRestore() {
        long generation = servingWanted;
        restoring = true;
        store.setConfirmGate(null);
        CompletableFuture<ServingRole.Restored> f;
        try {
            f = serving.restore();
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((r, e) -> thread.execute(() -> restored(generation, r, e)));
    }

    /** Controller thread: a restore finished; opens its client port if that start is still wanted, else discards it. */
    private void restored(long generation, ServingRole.Restored r, Throwable failure) {
        restoring = false;
        if (stopped) {
            if (r != null) {
                r.discard();
            }
            return;
        }
        boolean wanted = generation == servingWanted && (status.state().acceptsClients() || prepareOnly && status.state() == HaState.ACTIVATING);
        if (failure != null || !wanted) {
            if (r != null) {
                r.discard();
            }
            store.setConfirmGate(this::mayConfirm);
            if (failure != null && generation == servingWanted) {
                servingWanted = -1;
                LOG.error("HA: the broker could not be restored: {}", failure instanceof java.util.concurrent.CompletionException
                        && failure.getCause() != null ? failure.getCause().getMessage() : failure.getMessage());
                actionFailed(HaAction.START_CLIENT_ACCEPTOR, new Exception(failure));
                publish();
                return;
            }
            afterRestore();
            return;
        }
        servingWanted = -1;
        if (prepareOnly) {
            prepared = r; // opened by START_CLIENT_ACCEPTOR, discarded by a step-down
            submit(HaEvent.SERVICES_READY);
            publish();
            return;
        }
        store.setConfirmGate(this::mayConfirm);
        try {
            r.open();
            servingClients = true;
        } catch (Exception e) {
            LOG.error("HA: the client port could not be opened: {}", e.getMessage());
            actionFailed(HaAction.START_CLIENT_ACCEPTOR, e);
        }
        publish();
    }

    /** Controller thread: a stale restore was discarded; runs what waited for it. */
    private void afterRestore() {
        if (stopWritingWaiting) {
            stopWritingWaiting = false;
            store.stopWriting();
        }
        if (targetSyncWaiting) {
            targetSyncWaiting = false;
            if (status.state() == HaState.PASSIVE_SYNC) {
                try {
                    replication.beginAsTarget();
                } catch (Exception e) {
                    actionFailed(HaAction.BEGIN_SYNC_AS_TARGET, e);
                }
            }
        } else if (servingWanted >= 0) {
            beginRestore(); // a later start wants a fresh restore (the store may have changed since)
        }
    }

    private void stopServing() {
        boolean wasStarting = servingWanted >= 0 || prepared != null;
        servingWanted = -1;
        if (prepared != null) {
            prepared.discard();
            prepared = null;
            store.setConfirmGate(this::mayConfirm);
        }
        // shared mode: stop writing too (a no-op for a replicated store); a running restore still reads the journal
        if (restoring) {
            stopWritingWaiting = true;
        } else {
            store.stopWriting();
        }
        if (servingClients || wasStarting) {
            servingClients = false;
            serving.stop();
            acceptorStoppedAt = clock.instant();
            HaChannel.Link l = link;
            if (l != null) {
                l.send(new HaFrame.Goodbye(Math.max(lockView.epoch(), store.position().epoch()), acceptorStoppedAt.toEpochMilli()));
            }
        }
    }

    private void broadcast() {
        HaChannel.Link l = link;
        if (l == null) {
            return;
        }
        HaStatus s = status;
        RepositoryPosition p = store.position();
        l.send(new HaFrame.Status(s.state().name(), s.previous().name(), p.epoch(), p.sequence(), lockView.held(),
                s.state() != HaState.ACTIVE_SYNC));
    }

    private void closeLink() {
        HaChannel.Link l = link;
        if (l != null) {
            l.close();
        }
    }

    // ------------------------------------------------------------------------------------- the HA channel

    @Override
    public void linkUp(HaChannel.Link newLink, HaFrame.Hello hello) {
        onThread(() -> {
            if (hello.version() != HaFrame.VERSION) {
                refuseAndStop(newLink, "The backup server speaks HA protocol version " + hello.version() + "; this server speaks "
                        + HaFrame.VERSION + ". Run the same FMQ version on both servers.");
                return;
            }
            if (hello.primary() == identity.primary()) {
                String both = identity.primary() ? "primary (isPrimary=true)" : "secondary (isPrimary=false)";
                refuseAndStop(newLink, "Both servers of the pair are configured as " + both + ". Set isPrimary=true in one "
                        + "Config.cfg and isPrimary=false in the other.");
                return;
            }
            List<SettingDifference> differences = PairSettingsCheck.differences(identity.pairSettings(), hello.settings());
            if (!differences.isEmpty()) {
                refuseAndStop(newLink, PairSettingsMismatchMessage.format(differences));
                return;
            }
            link = newLink;
            replication.linkChanged();
            if (!hello.name().equals(peerName)) {
                peerGoodbyeEpoch = -1;
            }
            peerName = hello.name();
            LOG.info("HA link up {} (peer {} in {})", newLink, hello.name(), hello.state());
            updatePeer(HaState.valueOf(hello.state()), HaState.valueOf(hello.previous()), hello.epoch(), hello.sequence(),
                    hello.complete());
            handle(HaEvent.LINK_UP);
            // the HELLO was made on the channel's thread and may predate a step this thread took since (whose
            // broadcast had no link to go to): the peer hears the current state now
            broadcast();
        });
    }

    private void refuseAndStop(HaChannel.Link l, String message) {
        console.state("The HA pair cannot form: " + message);
        l.refuse(message);
        stopped = true;
        fatal.accept(message);
    }

    @Override
    public void frame(HaChannel.Link from, HaFrame frame) {
        onThread(() -> {
            if (frame instanceof HaFrame.Replication r) {
                if (from == link) {
                    replication.received(r.message());
                }
            } else if (frame instanceof HaFrame.Refuse refuse) {
                console.state("The backup server refused the HA pair: " + refuse.reason());
                stopped = true;
                fatal.accept("The backup server refused the HA pair: " + refuse.reason());
            } else if (frame instanceof HaFrame.Goodbye g && from == link) {
                peerGoodbyeEpoch = Math.max(peerGoodbyeEpoch, g.epoch());
                LOG.info("HA: the peer stopped serving on purpose (epoch {}, at {})", g.epoch(), Instant.ofEpochMilli(g.acceptorStoppedAtMillis()));
            } else if (frame instanceof HaFrame.Status s && from == link) {
                updatePeer(HaState.valueOf(s.state()), HaState.valueOf(s.previous()), s.epoch(), s.sequence(), s.complete());
                handle(HaEvent.PEER_STATE_CHANGED);
            }
        });
    }

    private void updatePeer(HaState current, HaState previous, long epoch, long sequence, boolean complete) {
        HaState old = peer.linkUp() ? peer.current() : HaState.DEAD;
        RepositoryPosition position = new RepositoryPosition(epoch, sequence);
        peer = peer.withBroadcast(current, previous, position, complete ? position : UNKNOWN_CONFIRMED);
        if (old != current) {
            console.state("Old status of remote server = " + old);
            console.state("New status of remote server = " + current);
        }
    }

    @Override
    public void linkDown(HaChannel.Link lost, HaChannel.LossCause cause, String detail) {
        onThread(() -> {
            if (lost != link) {
                return;
            }
            link = null;
            replication.linkChanged();
            HaState old = peer.current();
            peer = peer.withLink(false);
            LOG.warn("HA link {} lost: {}", lost, detail);
            console.state("Old status of remote server = " + old);
            console.state("New status of remote server = " + HaState.DEAD);
            handle(HaEvent.LINK_DOWN);
        });
    }

    @Override
    public void connecting(String peerAddress) {
        console.state("Trying to establish connection with " + peerAddress + " ...");
    }

    @Override
    public void connectFailed(String peerAddress, String reason) {
        LOG.debug("HA peer {} not reachable: {}", peerAddress, reason);
        console.state("Backup Server not Connected. Check configuration or Start backup Server ...");
    }

    // ------------------------------------------------------------------------------------- switchover

    /**
     * Hands the active role to the in-sync passive peer without losing or duplicating a message. The request is an
     * input of the state machine ({@link HaEvent#SWITCHOVER_REQUESTED}): in ACTIVE with a PASSIVE peer this server
     * stops serving (its clients fail over) and the passive has until MaxWaitTimeout to confirm every record
     * ({@link HaEvent#PEER_CONFIRMED}); then it gives the lock up with a release record and steps down to WAITING.
     * The passive, seeing its active peer stop serving with the lock free, takes over without waiting; this server
     * then joins it as passive. In any other state the machine refuses the request.
     *
     * <p>Nothing waits on the controller thread; the future completes when the machine left ACTIVE (or refused). The
     * caller (a JMX thread) waits for it, bounded.
     */
    public CompletableFuture<String> switchoverAsync() {
        CompletableFuture<String> result = new CompletableFuture<>();
        if (stopped) {
            result.complete("Refused: the HA controller is stopped.");
            return result;
        }
        onThread(() -> {
            if (switchoverResult != null) {
                result.complete("Refused: a switchover is already in progress.");
                return;
            }
            switchoverResult = result;
            handle(HaEvent.SWITCHOVER_REQUESTED);
            if (switchoverResult == result && status.handoverUntil() == HaStatus.NONE) {
                switchoverResult = null;
                result.complete("Refused: a switchover needs this server ACTIVE and its peer PASSIVE; this server is "
                        + status.state() + " and its peer " + (peer.linkUp() ? peer.current() : HaState.DEAD) + ".");
            }
        });
        return result;
    }

    /** Controller thread: the passive is to confirm everything written so far; the machine hears when it has. */
    private void beginHandover() {
        long last = store.position().sequence();
        replication.confirmedUpTo(last).whenComplete((v, e) -> {
            if (e == null) {
                submit(HaEvent.PEER_CONFIRMED);
            }
        });
    }

    /** Controller thread, after a step that left ACTIVE while a switchover was asked for: tells the caller. */
    private void switchoverEnded(HaDecision d) {
        CompletableFuture<String> result = switchoverResult;
        switchoverResult = null;
        if (!d.cause().contains("switchover:")) {
            result.complete("Switchover interrupted: this server is now " + d.state() + " (" + d.cause() + ").");
            return;
        }
        long backlog = replication.backlog().records();
        if (backlog > 0) {
            LOG.warn("HA: switchover goes on with {} record(s) the passive has not confirmed", backlog);
        }
        console.state("Switchover: " + identity.role() + " Server hands the active role to its peer");
        result.complete("Switchover done: this server stopped serving at sequence " + store.position().sequence()
                + " with the passive in sync, and steps down; the peer takes over and this server rejoins as passive.");
    }

    /** {@link #switchoverAsync()} for the JMX operation: waits for its outcome (on the caller's thread, bounded). */
    public String switchover() {
        try {
            return switchoverAsync().get(machine.timings().maxWaitTimeout().toMillis() + 30_000, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            return "Switchover did not complete within MaxWaitTimeout + 30 s; see the server log.";
        } catch (Exception e) {
            return "Switchover did not complete: " + e;
        }
    }

    // ------------------------------------------------------------------------------------- read-outs

    /**
     * Whether this server may confirm client work now: it is in a serving state and its serving lease (its last proof
     * of lock and gateway plus one check interval) has not run out. Read on the journal's writer thread, against the
     * ticker itself, so a stalled controller cannot stretch the lease.
     */
    public boolean mayConfirm() {
        return epochRecorded && status.acceptsClientsAt(nanoTime.getAsLong(), machine.timings());
    }

    /** The HA state as of the controller's last step (one consistent set of values). */
    public Snapshot snapshot() {
        return snapshot;
    }

    public HaState state() {
        return snapshot.state();
    }

    public HaState previousState() {
        return snapshot.previous();
    }

    public HaState remoteState() {
        return snapshot.remote();
    }

    public boolean linkUp() {
        return snapshot.linkUp();
    }

    public boolean lockHeld() {
        return snapshot.lockHeld();
    }

    public String lockLocation() {
        return lock.location();
    }

    public boolean gatewayReachable() {
        return snapshot.gatewayReachable();
    }

    public RepositoryPosition position() {
        return snapshot.position();
    }

    public ReplicationSource.Backlog backlog() {
        return replication.backlog();
    }

    public long resyncBytes() {
        return replication.resyncBytes();
    }

    public Instant lastTransition() {
        return snapshot.lastTransition();
    }

    public String lastCause() {
        return snapshot.lastCause();
    }

    /**
     * Stops the controller on its thread: no more decisions; serving, replication and the lock are given up. The
     * future completes when that is done.
     */
    public CompletableFuture<Void> closeAsync() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!closing.compareAndSet(false, true)) {
            done.complete(null);
            return done;
        }
        thread.execute(() -> {
            stopped = true;
            try {
                stopServing();
                heldConfirmations = replication.stop();
                failHeld();
                releaseLock();
                publish();
            } finally {
                done.complete(null);
            }
        });
        return done;
    }

    /** {@link #closeAsync()}, waited for (bounded), then the controller's thread ends. */
    @Override
    public void close() {
        try {
            closeAsync().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("HA controller did not stop cleanly: {}", e.toString());
        }
        stopped = true;
        thread.shutdown();
    }
}
