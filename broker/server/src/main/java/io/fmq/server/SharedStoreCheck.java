package io.fmq.server;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What a shared-HA server checks of its {@code -dbPath} before it starts anything: the folder exists (a shared
 * store is never created by accident where a mount is missing), is a folder, is writable, and its file system
 * gives working POSIX locks (NFSv3 without its lock daemon does not). Each failure is one sentence.
 */
final class SharedStoreCheck {
    static final String PROBE = ".fmq-lock-probe";

    private SharedStoreCheck() {
    }

    static void check(Path dir) throws StartupException {
        if (!Files.exists(dir)) {
            throw refused("The shared store folder " + dir + " (-dbPath) does not exist. Mount the shared storage there, or "
                    + "create the folder, and give both servers of the pair the same one.");
        }
        if (!Files.isDirectory(dir)) {
            throw refused("The shared store path " + dir + " (-dbPath) is not a folder. Give the folder both servers of the "
                    + "pair share.");
        }
        Path probe = dir.resolve(PROBE);
        try (FileChannel ch = FileChannel.open(probe, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            try {
                FileLock l = ch.tryLock();
                if (l != null) {
                    l.release();
                }
                // null: the other server holds its probe lock this instant; locks work
            } catch (IOException e) {
                throw refused("The file system of the shared store " + dir + " (-dbPath) does not give working file locks ("
                        + e.getMessage() + "). Share it with NFSv4 (or NFSv3 with its lock service running) so that only one "
                        + "server can write it.");
            }
        } catch (java.nio.file.AccessDeniedException e) {
            throw refused("The shared store folder " + dir + " (-dbPath) is not writable by this user. Give it read and write "
                    + "permission for the user both servers run as.");
        } catch (IOException e) {
            throw refused("Cannot write in the shared store folder " + dir + " (-dbPath): " + e.getMessage()
                    + ". Check that the shared storage is mounted read-write.");
        }
    }

    private static StartupException refused(String message) {
        return new StartupException(StartupException.FAILED, message);
    }
}
