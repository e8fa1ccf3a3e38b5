package io.fmq.profile;

import java.io.IOException;
import java.io.StringReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * What offline tools (clearDB, the Studio) need to know about a profile's server and data store without running
 * one: whether a server holds a lock file, who, and how to empty a store safely.
 *
 * <p>A running server keeps an OS file lock on {@code PROFILE/server.pid} and on {@code STORE/store.lock} for its
 * whole life; the kernel drops the locks when the process ends, so "locked" means "running" even after a kill -9
 * left the files behind. The files hold properties text ({@code pid=}, {@code rmiPort=}, ...) written by the holder,
 * read here only to name it in messages.
 */
public final class StoreFolder {
    /** The lock file a running server holds in its profile folder. */
    public static final String SERVER_LOCK = "server.pid";
    /** The lock file a running server (or a clearing tool) holds in its data store. */
    public static final String STORE_LOCK = "store.lock";

    private static final String[] OWNER_KEYS = {"pid", "profile", "store", "clientPort", "rmiPort", "started"};

    private StoreFolder() {
    }

    /** The store is in use by a server (or another clearing tool); {@link #owner()} says by whom. */
    public static final class InUseException extends Exception {
        private final transient Map<String, String> owner;

        InUseException(Map<String, String> owner) {
            super("the data store is in use by " + describe(owner));
            this.owner = owner;
        }

        public Map<String, String> owner() {
            return owner;
        }
    }

    /** Whether some process holds the lock file now; a missing file is not held. */
    public static boolean isHeld(Path file) throws IOException {
        if (!Files.exists(file)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true; // held by this very process
        }
    }

    /** What the holder of a lock file wrote about itself; empty if nothing can be read. */
    public static Map<String, String> readOwner(Path file) {
        Map<String, String> owner = new LinkedHashMap<>();
        try {
            Properties p = new Properties();
            p.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
            for (String key : OWNER_KEYS) {
                if (p.getProperty(key) != null) {
                    owner.put(key, p.getProperty(key));
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            // an unreadable description only makes the messages shorter
        }
        return owner;
    }

    /** "pid 123, RMI port 1858" from an owner description, or "another process". */
    public static String describe(Map<String, String> owner) {
        StringBuilder sb = new StringBuilder();
        if (owner.get("pid") != null) {
            sb.append("pid ").append(owner.get("pid"));
        }
        if (owner.get("rmiPort") != null) {
            sb.append(sb.length() == 0 ? "" : ", ").append("RMI port ").append(owner.get("rmiPort"));
        }
        return sb.length() == 0 ? "another process" : sb.toString();
    }

    /**
     * Deletes everything in a store folder but its lock file, holding the store's lock meanwhile so that a server
     * cannot start on a half-cleared store. Returns how many files were removed (0 for a store that does not exist).
     *
     * @throws InUseException when a server holds the store
     */
    public static int clear(Path store) throws IOException, InUseException {
        if (!Files.isDirectory(store)) {
            return 0;
        }
        Path lockFile = store.resolve(STORE_LOCK);
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new InUseException(readOwner(lockFile));
            }
            try {
                return deleteContents(store, lockFile);
            } finally {
                lock.release();
            }
        }
    }

    private static int deleteContents(Path store, Path keep) throws IOException {
        List<Path> paths;
        try (Stream<Path> s = Files.walk(store)) {
            paths = s.filter(p -> !p.equals(store) && !p.equals(keep)).sorted(Comparator.reverseOrder()).toList();
        }
        int files = 0;
        for (Path p : paths) {
            if (!Files.isDirectory(p)) {
                files++;
            }
            Files.delete(p);
        }
        return files;
    }
}
