package io.fmq.ha.sim;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.fmq.ha.state.HaStateMachine;
import io.fmq.ha.state.HaTimings;

/**
 * A primary and a secondary driven by {@link HaStateMachine}, with a manual ticker, an in-memory
 * HA link that can be partitioned (FIFO per direction; messages in flight are lost when it
 * breaks), an in-memory lock with leases, per-node gateway reachability, kills, restarts and
 * stalls, and clients writing to whichever node accepts them. {@link #checkInvariants()} states
 * what must hold after every step.
 */
final class PairSimulation {

    /** Short intervals so a schedule covers many failovers: tick 0.5 s, R 2 s, P 5 s, max wait 6 s, T 0.5 s. */
    static final HaTimings TIMINGS = new HaTimings(Duration.ofSeconds(1), Duration.ofSeconds(2),
            Duration.ofSeconds(5), Duration.ofSeconds(6), Duration.ofMillis(500));
    private static final long NONE = Long.MIN_VALUE;

    private final ManualTicker ticker = new ManualTicker();
    private final SimLock lock;
    final SimNode primary;
    final SimNode secondary;
    private final Map<SimNode, Deque<SimMessage>> inFlightFrom = new HashMap<>();
    private final Map<SimNode, Long> gatewayDownSince = new HashMap<>();
    private final Map<SimNode, Long> lastEpoch = new HashMap<>();
    private final List<StoredRecord> acknowledged = new ArrayList<>();
    private boolean partitioned;
    private boolean linkUp;
    private long maxEpochIssued;
    private long nextRecordId = 1;
    private long nextSession = 1;

    PairSimulation(Duration lockLease) {
        lock = new SimLock(lockLease.toNanos());
        primary = new SimNode("primary", this, new HaStateMachine(TIMINGS, true));
        secondary = new SimNode("secondary", this, new HaStateMachine(TIMINGS, false));
        for (SimNode node : List.of(primary, secondary)) {
            inFlightFrom.put(node, new ArrayDeque<>());
            gatewayDownSince.put(node, NONE);
            lastEpoch.put(node, 0L);
        }
    }

    // ---- what the nodes use ------------------------------------------------------------------

    long now() {
        return ticker.nanos();
    }

    SimLock lock() {
        return lock;
    }

    boolean gatewayUp(SimNode node) {
        return gatewayDownSince.get(node) == NONE;
    }

    void send(SimNode from, SimMessage message) {
        if (linkUp) {
            inFlightFrom.get(from).add(message);
        }
    }

    void acknowledged(StoredRecord record) {
        acknowledged.add(record);
    }

    void epochIssued(long epoch) {
        maxEpochIssued = Math.max(maxEpochIssued, epoch);
    }

    long nextRecordId() {
        return nextRecordId++;
    }

    long nextSession() {
        return nextSession++;
    }

    SimNode peerOf(SimNode node) {
        return node == primary ? secondary : primary;
    }

    // ---- what a schedule does ----------------------------------------------------------------

    void startBoth() {
        primary.start();
        secondary.start();
        updateLink();
    }

    /** Moves time one tick on: leases run out, stalls end, links follow, running nodes tick. */
    void tick() {
        ticker.advanceNanos(TIMINGS.tickIntervalNanos());
        lock.expireLease(now(), lock.holder() == null ? NONE : gatewayDownSince.get(lock.holder()));
        for (SimNode node : List.of(primary, secondary)) {
            node.resumeIfDue();
        }
        updateLink();
        for (SimNode node : List.of(primary, secondary)) {
            if (node.running()) {
                node.tick();
            }
        }
    }

    /** Delivers up to {@code count} messages sent by {@code from}, unless the receiver is stalled. */
    void deliver(SimNode from, int count) {
        SimNode to = peerOf(from);
        Deque<SimMessage> queue = inFlightFrom.get(from);
        for (int i = 0; i < count && linkUp && to.running() && !queue.isEmpty(); i++) {
            to.receive(queue.poll());
        }
    }

    void deliverAll() {
        for (int round = 0; round < 1000 && (hasDeliverable(primary) || hasDeliverable(secondary)); round++) {
            deliver(primary, 1);
            deliver(secondary, 1);
            pump();
        }
    }

    void pump() {
        primary.pump();
        secondary.pump();
    }

    /** Ticks and delivers everything in between for {@code duration}. */
    void runFor(Duration duration) {
        long until = now() + duration.toNanos();
        while (now() < until) {
            tick();
            deliverAll();
        }
    }

    /** A client writes one record to the node that accepts clients, if any; returns whether one did. */
    boolean clientWrite() {
        for (SimNode node : List.of(primary, secondary)) {
            if (node.running() && node.acceptsClients()) {
                node.clientWrite();
                return true;
            }
        }
        return false;
    }

    void partition() {
        partitioned = true;
        updateLink();
    }

