package io.fmq.ha.lock;

import java.util.Optional;

/**
 * The lock that decides which server of an HA pair may be active: only the holder may serve
 * clients, so at most one server is active even when the HA link between them is broken.
 *
 * <p>Contract, shared by every implementation (see {@code HaLockContractTest}):
 * <ul>
 *   <li>at most one holder at a time, across threads, holders in one process and processes;</li>
 *   <li>{@link #tryAcquire(long)} never waits for the lock: it returns {@code false} at once when
 *       someone else holds it;</li>
 *   <li>{@link #verify()} answers "can I still prove that I hold it?" and errs on the side of
 *       {@code false}: any doubt (an I/O error, a replaced lock file, a record naming someone
 *       else) counts as a lost lock, and the caller must stop serving;</li>
 *   <li>{@link #release()} is idempotent; after it another holder can acquire the lock and this
 *       one can acquire it again;</li>
 *   <li>{@link #identity()} is created once with the lock (file) and never changes, so two peers
 *       can tell whether they point at the same lock.</li>
 * </ul>
 * Implementations are safe for use from several threads, though the HA controller is expected to
 * call them from its one thread.
 */
public interface HaLock extends AutoCloseable {

    /**
     * Tries once to take the lock, without waiting.
     *
     * @param epoch the epoch of the period of activity this acquisition starts; recorded with the
     *              holder so the peer and an operator can see it
     * @return {@code true} if this holder now holds the lock (also when it already held it and
     *         still can prove so; the recorded epoch is then updated), {@code false} if someone
     *         else holds it
     * @throws LockFileException if the lock cannot be used at all (missing folder, no permission,
     *                           not a lock file, the lock's storage unreachable); the caller treats
     *                           it as "lock not obtained" and reports the message
     */
    boolean tryAcquire(long epoch);

    /**
     * Checks, without waiting for anyone, that this holder still holds the lock. Never throws:
     * any failure to prove it returns {@code false} (and is logged with its reason).
     */
    boolean verify();

    /** Whether this holder believes it holds the lock, without checking the storage again. */
    boolean isHeld();

    /** Gives the lock up if held (without a release record: see {@link #releaseAfterStopping}); does nothing otherwise. Never throws. */
    void release();

    /**
     * Gives the lock up on purpose, after this holder stopped serving clients. If it can still prove it holds the
     * lock it first marks its holder record released — same epoch, {@code acceptorStoppedAt} — so that the next
     * holder knows this holder's serving lease for that epoch is over and need not wait it out; then it releases.
     * Call it only once the client acceptor is stopped, and only once this holder's own takeover wait has ended
     * (before that, an earlier holder may still be inside its serving lease: release with {@link #release()}, so
     * that the next holder waits). Never throws; if the record cannot be written the lock is
     * released anyway and the next holder waits.
     */
    void releaseAfterStopping(java.time.Instant acceptorStoppedAt);

    /**
     * Whether acquiring this lock proves that its previous holder either released it or no longer runs: true only
     * for a lock that cannot be taken from a living holder (a POSIX lock on a local disk file system, which has no
     * lease, and which the kernel drops when the process ends). Then a new holder need not wait out a previous
     * holder's serving lease. False for anything with a lease that can expire behind the holder's back (NFSv4, a
     * lock server), and whenever in doubt.
     */
    boolean acquisitionProvesHolderGone();

    /**
     * The lock's identity, created once with the lock and never changed. Reading it creates the
     * lock file if it does not exist yet, so it is also the start-up check that the lock is usable.
     *
     * @throws LockFileException if the lock cannot be created or read, with what to do about it
     */
    LockIdentity identity();

    /**
     * The holder recorded by the last successful {@link #tryAcquire(long)} of anyone, or empty if
     * nobody ever acquired the lock. The record stays after a release or a crash: whether the lock
     * is held right now only {@code tryAcquire} can tell.
     *
     * @throws LockFileException if the lock cannot be read, or its holder record is damaged (so "no record" always
     *                           means that nobody ever acquired this lock)
     */
    Optional<LockHolder> lastHolder();

    /** Where the lock lives, for messages: the lock file's path, or a name for an in-memory lock. */
    String location();

    /** Releases the lock and frees the resources behind this holder; it cannot be used afterwards. */
    @Override
    void close();
}
