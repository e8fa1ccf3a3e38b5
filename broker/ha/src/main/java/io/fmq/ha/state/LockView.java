package io.fmq.ha.state;

/**
 * What this server knows of the lock.
 *
 * @param held              this server holds the lock, as of its last check
 * @param epoch             the highest epoch recorded in the lock (by whoever acquired it last)
 * @param releasedCleanly   only read with {@link HaEvent#LOCK_ACQUIRED}: the lock's previous holder
 *                          released it on purpose after it had stopped serving (or nobody ever held
 *                          it). When in doubt pass {@code false}: the new holder then waits
 *                          {@link HaTimings#takeoverDelayNanos()} before serving.
 */
public record LockView(boolean held, long epoch, boolean releasedCleanly) {

    public static LockView notHeld(long epoch) {
        return new LockView(false, epoch, false);
    }
}
