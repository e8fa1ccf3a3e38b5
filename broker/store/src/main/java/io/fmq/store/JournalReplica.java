package io.fmq.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The passive side of journal replication: a store folder that is kept a byte-for-byte copy of the active
 * server's journal by applying what the active's {@link JournalTap} saw (segment writes, deletions, epochs).
 * No {@link FileJournal} is open on the folder meanwhile; when this server takes over it closes the replica
 * and opens the folder as a journal, whose recovery then checks every record (and drops a torn last write,
 * which the active never confirmed).
 *
 * <p>Not thread-safe: one thread applies the changes.
 */
public final class JournalReplica implements AutoCloseable {
    private final Path dir;
    private final Path journalDir;
    private final Map<Long, FileChannel> open = new TreeMap<>();
    private StoreMeta meta;
    private boolean dirty;
    /** A segment file was created or deleted since the last force: the folder's entries must be forced too. */
    private boolean entriesChanged;

    /** What a replica holds of one segment: its name (first sequence), its length and the CRC32C of its bytes. */
    public record SegmentDigest(long firstSequence, long size, int crc) {
    }

    private JournalReplica(Path dir) throws IOException {
        this.dir = dir;
        this.journalDir = dir.resolve("journal");
        Files.createDirectories(journalDir);
        this.meta = StoreMeta.readOrCreate(dir);
        SealedIndex.remove(journalDir); // another server writes the segments now: the next open checks them whole
    }

    /** Opens a store folder (creating it if needed) to be written as a replica. */
    public static JournalReplica open(Path storeDir) throws IOException {
        return new JournalReplica(storeDir);
    }

    /** The epoch this copy has reached. */
    public long epoch() {
        return meta.epoch();
    }

    /** Every segment file with its size and checksum, in sequence order: what the active compares with its own. */
    public List<SegmentDigest> digest() throws IOException {
        List<SegmentDigest> list = new ArrayList<>();
        for (Path p : segmentFiles()) {
            byte[] data = Files.readAllBytes(p);
            CRC32C crc = new CRC32C();
            crc.update(data);
            list.add(new SegmentDigest(firstSequenceOf(p), data.length, (int) crc.getValue()));
        }
        return list;
    }

    /**
     * Writes bytes of a segment at {@code offset}; offset 0 creates the segment afresh (dropping any older
     * content under that name).
     */
    public void write(long segmentFirstSequence, long offset, ByteBuffer bytes) throws IOException {
        FileChannel ch = open.get(segmentFirstSequence);
        if (offset == 0) {
            if (ch != null) {
                ch.close();
            }
            ch = FileChannel.open(segmentPath(segmentFirstSequence), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            open.put(segmentFirstSequence, ch);
            entriesChanged = true;
        } else if (ch == null) {
            Path path = segmentPath(segmentFirstSequence);
            if (!Files.exists(path)) {
                throw new IOException("the replica has no segment " + path.getFileName() + " to continue at byte " + offset);
            }
            ch = FileChannel.open(path, StandardOpenOption.WRITE);
            open.put(segmentFirstSequence, ch);
        }
        long pos = offset;
        while (bytes.hasRemaining()) {
            pos += ch.write(bytes, pos);
        }
        dirty = true;
    }

    /** Cuts a segment to {@code size} bytes (the active's copy is shorter: this one holds a history the active lacks). */
    public void truncate(long segmentFirstSequence, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(segmentPath(segmentFirstSequence), StandardOpenOption.WRITE)) {
            ch.truncate(size);
            ch.force(true);
        }
    }

    /** Deletes a segment the active deleted (or never had). */
    public void delete(long segmentFirstSequence) throws IOException {
        FileChannel ch = open.remove(segmentFirstSequence);
        if (ch != null) {
            ch.close();
        }
        Files.deleteIfExists(segmentPath(segmentFirstSequence));
        dirty = true;
        entriesChanged = true;
    }

    /** Records the active's epoch in this store's meta file (durably, at once). */
    public void epoch(long epoch) throws IOException {
        if (epoch != meta.epoch()) {
            meta = meta.withEpoch(epoch);
            meta.write(dir);
        }
    }

    /** Makes everything written so far durable: the data of the written segments and the folder's entries. */
    public void force() throws IOException {
        if (!dirty) {
            return;
        }
        for (FileChannel ch : open.values()) {
            ch.force(false);
        }
        if (entriesChanged) {
            FileJournal.forceDirectory(journalDir);
            entriesChanged = false;
        }
        // keep only the newest segment open: the others are sealed on the active
        while (open.size() > 1) {
            Long first = open.keySet().iterator().next();
            open.remove(first).close();
        }
        dirty = false;
    }

    @Override
    public void close() throws IOException {
        force();
        for (FileChannel ch : open.values()) {
            ch.close();
        }
        open.clear();
    }

    private List<Path> segmentFiles() throws IOException {
        try (Stream<Path> s = Files.list(journalDir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".seg")).sorted().toList();
        }
    }

    private Path segmentPath(long firstSequence) {
        return journalDir.resolve(String.format("%020d.seg", firstSequence));
    }

    private static long firstSequenceOf(Path segment) {
        String name = segment.getFileName().toString();
        return Long.parseLong(name.substring(0, name.length() - ".seg".length()));
    }

    /** CRC32C of the first {@code length} bytes of a file, to tell whether a replica's shorter copy is a prefix of it. */
    public static int prefixCrc(Path file, long length) throws IOException {
        CRC32C crc = new CRC32C();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocateDirect(256 * 1024);
            long remaining = length;
            while (remaining > 0) {
                b.clear().limit((int) Math.min(b.capacity(), remaining));
                int n = ch.read(b);
                if (n < 0) {
                    throw new IOException(file + " is shorter than " + length + " bytes");
                }
                b.flip();
                crc.update(b);
                remaining -= n;
            }
        }
        return (int) crc.getValue();
    }
}
