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
 * @param provenAt          read with {@link HaEvent#LOCK_ACQUIRED} and {@link HaEvent#LOCK_VERIFIED}: the ticker's
 *                          time when the check that proved lock and gateway began ({@link HaStatus#NONE}: the event's
 *                          own time). A serving lease counts from the proof, never from when its event is handled: a
 *                          process frozen between the check and its event must not stretch its lease by the freeze.
 */
public record LockView(boolean held, long epoch, boolean releasedCleanly, long provenAt) {

    public LockView(boolean held, long epoch, boolean releasedCleanly) {
        this(held, epoch, releasedCleanly, HaStatus.NONE);
    }

    public static LockView notHeld(long epoch) {
        return new LockView(false, epoch, false);
    }

    /** The same view, proven by a check that began at {@code at}. */
    public LockView provenAt(long at) {
        return new LockView(held, epoch, releasedCleanly, at);
    }

    /** When the proof this event carries was taken: {@link #provenAt()}, or {@code now} when it is not known. */
    long proofTime(long now) {
        return provenAt == HaStatus.NONE || provenAt - now > 0 ? now : provenAt;
    }
}
