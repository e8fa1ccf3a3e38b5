package io.fmq.ha.lock;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * Tells local disk file systems from the rest. On a local disk file system a POSIX record lock has no lease: the
 * kernel keeps it for as long as the holding process lives (also while it is stopped) and drops it when the
 * process ends. Network and user-space file systems (NFS, CIFS/SMB, FUSE, cluster file systems) can lose a lock
 * behind a living holder's back, so they are never counted as local, nor is anything this class does not know.
 */
final class LocalFileSystems {
    /** File system types (as Linux names them in /proc/mounts) known to keep POSIX locks in the local kernel. */
    private static final Set<String> LOCAL = Set.of("ext2", "ext3", "ext4", "xfs", "btrfs", "tmpfs", "zfs", "f2fs", "jfs",
            "reiserfs", "overlay", "apfs", "hfs");

    private LocalFileSystems() {
    }

    /** Whether the file (or, when it does not exist yet, its folder) lies on a known local disk file system. */
    static boolean isLocal(Path file) {
        try {
            Path existing = Files.exists(file) ? file : file.getParent();
            if (existing == null) {
                return false;
            }
            FileStore store = Files.getFileStore(existing);
            return isLocalType(store.type());
        } catch (IOException | RuntimeException e) {
            return false; // in doubt: not local, so a new holder waits
        }
    }

    static boolean isLocalType(String type) {
        return type != null && LOCAL.contains(type.toLowerCase(Locale.ROOT));
    }
}
