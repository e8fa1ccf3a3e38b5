package io.fmq.ha.state;

/**
 * What this server knows of the lock.
 *
 * @param held              this server holds the lock, as of its last check
 * @param epoch             the highest epoch recorded in the lock (by whoever acquired it last)
 * @param releasedCleanly   only read with {@link HaEvent#LOCK_ACQUIRED}: it is proven that the lock's
 *                          previous holder no longer serves (a release record or goodbye for the epoch
 *                          taken over, or a lock that cannot be lost by a living holder; see the safety
 *                          argument of {@link HaStateMachine}). When in doubt pass {@code false}: the new
 *                          holder then waits {@link HaTimings#takeoverDelayNanos()} before serving.
 */
public record LockView(boolean held, long epoch, boolean releasedCleanly) {

    public static LockView notHeld(long epoch) {
        return new LockView(false, epoch, false);
    }
}
