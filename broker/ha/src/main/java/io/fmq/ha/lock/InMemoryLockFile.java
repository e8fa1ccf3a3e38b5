package io.fmq.ha.lock;

import java.util.Optional;

/**
 * The shared state behind {@link InMemoryHaLock}s: what a lock file is to {@link FileHaLock}s.
 * Give the same instance to the holders that should compete (the two servers of a simulated
 * pair). Besides the lock itself it lets a simulation inject the faults a real lock file suffers:
 * becoming unreachable, and being replaced by a new file (new identity, holder loses the lock).
 */
public final class InMemoryLockFile {

    private final String name;
    private LockIdentity identity = LockIdentity.random();
    private InMemoryHaLock holder;
    private LockHolder lastHolder;
    private boolean reachable = true;

    public InMemoryLockFile(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    /**
     * Makes the lock unreachable (or reachable again): acquisitions throw and holders cannot verify.
     * A release while unreachable does not reach the lock either, so the holder keeps it (like a
     * lease that has not expired yet) until it is reachable and released again, or {@link #revoke()}d.
     */
    public synchronized void setReachable(boolean reachable) {
        this.reachable = reachable;
    }

    /**
     * Replaces the file with a new, empty one, as an operator deleting and re-creating it would:
     * a new identity, no holder. The former holder's {@code verify()} then fails.
     */
    public synchronized void replace() {
        identity = LockIdentity.random();
        holder = null;
        lastHolder = null;
    }

    /** Drops the current holder's lock, as the lock server would when it considers the holder dead. */
    public synchronized void revoke() {
        holder = null;
    }

    /** Who holds the lock right now (for assertions), if anyone. */
    public synchronized Optional<LockHolder> currentHolder() {
        return holder == null ? Optional.empty() : Optional.ofNullable(lastHolder);
    }

    /** Takes the lock for {@code candidate}; returns the identity it was taken under, or null if held by another. */
    synchronized LockIdentity tryAcquire(InMemoryHaLock candidate, LockHolder record) {
        requireReachable();
        if (holder != null && holder != candidate) {
            return null;
        }
        holder = candidate;
        lastHolder = record;
        return identity;
    }

    /** Whether {@code candidate} still holds the lock under {@code identityWhenAcquired}. */
    synchronized boolean isHeldBy(InMemoryHaLock candidate, LockIdentity identityWhenAcquired, LockHolder record) {
        return reachable && holder == candidate && identity.equals(identityWhenAcquired) && record.equals(lastHolder);
    }

    /** The holder rewrites its record as released (only while it holds the lock and the lock is reachable). */
    synchronized void markReleased(InMemoryHaLock candidate, LockHolder released) {
        if (reachable && holder == candidate) {
            lastHolder = released;
        }
    }

    synchronized void release(InMemoryHaLock candidate) {
        if (reachable && holder == candidate) {
            holder = null;
        }
    }

    synchronized LockIdentity identity() {
        requireReachable();
        return identity;
    }

    synchronized Optional<LockHolder> lastHolder() {
        requireReachable();
        return Optional.ofNullable(lastHolder);
    }

    private void requireReachable() {
        if (!reachable) {
            throw new LockFileException("The lock " + name + " is unreachable (simulated).");
        }
    }

    @Override
    public String toString() {
        return "InMemoryLockFile[" + name + "]";
    }
}
