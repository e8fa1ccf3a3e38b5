package io.fmq.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * What a journal knows of its sealed segments, kept beside them ({@code journal/sealed.idx}) so that an open does not
 * read every sealed segment to learn its sequences and epochs: the broker's recovery reads the store once, not twice.
 * A sealed segment never changes (a compaction only deletes whole segments; new records go to the tail), so an entry
 * stays true for as long as its file has the same name, size and modification time.
 *
 * <p>Format (UTF-8 text): a first line {@code fmq-sealed-index 1 <storeId>}, then per segment
 * {@code <file name> <size> <mtime nanoseconds> <first sequence> <last sequence> <highest EPOCH record or 0>}, then
 * {@code end <CRC32C of everything before this line, hex>}. Anything else, a wrong store id or a wrong checksum
 * makes the whole index ignored: the segments are then checked record by record, as without one. It is written
 * (to a temporary file, then renamed) after each open and at each clean close, and removed by a replica, whose
 * segments are written by another server.
 */
final class SealedIndex {
    static final String FILE_NAME = "sealed.idx";
    private static final String MAGIC = "fmq-sealed-index 1 ";

    private SealedIndex() {
    }

    /** One sealed segment as it was when the index was written. */
    record Entry(String name, long size, long modifiedNanos, long firstSequence, long lastSequence, long maxEpoch) {
        /** Whether the file is unchanged since (same size and modification time). */
        boolean matches(Path file) throws IOException {
            return Files.size(file) == size && SealedIndex.modifiedNanos(file) == modifiedNanos;
        }
    }

    /** A file's modification time in nanoseconds (as precise as the file system keeps it). */
    static long modifiedNanos(Path file) throws IOException {
        java.time.Instant t = Files.getLastModifiedTime(file).toInstant();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    /** The entries of a journal folder's index by file name; empty when there is none or it is not valid. */
    static Map<String, Entry> read(Path journalDir, String storeId) {
        Path file = journalDir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            int end = text.lastIndexOf("end ");
            if (end < 0 || !text.startsWith(MAGIC + storeId + "\n")) {
                return Map.of();
            }
            String body = text.substring(0, end);
            if (!text.substring(end + 4).trim().equals(Integer.toHexString(crc(body)))) {
                return Map.of();
            }
            Map<String, Entry> entries = new HashMap<>();
            String[] lines = body.split("\n");
            for (int i = 1; i < lines.length; i++) {
                String[] f = lines[i].split(" ");
                if (f.length != 6) {
                    return Map.of();
                }
                Entry e = new Entry(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]),
                        Long.parseLong(f[5]));
                if (e.lastSequence < e.firstSequence || e.firstSequence <= 0) {
                    return Map.of();
                }
                entries.put(e.name, e);
            }
            return entries;
        } catch (IOException | RuntimeException e) {
            return Map.of(); // unreadable: the segments are checked whole
        }
    }

    /** Writes the index (best effort: a failure only means the next open checks the segments whole). */
    static void write(Path journalDir, String storeId, List<Entry> entries) {
        StringBuilder b = new StringBuilder(MAGIC).append(storeId).append('\n');
        for (Entry e : entries) {
            b.append(e.name).append(' ').append(e.size).append(' ').append(e.modifiedNanos).append(' ').append(e.firstSequence)
                    .append(' ').append(e.lastSequence).append(' ').append(e.maxEpoch).append('\n');
        }
        String body = b.toString();
        Path tmp = journalDir.resolve(FILE_NAME + ".tmp");
        try {
            Files.writeString(tmp, body + "end " + Integer.toHexString(crc(body)) + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(tmp, journalDir.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, journalDir.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            remove(journalDir);
        }
    }

    /** Removes the index (its segments are about to be written by someone else). */
    static void remove(Path journalDir) {
        try {
            Files.deleteIfExists(journalDir.resolve(FILE_NAME));
            Files.deleteIfExists(journalDir.resolve(FILE_NAME + ".tmp"));
        } catch (IOException e) {
            // a stale index is still checked against each file's size and time
        }
    }

    private static int crc(String text) {
        CRC32C c = new CRC32C();
        c.update(text.getBytes(StandardCharsets.UTF_8));
        return (int) c.getValue();
    }
}