    void heal() {
        partitioned = false;
        updateLink();
    }

    void gatewayDown(SimNode node) {
        if (gatewayUp(node)) {
            gatewayDownSince.put(node, now());
        }
    }

    void gatewayUp(SimNode node, boolean up) {
        if (up) {
            gatewayDownSince.put(node, NONE);
        } else {
            gatewayDown(node);
        }
    }

    void kill(SimNode node) {
        if (node.alive()) {
            node.kill();
            updateLink();
        }
    }

    void restart(SimNode node) {
        if (!node.alive()) {
            node.start();
            updateLink();
        }
    }

    void pause(SimNode node, int ticks) {
        if (node.running()) {
            node.pause(now() + ticks * TIMINGS.tickIntervalNanos());
        }
    }

    /**
     * The link is up while both nodes are alive, not stalled, and not partitioned. A stall breaks
     * the link at once (standing in for the peer's heartbeat timeout); the stalled node hears of it
     * when it resumes.
     */
    private void updateLink() {
        boolean up = !partitioned && reachable(primary) && reachable(secondary);
        if (up == linkUp) {
            return;
        }
        linkUp = up;
        inFlightFrom.values().forEach(Deque::clear);
        primary.linkChanged(up);
        secondary.linkChanged(up);
    }

    private boolean reachable(SimNode node) {
        return node.alive() && !node.paused();
    }

    private boolean hasDeliverable(SimNode from) {
        return linkUp && peerOf(from).running() && !inFlightFrom.get(from).isEmpty();
    }

    // ---- invariants --------------------------------------------------------------------------

    /** Throws AssertionError describing the first broken invariant. */
    void checkInvariants() {
        List<SimNode> serving = new ArrayList<>();
        for (SimNode node : List.of(primary, secondary)) {
            if (node.epoch() < lastEpoch.get(node)) {
                throw new AssertionError(node.name() + "'s epoch went down from " + lastEpoch.get(node) + " to " + node.epoch());
            }
            lastEpoch.put(node, node.epoch());
            if (node.acceptsClients()) {
                serving.add(node);
            }
        }
        if (serving.size() > 1) {
            throw new AssertionError("both nodes accept clients: " + describe());
        }
        for (SimNode node : serving) {
            if (node.epoch() != maxEpochIssued) {
                throw new AssertionError(node.name() + " serves in epoch " + node.epoch()
                        + " but epoch " + maxEpochIssued + " was issued");
            }
            List<StoredRecord> store = node.store();
            for (StoredRecord record : acknowledged) {
                int index = (int) record.sequence() - 1;
                if (index >= store.size() || store.get(index).id() != record.id()) {
                    throw new AssertionError(node.name() + " serves without acknowledged record " + record
                            + "; its store ends at " + node.position());
                }
            }
        }
    }

    int acknowledgedCount() {
        return acknowledged.size();
    }

    long maxEpochIssued() {
        return maxEpochIssued;
    }

    String describe() {
        return String.format("t=%dms link=%s partitioned=%s lockHolder=%s lockEpoch=%d | %s %s alive=%s epoch=%d pos=%s gw=%s"
                        + " | %s %s alive=%s epoch=%d pos=%s gw=%s", now() / 1_000_000, linkUp, partitioned,
                lock.holder() == null ? "-" : lock.holder().name(), lock.epoch(),
                primary.name(), primary.state(), primary.alive(), primary.epoch(), primary.position(), gatewayUp(primary),
                secondary.name(), secondary.state(), secondary.alive(), secondary.epoch(), secondary.position(),
                gatewayUp(secondary));
    }

    List<String> logs() {
        List<String> all = new ArrayList<>(primary.log());
        all.addAll(secondary.log());
        all.sort((a, b) -> Long.compare(Long.parseLong(a.substring(0, a.indexOf("ms"))),
                Long.parseLong(b.substring(0, b.indexOf("ms")))));
        return all;
    }

    /** One random step of a schedule. */
    void randomStep(Random random) {
        int roll = random.nextInt(100);
        SimNode node = random.nextBoolean() ? primary : secondary;
        if (roll < 35) {
            tick();
        } else if (roll < 60) {
            deliver(node, 1 + random.nextInt(4));
        } else if (roll < 78) {
            clientWrite();
        } else if (roll < 82) {
            if (partitioned) {
                heal();
            } else {
                partition();
            }
        } else if (roll < 87) {
            gatewayUp(node, !gatewayUp(node));
        } else if (roll < 90) {
            kill(node);
        } else if (roll < 95) {
            restart(node);
        } else if (roll < 97) {
            pause(node, 2 + random.nextInt(10));
        } else {
            // Quiet stretches let the pair settle, so later faults hit every state.
            for (int i = 0; i < 4 + random.nextInt(12); i++) {
                tick();
                deliverAll();
            }
        }
        pump();
    }
}
