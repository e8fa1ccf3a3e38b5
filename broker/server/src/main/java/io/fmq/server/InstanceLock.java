package io.fmq.server;

import io.fmq.profile.StoreFolder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * Proves that one server at most runs on a profile or a store: an OS file lock held for the life of
 * the process, released by the kernel when the process dies (even by kill -9).
 *
 * <p>Layout of the file while locked (properties text, for people and for the refusal message):
 * <pre>
 *   pid=12345
 *   profile=/opt/fmq/profiles/FioranoMQ
 *   store=/opt/fmq/profiles/FioranoMQ/run
 *   clientPort=1856
 *   rmiPort=1858
 *   started=2026-11-22T10:00:00Z
 * </pre>
 * The content is cleared when the lock is released; the file itself stays (deleting it would let
 * two starters race on different inodes).
 */
public final class InstanceLock implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private InstanceLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock and writes the owner's description into the file.
     *
     * @return the lock, or throws {@link HeldException} with the current holder's description
     */
    public static InstanceLock acquire(Path file, Map<String, String> owner) throws IOException, HeldException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new HeldException(file, readOwner(file));
        }
        StringBuilder text = new StringBuilder();
        owner.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)), 0);
        channel.force(true);
        return new InstanceLock(file, channel, lock);
    }

    /** Whether some process holds the lock on the file now (used by offline tools such as clearDB). */
    public static boolean isHeld(Path file) throws IOException {
        return StoreFolder.isHeld(file);
    }

    /** The description written by the current holder, empty if none can be read. */
    public static Map<String, String> readOwner(Path file) {
        return StoreFolder.readOwner(file);
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        try {
            if (lock.isValid()) {
                channel.truncate(0);
                lock.release();
            }
        } finally {
            channel.close();
        }
    }

    /** The lock is held by another process; {@link #owner()} describes it as far as known. */
    public static final class HeldException extends Exception {
        private final Map<String, String> owner;

        HeldException(Path file, Map<String, String> owner) {
            super("lock on " + file + " is held by " + (owner.isEmpty() ? "another process" : owner));
            this.owner = owner;
        }

        public Map<String, String> owner() {
            return owner;
        }

        /** "pid 123, client port 1856, RMI port 1858, profile /x" — as much as the holder wrote. */
        public String describeOwner() {
            StringBuilder sb = new StringBuilder();
            append(sb, "pid", owner.get("pid"));
            append(sb, "client port", owner.get("clientPort"));
            append(sb, "RMI port", owner.get("rmiPort"));
            append(sb, "profile", owner.get("profile"));
            append(sb, "store", owner.get("store"));
            append(sb, "started", owner.get("started"));
            return sb.length() == 0 ? "another process" : sb.toString();
        }

        private static void append(StringBuilder sb, String label, String value) {
            if (value != null) {
                sb.append(sb.length() == 0 ? "" : ", ").append(label).append(' ').append(value);
            }
        }
    }
}
