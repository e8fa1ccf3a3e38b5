package io.fmq.ha.lock;

import io.fmq.ha.lock.LockFileLayout.DamagedRecordException;
import io.fmq.ha.lock.LockFileLayout.Header;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HA lock as an operating-system lock on a shared file ({@code FMQGroup.LockFile}), taken with
 * {@link FileChannel#tryLock()}. On Linux the JDK uses POSIX {@code fcntl} record locks, which an
 * NFSv4 client forwards to the server, so the same code guards a file on a local disk and one on
 * the gateway machine. The lock covers the whole file and is exclusive; the kernel drops it when
 * the process dies, however it dies.
 *
 * <h2>Lock file layout (format version 1, all numbers big-endian)</h2>
 * <pre>
 * offset  size  field
 * -- header: written once, by whoever first locks the empty file; never changed afterwards --
 *  0       4    magic 0x464D514C ("FMQL")
 *  4       2    format version (1)
 *  6       2    header length (32)
 *  8      16    identity: a random UUID, most significant 8 bytes then least significant 8 bytes
 * 24       4    reserved (0)
 * 28       4    CRC32C of bytes 0..27
 * -- holder record: rewritten by every acquisition; absent until the first one --
 * 32       4    body length N
 * 36       N    body: epoch (8), time acquired in milliseconds since 1970 UTC (8), pid (8),
 *               server name (2-byte length + UTF-8), host name (2-byte length + UTF-8),
 *               then the release fields: released (1: 0 or 1), time the holder's client acceptor
 *               stopped, in milliseconds since 1970 UTC (8; 0 unless released)
 * 36+N     4    CRC32C of bytes 32..35+N
 * </pre>
 * The file ends right after the holder record. The record names the <em>last</em> holder; it stays
 * after a release or a crash, so only the operating-system lock says whether the lock is held now.
 * Readers that catch a record half-rewritten see a checksum mismatch and read again. A record
 * without the release fields (written by an older FMQ) reads as not released.
 *
 * <h2>The release record</h2>
 * An acquisition writes its record with "released" 0. A holder that gives the lock up on purpose
 * after it stopped serving ({@link #releaseAfterStopping}) first rewrites its own record — same
 * epoch, "released" 1 and the time its acceptor stopped — and forces it to disk, then unlocks. The
 * next holder reads it before its own acquisition overwrites it: a released record for the epoch it
 * takes over is the previous holder's own statement that its serving lease is over. A holder that
 * crashed, froze or lost the lock leaves "released" 0, and the next holder waits the lease out.
 *
 * <h2>Proving the lock is still ours</h2>
 * {@link #verify()} checks that the JDK still reports the lock valid, the channel is open, the
 * path still names the very file that was locked (same file key, that is device and inode: a
 * deleted or replaced file fails), the header and identity still read back, and the holder record
 * is still exactly the one this holder wrote. Any I/O error counts as a lost lock. A check on a
 * hard-mounted NFS share whose server is gone can block in the kernel; the caller should run it
 * where a stall is noticed (its own timeout), not on an event loop.
 *
 * <h2>One channel per file per JVM</h2>
 * Closing any descriptor of a file drops all of the process's POSIX locks on it, so every
 * instance in one JVM shares one channel per file (see {@link LockFileChannels}); a second
 * instance in the same JVM sees the first one's lock as "held by someone else". Other code in the
 * server must not open the lock file itself while the lock is held.
 */
public final class FileHaLock implements HaLock {

    private static final Logger LOG = LoggerFactory.getLogger(FileHaLock.class);
    /** How long {@link #identity()} waits for a peer that is creating the file this very moment. */
    private static final long CREATION_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final Path path;
    private final LockOwner owner;
    private final Clock clock;

    private LockFileChannels.Handle handle;
    private FileLock fileLock;
    private Object lockedFileKey;
    private LockIdentity lockedIdentity;
    private LockHolder ownRecord;
    private boolean closed;

    /**
     * @param path  the lock file; it is created on first use, its folder must exist
     * @param owner who this holder is, written into the file on every acquisition
     * @param clock wall-clock time for the holder record's "acquired at" (display only)
     */
    public FileHaLock(Path path, LockOwner owner, Clock clock) {
        this.path = Objects.requireNonNull(path, "path").toAbsolutePath().normalize();
        this.owner = Objects.requireNonNull(owner, "owner");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public FileHaLock(Path path, LockOwner owner) {
        this(path, owner, Clock.systemUTC());
    }

    /** The lock file, absolute. */
    public Path path() {
        return path;
    }

    /** The line logged on every successful acquisition, for the server to print on its console too. */
    public String acquiredMessage() {
        return "Successfully acquired lock on :: " + path;
    }

    @Override
    public String location() {
        return path.toString();
    }

    @Override
    public synchronized boolean tryAcquire(long epoch) {
        ensureNotClosed();
        if (fileLock != null) {
            if (verify()) {
                if (ownRecord.epoch() != epoch) {
                    writeOwnRecord(epoch);
                }
                return true;
            }
        }
        FileChannel channel = freshChannel();
        Object keyBefore = handle.fileKey();
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return false; // another holder in this JVM has it
        } catch (IOException e) {
            throw new LockFileException("Cannot lock the lock file " + path + ": " + reason(e)
                    + ". Check that the file's folder is reachable and supports locks (NFSv4, not NFSv3 without lockd).", e);
        }
        if (lock == null) {
            return false; // another process has it
        }
        try {
            LockIdentity identity = identityUnder(channel, true);
            Object keyAfter = LockFileChannels.keyOf(path);
            if (!keyBefore.equals(keyAfter)) {
                // the file was deleted or replaced between opening and locking: we hold an orphan
                LOG.warn("The lock file {} was replaced while it was being locked; will try again", path);
                lock.release();
                return false;
            }
            fileLock = lock;
            lockedFileKey = keyBefore;
            lockedIdentity = identity;
            writeOwnRecord(epoch);
        } catch (IOException | RuntimeException e) {
            fileLock = null;
            releaseQuietly(lock);
            if (e instanceof LockFileException lfe) {
                throw lfe;
            }
            throw new LockFileException("Cannot write the lock file " + path + ": " + reason(e)
                    + ". Give the server read and write permission on it and check that its folder is reachable.", e);
        }
        LOG.info(acquiredMessage());
        return true;
    }

    @Override
    public synchronized boolean verify() {
        if (fileLock == null) {
            return false;
        }
        String loss = lossReason();
        if (loss == null) {
            return true;
        }
        LOG.warn("Lost the lock on {}: {}", path, loss);
        release();
        return false;
    }

    @Override
    public synchronized boolean isHeld() {
        return fileLock != null;
    }

    @Override
    public synchronized void release() {
        if (fileLock != null) {
            releaseQuietly(fileLock);
            fileLock = null;
            ownRecord = null;
            lockedFileKey = null;
            lockedIdentity = null;
        }
    }

    @Override
    public synchronized void releaseAfterStopping(java.time.Instant acceptorStoppedAt) {
        if (fileLock == null) {
            return;
        }
        if (lossReason() == null) {
            LockHolder released = ownRecord.released(acceptorStoppedAt.truncatedTo(ChronoUnit.MILLIS));
            try {
                FileChannel channel = handle.channel();
                LockFileLayout.writeHolder(channel, released);
                channel.force(true);
            } catch (IOException | RuntimeException e) {
                // without the record the next holder waits the serving lease out: slower, never unsafe
                LOG.warn("Could not mark the lock {} released ({}); the next holder will wait out this server's serving lease",
                        path, e.getMessage());
            }
        }
        release();
    }

    /**
     * True when the lock file lies on a local disk file system: a POSIX lock there cannot be taken away from a
     * living process (there is no lease to expire) and the kernel drops it the moment the process ends. Network
     * and user-space file systems (NFS, CIFS, FUSE, ...) answer false.
     */
    @Override
    public boolean acquisitionProvesHolderGone() {
        return LocalFileSystems.isLocal(path);
    }

    @Override
    public synchronized LockIdentity identity() {
        ensureNotClosed();
        FileChannel channel = freshChannel();
        try {
            return identityUnder(channel, fileLock != null);
        } catch (IOException e) {
            throw new LockFileException("Unable to read the lock file " + path + ": " + reason(e)
                    + ". Check that its folder is mounted and readable and writable by the user running the server.", e);
        }
    }

    @Override
    public synchronized Optional<LockHolder> lastHolder() {
        ensureNotClosed();
        FileChannel channel = freshChannel();
        try {
            Header header = LockFileLayout.readHeader(channel);
            if (header.state() == LockFileLayout.HeaderState.EMPTY) {
                return Optional.empty();
            }
            requireValid(header);
            DamagedRecordException last = null;
            for (int attempt = 0; attempt < 3; attempt++) {
                try {
                    return LockFileLayout.readHolder(channel);
                } catch (DamagedRecordException e) {
                    last = e; // probably being rewritten by the holder right now
                }
            }
            LOG.warn("The holder record in the lock file {} cannot be read ({}); it is rewritten by the next acquisition", path,
                    last.getMessage());
            throw new LockFileException("The holder record in the lock file " + path + " cannot be read (" + last.getMessage()
                    + "); the next acquisition rewrites it.");
        } catch (IOException e) {
            throw new LockFileException("Unable to read the lock file " + path + ": " + reason(e) + ".", e);
        }
    }

    @Override
    public synchronized void close() {
        release();
        closeHandle();
        closed = true;
    }

    @Override
    public String toString() {
        return "FileHaLock[" + path + ", " + owner + "]";
    }

    private void writeOwnRecord(long epoch) {
        LockHolder record = new LockHolder(owner, epoch, clock.instant().truncatedTo(ChronoUnit.MILLIS));
        try {
            FileChannel channel = handle.channel();
            LockFileLayout.writeHolder(channel, record);
            channel.force(true);
            ownRecord = record;
        } catch (IOException e) {
            release();
            throw new LockFileException("Cannot write the holder record into the lock file " + path + ": " + reason(e)
                    + ". Check that the file is writable and its folder reachable.", e);
        }
    }

    /** Why the lock can no longer be proven ours, or {@code null} if it still can. */
    private String lossReason() {
        if (!fileLock.isValid()) {
            return "the operating system no longer reports the lock as held";
        }
        FileChannel channel = handle.channel();
        if (!channel.isOpen()) {
            return "the lock file's channel was closed";
        }
        try {
            Object key = LockFileChannels.keyOf(path);
            if (key == null) {
                return "the lock file was deleted";
            }
            if (!key.equals(lockedFileKey)) {
                return "the lock file was replaced by another file";
            }
            Header header = LockFileLayout.readHeader(channel);
            if (header.state() != LockFileLayout.HeaderState.VALID) {
                return "the lock file's header no longer reads back (" + header.state() + ")";
            }
            if (!header.identity().equals(lockedIdentity)) {
                return "the lock file's identity changed from " + lockedIdentity + " to " + header.identity();
            }
            Optional<LockHolder> recorded = LockFileLayout.readHolder(channel);
            if (!recorded.equals(Optional.of(ownRecord))) {
                return "the lock file names another holder: " + recorded.map(LockHolder::toString).orElse("none");
            }
            return null;
        } catch (IOException | DamagedRecordException e) {
            return "the lock file cannot be read: " + reason(e);
        }
    }

    /**
     * Reads the identity, creating the header if the file is still empty. Creating needs the lock:
     * with {@code locked} we have it; otherwise we take it briefly, or wait a little for the peer
     * that holds it to finish creating the file.
     */
    private LockIdentity identityUnder(FileChannel channel, boolean locked) throws IOException {
        long deadline = System.nanoTime() + CREATION_WAIT_NANOS;
        while (true) {
            Header header = LockFileLayout.readHeader(channel);
            if (header.state() != LockFileLayout.HeaderState.EMPTY) {
                requireValid(header);
                return header.identity();
            }
            if (locked) {
                return writeHeader(channel);
            }
            FileLock brief = tryLockQuietly(channel);
            if (brief != null) {
                try {
                    if (LockFileLayout.readHeader(channel).state() == LockFileLayout.HeaderState.EMPTY) {
                        return writeHeader(channel);
                    }
                } finally {
                    releaseQuietly(brief);
                }
                continue;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new LockFileException("The lock file " + path + " is empty and locked by another server that has not"
                        + " finished creating it. Try again; if this persists, stop both servers and delete the file.");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    private LockIdentity writeHeader(FileChannel channel) throws IOException {
        LockIdentity identity = LockIdentity.random();
        channel.write(LockFileLayout.encodeHeader(identity), 0);
        channel.force(true);
        LOG.info("Created the lock file {} with identity {}", path, identity);
        return identity;
    }

    private static FileLock tryLockQuietly(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    private void requireValid(Header header) {
        switch (header.state()) {
            case VALID, EMPTY -> {
            }
            case NOT_A_LOCK_FILE -> throw new LockFileException("The file " + path + " is not an FMQ lock file (it does not start"
                    + " with the lock file header). Point FMQGroup.LockFile at a new file name, or delete this file while both"
                    + " servers are stopped.");
            case NEWER_VERSION -> throw new LockFileException("The lock file " + path + " was written by a newer FMQ version."
                    + " Run the same FMQ version on both servers of the pair.");
            case DAMAGED -> throw new LockFileException("The header of the lock file " + path + " is damaged. Stop both servers,"
                    + " delete the file and start them again; a new file gets a new identity.");
            default -> throw new IllegalStateException("unknown header state " + header.state());
        }
    }

    /** The shared channel of the file the path names now, reopened if the file was replaced. */
    private FileChannel freshChannel() {
        checkFolder();
        try {
            Object current = LockFileChannels.keyOf(path);
            if (handle != null && (current == null || !current.equals(handle.fileKey()) || !handle.channel().isOpen())) {
                if (fileLock != null) {
                    LOG.warn("The lock file {} was deleted or replaced; the lock held on the old file is given up", path);
                    release();
                }
                closeHandle();
            }
            if (handle == null) {
                handle = LockFileChannels.open(path);
            }
            return handle.channel();
        } catch (AccessDeniedException e) {
            throw new LockFileException("Permission denied on the lock file " + path + ". Give the user running the server"
                    + " read and write permission on the file and its folder, or point FMQGroup.LockFile at a writable location.", e);
        } catch (IOException e) {
            throw new LockFileException("Cannot open or create the lock file " + path + ": " + reason(e)
                    + ". Check FMQGroup.LockFile and that its folder is mounted and writable.", e);
        }
    }

    private void checkFolder() {
        Path folder = path.getParent();
        if (folder == null || !Files.isDirectory(folder)) {
            String problem = folder != null && Files.exists(folder) ? "is not a folder" : "does not exist";
            throw new LockFileException("The lock file's folder " + folder + " " + problem + " (FMQGroup.LockFile=" + path
                    + "). Create the folder, or mount the shared folder there, and make it writable for the user running the server.");
        }
        if (Files.isDirectory(path)) {
            throw new LockFileException("The lock file " + path + " is a folder. Set FMQGroup.LockFile to a file inside it,"
                    + " for example " + path.resolve("lock.dat") + ".");
        }
    }

    private void closeHandle() {
        if (handle != null) {
            try {
                handle.close();
            } catch (IOException e) {
                LOG.debug("Closing the lock file {} failed", path, e);
            }
            handle = null;
        }
    }

    private void releaseQuietly(FileLock lock) {
        try {
            lock.release();
        } catch (IOException | RuntimeException e) {
            // the channel may be gone with the lock already; either way nobody is left holding it here
            LOG.debug("Releasing the lock on {} failed", path, e);
        }
    }

    private void ensureNotClosed() {
        if (closed) {
            throw new IllegalStateException("the lock on " + path + " was closed");
        }
    }

    private static String reason(Exception e) {
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
