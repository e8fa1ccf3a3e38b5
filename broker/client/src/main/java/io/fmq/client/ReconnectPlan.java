package io.fmq.client;

import java.time.Duration;
import java.util.List;

/**
 * How a durable connection looks for a server after it lost one: which server to try next, how long to wait
 * before the attempt, and when to give up. Pure functions of their arguments (no clock, no I/O), so the
 * choice is unit-tested; the connection schedules the attempts on its event loop.
 *
 * <p>Attempt {@code n} (0-based, counted from the loss) goes to the server after the one that was lost,
 * then round the list: {@code (lost + 1 + n) mod size}. Only the active server of an HA pair accepts clients,
 * so after a failover the other server is the likely one, and the lost one comes next in case it restarted.
 * The attempts go in rounds of one per server, one right after the other; the first round starts at once and
 * round {@code r} (r &ge; 1) {@code initial * 2^(r-1)} after the one before, capped at {@code max}. (A wait between
 * every two attempts would make a pair's new active server wait twice the backoff for its turn.) The whole search
 * is bounded by {@code timeout}, measured from the loss.
 */
record ReconnectPlan(Duration initialBackoff, Duration maxBackoff, Duration timeout) {
    static final ReconnectPlan DEFAULT = new ReconnectPlan(Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofMinutes(5));

    ReconnectPlan {
        if (initialBackoff.isNegative() || initialBackoff.isZero() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("the reconnect backoff needs 0 < initial <= max (got " + initialBackoff + ", "
                    + maxBackoff + ")");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the reconnect timeout must be positive (got " + timeout + ")");
        }
    }

    /** The index of the server for attempt {@code attempt}, after losing the server at {@code lostIndex}. */
    static int serverFor(int attempt, int lostIndex, int serverCount) {
        if (serverCount < 1 || attempt < 0) {
            throw new IllegalArgumentException("need at least one server and a non-negative attempt");
        }
        return (int) ((Math.floorMod(lostIndex, serverCount) + 1L + attempt) % serverCount);
    }

    /** The wait before attempt {@code attempt} with a single server, in ms. */
    long delayMillis(int attempt) {
        return delayMillis(attempt, 1);
    }

    /** The wait before attempt {@code attempt} among {@code serverCount} servers, in ms: zero within a round. */
    long delayMillis(int attempt, int serverCount) {
        if (serverCount < 1) {
            throw new IllegalArgumentException("need at least one server");
        }
        if (attempt <= 0 || attempt % serverCount != 0) {
            return 0;
        }
        int round = attempt / serverCount;
        long initial = initialBackoff.toMillis();
        long max = maxBackoff.toMillis();
        int shift = Math.min(round - 1, 30);
        long delay = initial << shift;
        return delay <= 0 || delay > max ? max : delay;
    }

    /** What is left of the timeout after {@code elapsedNanos} since the loss, in ms (0 or less: give up). */
    long remainingMillis(long elapsedNanos) {
        return (timeout.toNanos() - elapsedNanos) / 1_000_000L;
    }

    /** The order of the first attempt round, for messages: each server once. */
    static <T> List<T> round(List<T> servers, int lostIndex) {
        java.util.ArrayList<T> order = new java.util.ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            order.add(servers.get(serverFor(i, lostIndex, servers.size())));
        }
        return order;
    }
}
