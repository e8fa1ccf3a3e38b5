package io.fmq.ha.sim;

/**
 * An in-memory lock file with lease semantics: one holder at a time; a holder cut off from the
 * gateway keeps the lock only for {@code leaseNanos} (then anyone may take it, and the holder
 * finds out at its next check); a killed holder's lock is free at once. The lock remembers the
 * highest epoch written to it and whether its last holder let it go on purpose.
 */
final class SimLock {

    private final long leaseNanos;
    private SimNode holder;
    private long epoch;
    private boolean releasedCleanly = true;

    SimLock(long leaseNanos) {
        this.leaseNanos = leaseNanos;
    }

    /** The outcome of an attempt: acquired, and whether the previous holder released on purpose. */
    record Attempt(boolean acquired, boolean cleanHandover, long epoch) {
    }

    Attempt tryAcquire(SimNode node) {
        if (holder == node) {
            return new Attempt(true, true, epoch);
        }
        if (holder != null) {
            return new Attempt(false, false, epoch);
        }
        holder = node;
        return new Attempt(true, releasedCleanly, epoch);
    }

    boolean isHeldBy(SimNode node) {
        return holder == node;
    }

    /** A release needs the lock's storage: a holder cut off from the gateway cannot release. */
    void release(SimNode node, boolean gatewayReachable) {
        if (holder == node && gatewayReachable) {
            holder = null;
            releasedCleanly = true;
        }
    }

    /** Writes a new epoch; fails (as the real write would) if {@code node} no longer holds the lock. */
    boolean recordEpoch(SimNode node, long newEpoch) {
        if (holder != node) {
            return false;
        }
        if (newEpoch <= epoch) {
            throw new AssertionError("epoch " + newEpoch + " written over " + epoch + " by " + node.name());
        }
        epoch = newEpoch;
        return true;
    }

    long epoch() {
        return epoch;
    }

    void holderKilled(SimNode node) {
        if (holder == node) {
            holder = null;
            releasedCleanly = false;
        }
    }

    /** Called as time passes: the lease of a holder cut off since {@code cutOffSince} runs out. */
    void expireLease(long now, long cutOffSince) {
        if (holder != null && cutOffSince != Long.MIN_VALUE && now - cutOffSince >= leaseNanos) {
            holder = null;
            releasedCleanly = false;
        }
    }

    SimNode holder() {
        return holder;
    }
}
