package io.fmq.studio.service;

import java.io.IOException;
import java.io.StringReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Tells whether a server holds a lock file ({@code PROFILE/server.pid} or {@code run/store.lock}).
 *
 * <p>The server keeps an OS file lock on the file for its whole life and the kernel drops it when the
 * process dies, so "locked" means "running" even after a kill -9 left the file behind. The file is
 * properties text ({@code pid=}, {@code rmiPort=}, ...) written by the holder; it is read here only to
 * name the holder in messages. Same protocol as the server's own check, kept here so that the Studio
 * does not depend on server code.
 */
public final class ServerLockProbe {
    private ServerLockProbe() {
    }

    /** Whether some process holds the lock now; a missing file is not held. */
    public static boolean isHeld(Path file) throws IOException {
        if (!Files.exists(file)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(file, java.nio.file.StandardOpenOption.READ,
                java.nio.file.StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true; // held by this very process (a test, or a server started in-process)
        }
    }

    /** "pid 123, RMI port 1858" from what the holder wrote, or "another process". */
    public static String describeHolder(Path file) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (IOException | IllegalArgumentException e) {
            return "another process";
        }
        StringBuilder sb = new StringBuilder();
        if (p.getProperty("pid") != null) {
            sb.append("pid ").append(p.getProperty("pid"));
        }
        if (p.getProperty("rmiPort") != null) {
            sb.append(sb.length() == 0 ? "" : ", ").append("RMI port ").append(p.getProperty("rmiPort"));
        }
        return sb.length() == 0 ? "another process" : sb.toString();
    }
}
