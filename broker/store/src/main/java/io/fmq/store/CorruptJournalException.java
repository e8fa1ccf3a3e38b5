package io.fmq.store;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The journal is damaged somewhere other than its last, possibly torn, write: records after the damage
 * exist and cannot be trusted or skipped. The server must not start on it.
 */
public final class CorruptJournalException extends IOException {
    private final Path file;
    private final long offset;

    public CorruptJournalException(Path file, long offset, String detail) {
        super("The journal file " + file + " is corrupt at byte " + offset + " (" + detail + "), and valid records follow "
                + "the damage, so it is not a torn last write. The server did not start and changed nothing. Restore the "
                + "data store from a backup or from the HA peer, or clear it with clearDB.sh if its messages may be lost.");
        this.file = file;
        this.offset = offset;
    }

    public Path file() {
        return file;
    }

    public long offset() {
        return offset;
    }
}
