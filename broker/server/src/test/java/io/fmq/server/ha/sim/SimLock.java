package io.fmq.server.ha.sim;

import io.fmq.ha.lock.HaLock;
import io.fmq.ha.lock.InMemoryHaLock;
import io.fmq.ha.lock.LockFileException;
import io.fmq.ha.lock.LockHolder;
import io.fmq.ha.lock.LockIdentity;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * One server's lock, as a lock file on a network file system is: reached over a path the simulator can cut. While
 * cut, every call that must reach the file fails (acquisitions and reads throw, a verification proves nothing) and a
 * release does not arrive: the client retries it once the path is back ({@link #pathRestored}). The file server
 * revokes a holder whose client it has not heard from for its lease (the simulator does that, as an NFSv4 lease
 * expires). A verification that fails on a reachable file means the lock was lost. A local lock (some seeds) is
 * the shipped pair's case: never cut off, never revoked from a living holder, so acquiring it is a takeover proof.
 */
final class SimLock implements HaLock {
    private final InMemoryHaLock inner;
    private final BooleanSupplier cut;
    private final boolean local;
    private Instant pendingRelease;
    private boolean pendingPlainRelease;

    /** {@code local}: a POSIX lock on a local disk (never cut off, no lease; freed when its process ends). */
    SimLock(InMemoryHaLock inner, BooleanSupplier cut, boolean local) {
        this.inner = inner;
        this.cut = cut;
        this.local = local;
    }

    private void reach() {
        if (cut.getAsBoolean()) {
            throw new LockFileException("The lock file is unreachable (simulated network cut).");
        }
        pathRestored();
    }

    /** The path to the file server is back: a release that did not arrive arrives now. */
    void pathRestored() {
        if (pendingRelease != null) {
            Instant at = pendingRelease;
            pendingRelease = null;
            inner.releaseAfterStopping(at);
        } else if (pendingPlainRelease) {
            pendingPlainRelease = false;
            inner.release();
        }
    }

    @Override
    public boolean tryAcquire(long epoch) {
        reach();
        return inner.tryAcquire(epoch);
    }

    @Override
    public boolean verify() {
        if (cut.getAsBoolean()) {
            // as FileHaLock does when it cannot prove the lock: it lets go (the unlock reaches the file server later)
            release();
            return false;
        }
        pathRestored();
        return inner.verify();
    }

    @Override
    public boolean isHeld() {
        return inner.isHeld() && pendingRelease == null && !pendingPlainRelease;
    }

    @Override
    public void release() {
        if (cut.getAsBoolean()) {
            pendingPlainRelease = pendingRelease == null && inner.isHeld();
        } else {
            inner.release();
        }
    }

    @Override
    public void releaseAfterStopping(Instant acceptorStoppedAt) {
        if (cut.getAsBoolean()) {
            if (isHeld()) {
                pendingRelease = acceptorStoppedAt;
            }
        } else {
            inner.releaseAfterStopping(acceptorStoppedAt);
        }
    }

    @Override
    public boolean acquisitionProvesHolderGone() {
        return local;
    }

    @Override
    public LockIdentity identity() {
        reach();
        return inner.identity();
    }

    @Override
    public Optional<LockHolder> lastHolder() {
        reach();
        return inner.lastHolder();
    }

    @Override
    public String location() {
        return inner.location();
    }

    @Override
    public void close() {
        release();
    }
}
