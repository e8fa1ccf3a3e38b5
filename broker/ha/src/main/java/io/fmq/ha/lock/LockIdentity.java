package io.fmq.ha.lock;

import java.util.Objects;
import java.util.UUID;

/**
 * The identity of one lock (one lock file), chosen at random when the lock file is created and
 * never changed afterwards. Two servers whose locks have different identities do not share a
 * lock, whatever their paths look like (each may mount the shared folder at a different place).
 */
public record LockIdentity(UUID id) {

    public LockIdentity {
        Objects.requireNonNull(id, "id");
    }

    public static LockIdentity random() {
        return new LockIdentity(UUID.randomUUID());
    }

    /** Parses the form written by {@link #toString()}. */
    public static LockIdentity parse(String text) {
        return new LockIdentity(UUID.fromString(text.trim()));
    }

    @Override
    public String toString() {
        return id.toString();
    }
}
