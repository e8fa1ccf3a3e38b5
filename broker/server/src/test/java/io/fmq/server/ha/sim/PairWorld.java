package io.fmq.server.ha.sim;

import io.fmq.ha.lock.InMemoryLockFile;
import io.fmq.ha.lock.LockHolder;
import io.fmq.ha.lock.TakeoverProof;
import io.fmq.ha.state.HaState;
import io.fmq.ha.state.HaTimings;
import io.fmq.server.ha.HaController;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * A pair of production {@link HaController}s in one thread, replicated (a {@link SimStore} each) or shared (one
 * {@link SharedSimStore} both open, behind the store's fence, on the same storage path as the lock): a manual ticker, the in-memory HA channel
 * ({@link SimNetwork}), one lock file reached over a path per server ({@link SimLock}), a gateway path per server,
 * in-memory stores ({@link SimStore}) and a client that writes to whichever server accepts it. A seeded
 * {@link #randomStep} injects the faults: kill and restart, pause of a whole server for any length, partitions of
 * the peer link and of each server's path to the gateway and to the lock, loss of the lock of a holder cut off from
 * it (its lease runs out at the file server), frame delay, and late, doubled frames of ended connections; and it
 * interleaves the servers' threads (controller, replica writer) and frame deliveries in random order.
 *
 * <p>{@link #checkInvariants} states what must hold after every step; {@link #healAndConverge} what must hold
 * once every fault is gone.
 */
final class PairWorld implements SimNetwork.Env {
    /**
     * Short intervals so a schedule covers many failovers: R 2 s, P 5 s, max wait 6 s, T 0.5 s, and a ping of 1 s
     * (a peer is declared lost after 3 s, beyond the serving lease R + T) or of 0.4 s (lost after 1.2 s, well within
     * it: a takeover then races the old holder's lease).
     */
    static final List<HaTimings> TIMINGS = List.of(
            new HaTimings(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(6),
                    Duration.ofMillis(500)),
            new HaTimings(Duration.ofMillis(400), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(6),
                    Duration.ofMillis(500)));
    /** How long after every fault healed the pair must be ACTIVE/PASSIVE with identical stores. */
    static final Duration CONVERGENCE_BOUND = Duration.ofSeconds(60);
    private static final Instant ORIGIN = Instant.parse("2026-01-01T00:00:00Z");

    private record Acked(long sequence, long id, long epoch) {
    }

    private final Random random;
    private final HaTimings timings;
    private final boolean localLock;
    private final long lockLeaseNanos;
    private final HaController.TakeoverRule takeoverRule;
    private final InMemoryLockFile lockFile = new InMemoryLockFile("sim.lck");
    private final SimNetwork network;
    private final SharedSimStore sharedStore;
    private final SimNode[] nodes = new SimNode[2];
    private final boolean[] lockCut = new boolean[2];
    private final long[] lockCutSince = new long[2];
    private final boolean[] gatewayCut = new boolean[2];
    /** Shared pair: a whole host frozen until then (a VM pause: its kernel stops renewing the storage lease too). */
    private final long[] hostFrozenUntil = {Long.MIN_VALUE, Long.MIN_VALUE};
    private final long[] highestEpoch = new long[2];
    private final List<Acked> acked = new ArrayList<>();
    private final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return ORIGIN.plusNanos(now);
        }
    };
    private long now;
    private long nextId = 1;
    private long maxEpochServed;
    private int failovers;
    private int convergences;
    private final java.util.Set<String> statesSeen = new java.util.TreeSet<>();

    PairWorld(long seed, HaController.TakeoverRule takeoverRule) {
        this(seed, takeoverRule, null);
    }

    /** A shared pair over one store, fenced or (the planted bug) not. */
    static PairWorld shared(long seed, boolean fenced) {
        return new PairWorld(seed, TakeoverProof::find, new SharedSimStore(fenced));
    }

    private PairWorld(long seed, HaController.TakeoverRule takeoverRule, SharedSimStore sharedStore) {
        this.sharedStore = sharedStore;
        this.random = new Random(seed);
        this.takeoverRule = takeoverRule;
        long[] leases = {500_000_000L, 3_000_000_000L, 8_000_000_000L};
        this.lockLeaseNanos = leases[random.nextInt(leases.length)];
        this.timings = TIMINGS.get(random.nextInt(TIMINGS.size()));
        // a third of the seeds: the lock file on a local disk (the shipped pair), with no lease and no path to cut
        this.localLock = random.nextInt(3) == 0;
        this.network = new SimNetwork(this, random);
        nodes[0] = new SimNode(this, 0);
        nodes[1] = new SimNode(this, 1);
    }

    PairWorld(long seed) {
        this(seed, TakeoverProof::find);
    }

    // ------------------------------------------------------------------------------------- what the parts use

    boolean shared() {
        return sharedStore != null;
    }

    /** The store of server {@code index}: its own, or its handle on the shared one (cut with its lock path). */
    SimNodeStore newStore(int index) {
        return sharedStore == null ? new SimStore() : sharedStore.handle(() -> lockCut[index]);
    }

    SharedSimStore sharedStore() {
        return sharedStore;
    }

    /** How long a broker restore takes: mostly short, sometimes longer than a serving lease (a large store). */
    long restoreNanos() {
        return random.nextInt(4) == 0 ? 1_000_000L * (1 + random.nextInt(3_000)) : 1_000_000L * (1 + random.nextInt(50));
    }

    @Override
    public long now() {
        return now;
    }

    @Override
    public boolean running(int node) {
        return nodes[node].running();
    }

    @Override
    public long pingNanos() {
        return timings.pingInterval().toNanos();
    }

    HaTimings timings() {
        return timings;
    }

    Clock clock() {
        return clock;
    }

    InMemoryLockFile lockFile() {
        return lockFile;
    }

    SimNetwork network() {
        return network;
    }

    long lockLeaseNanos() {
        return lockLeaseNanos;
    }

    boolean localLock() {
        return localLock;
    }

    boolean lockCut(int node) {
        return lockCut[node];
    }

    boolean gatewayCut(int node) {
        return gatewayCut[node];
    }

    HaController.TakeoverRule takeoverRule() {
        return takeoverRule;
    }

    SimNode node(int i) {
        return nodes[i];
    }

    // ------------------------------------------------------------------------------------- running

    void startBoth() {
        SimLog.begin(this);
        for (SimNode n : nodes) {
            SimLog.node(n.name);
            n.start();
        }
        SimLog.node("-");
        settle(50);
    }

    /** Moves time on by {@code nanos}: the file server's leases, the network's heartbeats and connects. */
    void advance(long nanos) {
        now += nanos;
        for (int k = 0; k < 2; k++) {
            if (hostFrozenUntil[k] != Long.MIN_VALUE && now >= hostFrozenUntil[k]) {
                hostFrozenUntil[k] = Long.MIN_VALUE;
                if (lockCut[k]) {
                    toggleLockCut(k); // the host runs again: its storage client reconnects
                }
            }
        }
        Optional<LockHolder> holder = lockFile.currentHolder();
        if (holder.isPresent()) {
            int k = holder.get().owner().server().equals(nodes[0].name) ? 0 : 1;
            SimNode n = nodes[k];
            boolean sameProcess = n.alive() && n.pid() == holder.get().owner().pid();
            if (lockCut[k] && now - lockCutSince[k] > lockLeaseNanos) {
                lockFile.revoke(); // the lease ran out while the holder's client could not renew it
            } else if (!sameProcess && !lockCut[k]) {
                lockFile.revoke(); // the holder's process ended: its lock ends with it
            }
        }
        network.advance();
    }

    /**
     * Runs the servers' threads and the network in a random interleaving until nothing is left to do now (at most
     * {@code rounds} rounds).
     */
    void settle(int rounds) {
        for (int r = 0; r < rounds; r++) {
            boolean progress = false;
            int first = random.nextInt(2);
            for (int i = 0; i < 2; i++) {
                SimNode n = nodes[(first + i) % 2];
                if (!n.running()) {
                    continue;
                }
                SimLog.node(n.name);
                if (!n.inbox.isEmpty() && random.nextBoolean()) {
                    // a shared server that woke up: its client connections race its controller
                    write(n, n.inbox.poll());
                    progress = true;
                }
                switch (random.nextInt(3)) {
                    case 0 -> {
                        progress |= n.executor.runReady(1 + random.nextInt(8)) > 0;
                        progress |= n.store.applyReplica();
                    }
                    case 1 -> {
                        progress |= n.store.applyReplica();
                        progress |= n.executor.runReady(1 + random.nextInt(8)) > 0;
                    }
                    default -> progress |= network.deliver(n.index, 1 + random.nextInt(6)) > 0;
                }
                if (!n.inbox.isEmpty() && random.nextBoolean()) {
                    write(n, n.inbox.poll());
                    progress = true;
                }
                progress |= network.deliver(n.index, 1) > 0;
            }
            SimLog.node("-");
            network.advance();
            if (!progress && !busy()) {
                break;
            }
        }
        SimLog.node("-");
    }

    private boolean busy() {
        for (SimNode n : nodes) {
            if (n.running() && (n.executor.hasReady() || n.store.replicaBusy() || !n.inbox.isEmpty())) {
                return true;
            }
        }
        return network.hasDeliverable();
    }

    /** Ticks and settles for {@code nanos}. */
    void runFor(long nanos) {
        long until = now + nanos;
        while (now < until) {
            advance(Math.min(until - now, 50_000_000L + random.nextInt(150) * 1_000_000L));
            settle(40);
            checkInvariants();
        }
    }

    /**
     * A client sends one change to the server that accepts clients, if any. In a shared pair it may also reach a
     * server that is paused while serving (its socket takes it; the process handles it when it runs again).
     */
    void clientWrite() {
        if (shared()) {
            int first = random.nextInt(2);
            for (int i = 0; i < 2; i++) {
                SimNode n = nodes[(first + i) % 2];
                if (n.running() && n.serving()) {
                    write(n, nextId++);
                    return;
                }
                if (n.paused() && n.serving()) {
                    n.inbox.add(nextId++);
                    return;
                }
            }
            return;
        }
        for (SimNode n : nodes) {
            if (n.running() && n.serving()) {
                long id = nextId++;
                long epoch = n.store.epoch();
                n.store.clientAppend(id).whenComplete((seq, e) -> {
                    if (e == null) {
                        acked.add(new Acked(seq, id, epoch));
                    }
                });
                return;
            }
        }
    }

    private void write(SimNode n, long id) {
        long epoch = n.store.epoch();
        n.store.clientAppend(id).whenComplete((seq, e) -> {
            if (e == null) {
                acked.add(new Acked(seq, id, epoch));
            }
        });
    }

    private void toggleLockCut(int k) {
        lockCut[k] = !lockCut[k];
        if (lockCut[k]) {
            lockCutSince[k] = now;
        } else if (nodes[k].alive()) {
            nodes[k].lock.pathRestored();
        }
    }

    void kill(SimNode n) {
        if (n.alive()) {
            n.kill();
        }
    }

    void restart(SimNode n) {
        if (!n.alive()) {
            SimLog.node(n.name);
            n.start();
            SimLog.node("-");
        }
    }

    /** A graceful stop (shutdown-fmq.sh): the controller gives everything up on its thread, then the process ends. */
    void shutdown(SimNode n) {
        if (!n.running()) {
            return;
        }
        SimLog.node(n.name);
        n.controller.closeAsync();
        n.executor.runReady(1000);
        SimLog.node("-");
        n.kill();
    }

    /** One random step of a schedule. */
    void randomStep() {
        int roll = random.nextInt(100);
        SimNode n = nodes[random.nextInt(2)];
        if (roll < 30) {
            advance(1_000_000L + random.nextInt(300) * 1_000_000L);
        } else if (roll < 45) {
            SimLog.node(n.name);
            network.deliver(n.index, 1 + random.nextInt(4));
            SimLog.node("-");
        } else if (roll < 62) {
            clientWrite();
        } else if (roll < 66) {
            network.cut(!network.cut());
        } else if (roll < 70) {
            gatewayCut[n.index] = !gatewayCut[n.index];
        } else if (roll < 74) {
            if (!localLock) {
                toggleLockCut(n.index);
            }
        } else if (roll < 77) {
            kill(n);
        } else if (roll < 81) {
            restart(n);
        } else if (roll < 84) {
            if (n.running()) {
                // a GC stall or SIGSTOP of any length, from a moment to far beyond every timeout
                long[] lengths = {50_000_000L, 700_000_000L, 2_500_000_000L, 6_000_000_000L, 30_000_000_000L};
                long until = now + (long) (random.nextDouble() * lengths[random.nextInt(lengths.length)]);
                n.pauseUntil(until);
                if (shared() && !localLock && random.nextInt(3) == 0) {
                    // the whole host stops: nothing renews its storage lease, which may run out and be taken
                    hostFrozenUntil[n.index] = until;
                    if (!lockCut[n.index]) {
                        toggleLockCut(n.index);
                    }
                }
            }
        } else if (roll < 86) {
            long[] delays = {1_000_000L, 20_000_000L, 300_000_000L, 2_500_000_000L};
            network.maxDelay(delays[random.nextInt(delays.length)]);
        } else if (roll < 89) {
            network.replayStale();
        } else if (roll < 90) {
            if (n.running()) {
                n.controller.switchoverAsync();
            }
        } else if (roll < 91) {
            shutdown(n);
        } else if (roll < 99) {
            // quiet stretches let the pair settle, so later faults hit every state
            runFor((1 + random.nextInt(8)) * 500_000_000L);
        } else {
            healAndConverge();
        }
        settle(1 + random.nextInt(20));
        track();
    }

    private void track() {
        for (SimNode n : nodes) {
            if (n.alive()) {
                statesSeen.add(n.name + ":" + n.state());
            }
        }
    }

    /**
     * Ends every fault (restart the dead, resume the paused, heal every path, normal delays) and requires the pair
     * to be ACTIVE/PASSIVE with byte-identical stores within {@link #CONVERGENCE_BOUND}.
     */
    void healAndConverge() {
        network.cut(false);
        network.maxDelay(20_000_000L);
        for (SimNode n : nodes) {
            gatewayCut[n.index] = false;
            hostFrozenUntil[n.index] = Long.MIN_VALUE;
            if (lockCut[n.index]) {
                toggleLockCut(n.index);
            }
            n.resume();
            restart(n);
        }
        long deadline = now + CONVERGENCE_BOUND.toNanos();
        while (now < deadline) {
            advance(100_000_000L);
            settle(60);
            checkInvariants();
            if (converged()) {
                convergences++;
                return;
            }
        }
        throw new AssertionError("the pair did not reach ACTIVE/PASSIVE with identical stores within " + CONVERGENCE_BOUND
                + " after every fault healed: " + describe());
    }

    private boolean converged() {
        if (shared()) {
            SimNode a = nodes[0].state() == HaState.ACTIVE ? nodes[0] : nodes[1].state() == HaState.ACTIVE ? nodes[1] : null;
            return a != null && nodes[1 - a.index].state() == HaState.PASSIVE && !busy() && a.accepting()
                    && a.store.epoch() == sharedStore.sharedEpoch();
        }
        SimNode a = nodes[0].state() == HaState.ACTIVE ? nodes[0] : nodes[1].state() == HaState.ACTIVE ? nodes[1] : null;
        if (a == null) {
            return false;
        }
        SimNode p = nodes[1 - a.index];
        return p.state() == HaState.PASSIVE && !busy() && a.store.epoch() == p.store.epoch()
                && Arrays.equals(a.store.bytes(), p.store.bytes());
    }

    // ------------------------------------------------------------------------------------- invariants

    /** Throws AssertionError naming the first broken invariant. */
    void checkInvariants() {
        SimNode acceptor = null;
        for (SimNode n : nodes) {
            if (n.fatal() != null) {
                throw new AssertionError(n.name + " stopped itself: " + n.fatal());
            }
            long epoch = n.store.epoch();
            if (epoch < highestEpoch[n.index]) {
                throw new AssertionError(n.name + "'s store epoch went down from " + highestEpoch[n.index] + " to " + epoch);
            }
            highestEpoch[n.index] = epoch;
            if (n.accepting()) {
                if (acceptor != null) {
                    throw new AssertionError("both servers accept clients (each within its own serving lease): " + describe());
                }
                acceptor = n;
            }
        }
        if (shared()) {
            long[] stale = sharedStore.staleRecordReadBack();
            if (stale != null) {
                throw new AssertionError("a record written by a stale writer (epoch " + stale[1] + ", id " + stale[2]
                        + ", after a newer epoch fenced it off) is read back at sequence " + stale[0] + ": " + describe());
            }
        }
        if (acceptor != null) {
            if (acceptor.store.epoch() < maxEpochServed) {
                throw new AssertionError(acceptor.name + " accepts clients in epoch " + acceptor.store.epoch() + " after epoch "
                        + maxEpochServed + " was served");
            }
            maxEpochServed = acceptor.store.epoch();
            for (Acked a : acked) {
                if (!acceptor.store.holds(a.sequence, a.id)) {
                    throw new AssertionError(acceptor.name + " accepts clients without acknowledged record " + a.id + " (sequence "
                            + a.sequence + ", epoch " + a.epoch + "); its store ends at " + acceptor.store.position() + ": " + describe());
                }
            }
        }
    }

    int acknowledged() {
        return acked.size();
    }

    /** Whether the store of {@code n} holds every acknowledged record. */
    boolean holdsEveryAcknowledged(SimNode n) {
        return acked.stream().allMatch(a -> n.store.holds(a.sequence, a.id));
    }

    void partitionPeerLink(boolean cut) {
        network.cut(cut);
    }

    void cutGateway(SimNode n, boolean cut) {
        gatewayCut[n.index] = cut;
    }

    /** Cuts or restores the path of {@code n} to the lock (and, in a shared pair, to the store on the same storage). */
    void cutLockPath(SimNode n, boolean cut) {
        if (lockCut[n.index] != cut) {
            toggleLockCut(n.index);
        }
    }

    /** Shared pair: a client change reaches paused {@code n}, which takes it when it runs again. */
    void sendWhilePaused(SimNode n) {
        n.inbox.add(nextId++);
    }

    /** Resumes paused {@code n} and lets it handle what its clients sent first, before its controller runs. */
    void resumeHandlingClientsFirst(SimNode n) {
        n.resume();
        while (!n.inbox.isEmpty()) {
            write(n, n.inbox.poll());
        }
    }

    int staleWrites() {
        return sharedStore == null ? 0 : sharedStore.staleWrites();
    }

    int convergences() {
        return convergences;
    }

    long maxEpoch() {
        return Math.max(highestEpoch[0], highestEpoch[1]);
    }

    java.util.Set<String> statesSeen() {
        return statesSeen;
    }

    String describe() {
        return String.format((shared() ? "shared, " + sharedStore.staleWrites() + " stale writes, " : "") + "t=%d ms, ping %d ms, link %s%s, lock %s (%s, lease %d ms, cut %s/%s), gateway cut %s/%s, %s, %s", now / 1_000_000, timings.pingInterval().toMillis(),
                network.linkUp() ? "up" : "down", network.cut() ? " (partitioned)" : "",
                lockFile.currentHolder().map(LockHolder::toString).orElse("free"), localLock ? "local disk" : "network",
                lockLeaseNanos / 1_000_000,
                lockCut[0], lockCut[1], gatewayCut[0], gatewayCut[1], nodes[0], nodes[1]);
    }
}
