package io.fmq.ha.lock;

import java.time.Instant;
import java.util.Objects;

/**
 * One acquisition of the lock: who took it, for which epoch, and when (wall-clock time, for
 * display only; no decision depends on it).
 */
public record LockHolder(LockOwner owner, long epoch, Instant acquiredAt) {

    public LockHolder {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(acquiredAt, "acquiredAt");
    }

    @Override
    public String toString() {
        return owner + ", epoch " + epoch + ", acquired at " + acquiredAt;
    }
}
