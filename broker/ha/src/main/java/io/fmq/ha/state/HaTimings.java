package io.fmq.ha.state;

import java.time.Duration;
import java.util.Objects;

/**
 * The HA intervals the state machine works with, and the bounds derived from them.
 *
 * @param pingInterval                    heartbeat period on the HA link; the controller ticks the
 *                                        machine every half of it
 * @param activeLockReAcquisitionInterval how often a lock holder proves it still holds the lock
 * @param passiveLockAcquisitionInterval  how long a passive keeps trying for the lock after losing
 *                                        its active peer; also how long a waiting server waits for
 *                                        its peer before going for the lock alone
 * @param maxWaitTimeout                  the longest a synchronisation may go without progress
 * @param socketCreationTimeout           the longest one lock-and-gateway check may take
 */
public record HaTimings(
        Duration pingInterval,
        Duration activeLockReAcquisitionInterval,
        Duration passiveLockAcquisitionInterval,
        Duration maxWaitTimeout,
        Duration socketCreationTimeout) {

    /**
     * Checks only that every interval is positive. The rule passiveLockAcquisitionInterval &gt;
     * 2 x activeLockReAcquisitionInterval belongs to the configuration check (the guide's own
     * defaults, 60 s and 30 s, sit exactly on its edge); safety here does not depend on it.
     */
    public HaTimings {
        requirePositive("pingInterval", pingInterval);
        requirePositive("activeLockReAcquisitionInterval", activeLockReAcquisitionInterval);
        requirePositive("passiveLockAcquisitionInterval", passiveLockAcquisitionInterval);
        requirePositive("maxWaitTimeout", maxWaitTimeout);
        requirePositive("socketCreationTimeout", socketCreationTimeout);
    }

    /** The guide's defaults: ping 30 s, active 30 s, passive 60 s, max wait 30 s, socket 10 s. */
    public static HaTimings defaults() {
        return new HaTimings(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(60),
                Duration.ofSeconds(30), Duration.ofSeconds(10));
    }

    /** How often the controller delivers {@link HaEvent#TICK}: half the ping interval. */
    public long tickIntervalNanos() {
        return pingInterval.toNanos() / 2;
    }

    /** A gap between two ticks longer than this means the process was stalled (e.g. by GC). */
    public long pauseThresholdNanos() {
        return 3 * tickIntervalNanos();
    }

    /**
     * How long after its last successful lock check a server may still serve clients:
     * one re-acquisition interval plus one check. The next check is due after the interval and
     * must have answered by then.
     */
    public long servingLeaseNanos() {
        return activeLockReAcquisitionInterval.toNanos() + socketCreationTimeout.toNanos();
    }

    /**
     * How long a new lock holder waits before serving when the previous holder did not release
     * the lock on purpose. A previous holder checked the lock at most one check-duration before it
     * lost it, so its serving lease ends less than {@code servingLease + socketCreationTimeout}
     * after the loss, and the loss precedes our acquisition.
     */
    public long takeoverDelayNanos() {
        return servingLeaseNanos() + socketCreationTimeout.toNanos();
    }

    private static void requirePositive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }
}
