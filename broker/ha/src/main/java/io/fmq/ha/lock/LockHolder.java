package io.fmq.ha.lock;

import java.time.Instant;
import java.util.Objects;

/**
 * One acquisition of the lock: who took it, for which epoch, and when (wall-clock time, for
 * display only; no decision depends on it).
 *
 * @param acceptorStoppedAt null while the acquisition lasts (or when its holder crashed or lost the
 *                          lock); set when the holder gave the lock up on purpose after it had stopped
 *                          serving clients in {@code epoch} — the time is wall-clock, for display. A
 *                          released record is the holder's statement that its serving lease for that
 *                          epoch is over, so the next holder need not wait it out.
 */
public record LockHolder(LockOwner owner, long epoch, Instant acquiredAt, Instant acceptorStoppedAt) {

    public LockHolder {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(acquiredAt, "acquiredAt");
    }

    public LockHolder(LockOwner owner, long epoch, Instant acquiredAt) {
        this(owner, epoch, acquiredAt, null);
    }

    /** Whether the holder released the lock on purpose after stopping its acceptor. */
    public boolean releasedAfterStopping() {
        return acceptorStoppedAt != null;
    }

    /** This record, marked released after the acceptor stopped at {@code when}. */
    public LockHolder released(Instant when) {
        return new LockHolder(owner, epoch, acquiredAt, Objects.requireNonNull(when, "when"));
    }

    @Override
    public String toString() {
        return owner + ", epoch " + epoch + ", acquired at " + acquiredAt
                + (acceptorStoppedAt != null ? ", released after its acceptor stopped at " + acceptorStoppedAt : "");
    }
}
