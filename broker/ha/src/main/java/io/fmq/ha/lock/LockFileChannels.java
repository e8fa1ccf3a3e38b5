package io.fmq.ha.lock;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;

/**
 * Hands out one open channel per lock file per JVM, counted by its users.
 *
 * <p>Why this is process-wide state: POSIX {@code fcntl} locks belong to the process, and closing
 * <em>any</em> descriptor of a file drops every lock the process holds on that file. If a second
 * {@link FileHaLock} in the same JVM (a test, a status reader) opened and closed its own channel
 * to the lock file, the first one's lock would silently vanish for other processes while the JDK
 * still reports it valid. Sharing one channel per file, closed only when its last user is done,
 * is what the {@link java.nio.channels.FileLock} documentation recommends. The JDK then reports a
 * second in-JVM acquisition as an {@link java.nio.channels.OverlappingFileLockException}.
 *
 * <p>Channels are keyed by the file's key (device and inode), so a lock file replaced under its
 * path gets a new channel and never shares one with the old, still locked, file.
 */
final class LockFileChannels {

    private static final Map<Object, Shared> OPEN = new HashMap<>();

    private LockFileChannels() {
    }

    /** A user's reference to a shared channel; close it exactly once. */
    static final class Handle implements AutoCloseable {
        private final Shared shared;
        private boolean closed;

        private Handle(Shared shared) {
            this.shared = shared;
        }

        FileChannel channel() {
            return shared.channel;
        }

        /** The file key (or, where the platform has none, the real path) the channel was opened on. */
        Object fileKey() {
            return shared.key;
        }

        @Override
        public void close() throws IOException {
            synchronized (OPEN) {
                if (closed) {
                    return;
                }
                closed = true;
                if (--shared.users == 0) {
                    OPEN.remove(shared.key);
                    shared.channel.close();
                }
            }
        }
    }

    private static final class Shared {
        final Object key;
        final FileChannel channel;
        int users;

        Shared(Object key, FileChannel channel) {
            this.key = key;
            this.channel = channel;
        }
    }

    /** Opens (creating the file if needed) or shares the channel of the file at {@code path}. */
    static Handle open(Path path) throws IOException {
        synchronized (OPEN) {
            Object existingKey = keyOf(path);
            Shared shared = existingKey == null ? null : OPEN.get(existingKey);
            if (shared == null || !shared.channel.isOpen()) {
                FileChannel channel = FileChannel.open(path, READ, WRITE, CREATE);
                Object key = keyOf(path);
                if (key == null) {
                    channel.close();
                    throw new NoSuchFileException(path.toString(), null, "the lock file disappeared right after it was opened");
                }
                shared = OPEN.get(key);
                if (shared != null && shared.channel.isOpen()) {
                    // cannot happen unless the file changed identity between the two looks; closing
                    // our fresh descriptor would drop the locks held through the shared one, so keep it
                    // open (one descriptor leaked for the JVM's life) rather than risk a silent unlock
                    shared.users++;
                    return new Handle(shared);
                }
                shared = new Shared(key, channel);
                OPEN.put(key, shared);
            }
            shared.users++;
            return new Handle(shared);
        }
    }

    /** The file key of what {@code path} names now, or {@code null} if nothing is there. */
    static Object keyOf(Path path) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return null;
        }
        Object key = attributes.fileKey();
        return key != null ? key : path.toRealPath().toString();
    }
}
