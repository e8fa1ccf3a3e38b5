package io.fmq.ha.lock;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

/**
 * An {@link HaLock} on an {@link InMemoryLockFile} shared by the holders of one process: for the
 * pair simulator and for tests that need a lock without a disk. It follows the same contract as
 * {@link FileHaLock} (same contract test).
 */
public final class InMemoryHaLock implements HaLock {

    private final InMemoryLockFile file;
    private final LockOwner owner;
    private final Clock clock;

    private LockHolder ownRecord;
    private LockIdentity identityWhenAcquired;
    private boolean closed;

    public InMemoryHaLock(InMemoryLockFile file, LockOwner owner, Clock clock) {
        this.file = Objects.requireNonNull(file, "file");
        this.owner = Objects.requireNonNull(owner, "owner");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public InMemoryHaLock(InMemoryLockFile file, LockOwner owner) {
        this(file, owner, Clock.systemUTC());
    }

    @Override
    public synchronized boolean tryAcquire(long epoch) {
        ensureNotClosed();
        if (ownRecord != null && !verify()) {
            ownRecord = null;
        }
        LockHolder record = new LockHolder(owner, epoch, clock.instant().truncatedTo(ChronoUnit.MILLIS));
        LockIdentity identity = file.tryAcquire(this, record);
        if (identity == null) {
            return false;
        }
        ownRecord = record;
        identityWhenAcquired = identity;
        return true;
    }

    @Override
    public synchronized boolean verify() {
        if (ownRecord == null) {
            return false;
        }
        if (file.isHeldBy(this, identityWhenAcquired, ownRecord)) {
            return true;
        }
        release();
        return false;
    }

    @Override
    public synchronized boolean isHeld() {
        return ownRecord != null;
    }

    @Override
    public synchronized void release() {
        if (ownRecord != null) {
            file.release(this);
            ownRecord = null;
            identityWhenAcquired = null;
        }
    }

    @Override
    public synchronized void releaseAfterStopping(java.time.Instant acceptorStoppedAt) {
        if (ownRecord != null && file.isHeldBy(this, identityWhenAcquired, ownRecord)) {
            file.markReleased(this, ownRecord.released(acceptorStoppedAt.truncatedTo(ChronoUnit.MILLIS)));
        }
        release();
    }

    /** An in-memory lock can be revoked behind its holder's back (like an expiring lease), so never. */
    @Override
    public boolean acquisitionProvesHolderGone() {
        return false;
    }

    @Override
    public LockIdentity identity() {
        return file.identity();
    }

    @Override
    public Optional<LockHolder> lastHolder() {
        return file.lastHolder();
    }

    @Override
    public String location() {
        return file.name();
    }

    @Override
    public synchronized void close() {
        release();
        closed = true;
    }

    @Override
    public String toString() {
        return "InMemoryHaLock[" + file.name() + ", " + owner + "]";
    }

    private void ensureNotClosed() {
        if (closed) {
            throw new IllegalStateException("the lock " + file.name() + " was closed");
        }
    }
}
