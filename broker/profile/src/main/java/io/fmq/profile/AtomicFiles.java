package io.fmq.profile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Writes a whole file so that readers see either the old or the new content, never half of it. */
final class AtomicFiles {
    private static final Set<PosixFilePermission> NEW_FILE = PosixFilePermissions.fromString("rw-r--r--");

    private AtomicFiles() {
    }

    /**
     * Writes {@code content} to a temporary file beside {@code file} and moves it over {@code file}.
     *
     * @param permissions the new file's POSIX permissions, or {@code null} to keep those of the file it
     *                    replaces ({@code rw-r--r--} for a new file); ignored where POSIX permissions are not supported
     */
    static void write(Path file, byte[] content, Set<PosixFilePermission> permissions) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            Files.write(tmp, content);
            try {
                Set<PosixFilePermission> wanted = permissions != null ? permissions
                        : Files.exists(file) ? Files.getPosixFilePermissions(file) : NEW_FILE;
                Files.setPosixFilePermissions(tmp, wanted);
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the file keeps the platform's default permissions
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
