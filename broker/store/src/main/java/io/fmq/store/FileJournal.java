package io.fmq.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The journal on disk: segment files under {@code <store>/journal/} in the layout of {@link RecordCodec},
 * and {@code <store>/store.meta} for the store's identity and epoch.
 *
 * <p><b>Group commit.</b> One writer thread owns the open segment. Appends wait in a queue; the writer
 * takes everything queued, writes it in one go, forces it to disk once and only then completes the
 * appends' futures. Concurrent writers therefore share one fsync, and a future that completed means the
 * record survives a crash.
 *
 * <p><b>Recovery.</b> Opening reads every segment. An invalid record in the last segment with no valid
 * record after it is a torn last write: the file is truncated there and the repair reported. Damage
 * anywhere else, or valid records after the damage, is a {@link CorruptJournalException}: nothing is
 * dropped silently and the journal does not open.
 *
 * <p><b>Compaction.</b> Sealed segments (all but the one being written) without live records are deleted;
 * sealed segments whose live records fill less than half of them are rewritten by re-appending those
 * records (new sequence numbers) and then deleted. A crash between the two leaves a record both in its
 * copy and in its original: replay consumers must apply records idempotently (a message by its id).
 *
 * <p><b>Shared stores.</b> Opened with {@link #openFenced}, the journal belongs to one writer epoch: it fences
 * older writers off as {@link WriterFence} describes (segments of older epochs count up to their sealed length;
 * this writer writes only to segments of its own epoch, {@code <first sequence>-<epoch>.seg}) and, after each
 * write is durable, confirms it only while {@code writer.epoch} still names its epoch.
 */
public final class FileJournal implements Journal {
    /** Default size at which the writer starts a new segment. */
    public static final long DEFAULT_SEGMENT_SIZE = 32L * 1024 * 1024;
    private static final int MAX_BATCH = 4096;
    private static final int BUFFER_SIZE = 1024 * 1024;
    private static final Pending CLOSE = new Pending(null, null, null, false, null);

    private final Path dir;
    private final Path journalDir;
    /** The writer epoch of a fenced (shared) journal, 0 for a journal of its own store. */
    private final long fencedEpoch;
    /** A fenced journal: the identity of the lock that guards the shared store. */
    private final String lockIdentity;
    private final long segmentSize;
    private final List<Segment> segments = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private final RecoveryReport report;
    private final Object epochLock = new Object();
    private volatile StoreMeta meta;
    private volatile long lastSequence;
    private volatile IOException failure;
    private volatile boolean closed;
    private FileChannel channel; // the last segment's, owned by the writer thread after open
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_SIZE);
    /** Asked before appends are confirmed: false means this server may no longer confirm anything (HA lease ended). */
    private volatile java.util.function.BooleanSupplier confirmGate = () -> true;
    /** Replication's view of the writes; owned by the writer thread (changed only through commands). */
    private JournalTap tap;

    /** An append, or (type null) a command the writer thread runs between batches. */
    private record Pending(RecordType type, byte[] payload, CompletableFuture<Long> future, boolean force, Runnable command) {
    }

    /** A segment file as it was at a {@link #attachTap} point: its name, path and size then. */
    public record SegmentSnapshot(long firstSequence, Path path, long size) {
    }

    /** The journal at the moment a tap was attached: what a replica must copy before the tap's calls. */
    public record TapPoint(List<SegmentSnapshot> segments, long lastSequence, long epoch) {
    }

    /** A segment file and how far it is durable (its size for sealed segments). */
    private static final class Segment {
        final Path path;
        final long firstSequence;
        volatile long size;
        /** The highest epoch of an EPOCH record in the segment, 0 when none (written by the writer thread). */
        volatile long maxEpoch;

        Segment(Path path, long firstSequence, long size) {
            this.path = path;
            this.firstSequence = firstSequence;
            this.size = size;
        }
    }

    private FileJournal(Path dir, long segmentSize, long fencedEpoch, String lockIdentity) throws IOException {
        this.dir = dir;
        this.journalDir = dir.resolve("journal");
        this.segmentSize = segmentSize;
        this.fencedEpoch = fencedEpoch;
        this.lockIdentity = lockIdentity;
        Files.createDirectories(journalDir);
        this.meta = StoreMeta.readOrCreate(dir);
        this.report = fencedEpoch > 0 ? recoverFenced() : recover();
        this.writer = new Thread(this::writeLoop, "fmq-journal-writer");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** Opens (creating if needed) the journal of a store folder, recovering it; see {@link #recoveryReport()}. */
    public static FileJournal open(Path storeDir) throws IOException {
        return open(storeDir, DEFAULT_SEGMENT_SIZE);
    }

    public static FileJournal open(Path storeDir, long segmentSize) throws IOException {
        if (segmentSize < RecordCodec.SEGMENT_HEADER_SIZE + RecordCodec.RECORD_HEADER_SIZE) {
            throw new IllegalArgumentException("segment size too small: " + segmentSize);
        }
        return new FileJournal(storeDir, segmentSize, 0, null);
    }

    /**
     * Opens a shared store for the writer of {@code writerEpoch}, fencing every older writer off first
     * ({@link WriterFence}): refused if the store has seen this epoch or a later one, or if it is guarded by a
     * lock other than {@code lockIdentity}.
     */
    public static FileJournal openFenced(Path storeDir, long writerEpoch, String lockIdentity) throws IOException {
        return openFenced(storeDir, writerEpoch, lockIdentity, DEFAULT_SEGMENT_SIZE);
    }

    /** The newest epoch a shared store has seen (fence, seals, store.meta), without changing anything; 0 for a new store. */
    public static long sharedEpoch(Path storeDir) throws IOException {
        long meta = Files.exists(storeDir.resolve(StoreMeta.FILE_NAME)) ? StoreMeta.readOrCreate(storeDir).epoch() : 0;
        return Math.max(meta, Math.max(WriterFence.writerEpoch(storeDir), WriterFence.seals(storeDir).epoch()));
    }

    public static FileJournal openFenced(Path storeDir, long writerEpoch, String lockIdentity, long segmentSize) throws IOException {
        if (writerEpoch <= 0) {
            throw new IllegalArgumentException("a writer epoch is positive, not " + writerEpoch);
        }
        return new FileJournal(storeDir, segmentSize, writerEpoch, java.util.Objects.requireNonNull(lockIdentity, "lockIdentity"));
    }

    public RecoveryReport recoveryReport() {
        return report;
    }

    /** The store's identity, kept in {@code store.meta}. */
    public String storeId() {
        return meta.storeId();
    }

    // ------------------------------------------------------------------------------------- recovery

    private RecoveryReport recover() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(journalDir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".seg")).sorted().collect(Collectors.toList());
        }
        List<String> repairs = new ArrayList<>();
        long records = 0;
        long last = 0;
        long epoch = meta.epoch();
        Map<String, SealedIndex.Entry> index = SealedIndex.read(journalDir, meta.storeId());
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            boolean isLast = i == files.size() - 1;
            if (!isLast) {
                // sealed, and checked whole at an earlier open or written by this store since: its figures are in the
                // index when its size and time are unchanged and its header agrees (every reader checks each record's
                // CRC as it reads it, so a change inside it is still found, by the broker's recovery pass)
                SealedIndex.Entry known = index.get(file.getFileName().toString());
                if (known != null && known.firstSequence() > last && known.matches(file) && headerFirstSequence(file) == known.firstSequence()) {
                    records += known.lastSequence() - known.firstSequence() + 1;
                    last = known.lastSequence();
                    epoch = Math.max(epoch, known.maxEpoch());
                    Segment seg = new Segment(file, known.firstSequence(), known.size());
                    seg.maxEpoch = known.maxEpoch();
                    segments.add(seg);
                    continue;
                }
                // otherwise checked through a small buffer (a torn write can only be in the last segment)
                long[] checked = checkSealed(file, last);
                if (checked != null) {
                    records += checked[0];
                    last = checked[1];
                    epoch = Math.max(epoch, checked[2]);
                    Segment seg = new Segment(file, checked[3], Files.size(file));
                    seg.maxEpoch = checked[2];
                    segments.add(seg);
                    continue;
                } // not valid as a whole: read below, which says what is wrong
            }
            byte[] data = Files.readAllBytes(file);
            long[] header = RecordCodec.readSegmentHeader(ByteBuffer.wrap(data));
            if (header == null) {
                if (isLast && noValidRecordFrom(data, 0, last)) {
                    Files.delete(file);
                    repairs.add("Removed " + file.getFileName() + ": a segment whose creation a crash interrupted ("
                            + data.length + " bytes, no record in it).");
                    continue;
                }
                throw new CorruptJournalException(file, 0, "invalid segment header");
            }
            if (header[1] <= last) {
                throw new CorruptJournalException(file, 0, "its first sequence " + header[1] + " is not after " + last);
            }
            int pos = RecordCodec.SEGMENT_HEADER_SIZE;
            long expected = header[1];
            while (pos < data.length) {
                Record r = RecordCodec.readRecord(data, pos, data.length);
                if (r == null || r.sequence() != expected) {
                    if (!isLast || !noValidRecordFrom(data, pos + 1, expected - 1)) {
                        throw new CorruptJournalException(file, pos, r == null ? "invalid record" : "sequence " + r.sequence()
                                + " where " + expected + " was expected");
                    }
                    int dropped = data.length - pos;
                    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                        ch.truncate(pos);
                        ch.force(true);
                    }
                    repairs.add("Truncated the torn last write of " + file.getFileName() + ": 1 incomplete record ("
                            + dropped + " bytes from byte " + pos + ") was dropped; it had not been confirmed.");
                    break;
                }
                if (r.type() == RecordType.EPOCH && r.payload().length == 8) {
                    epoch = Math.max(epoch, ByteBuffer.wrap(r.payload()).getLong());
                }
                records++;
                last = r.sequence();
                expected++;
                pos += RecordCodec.encodedSize(r.payload());
            }
            segments.add(new Segment(file, header[1], Math.min(pos, data.length)));
        }
        if (epoch != meta.epoch()) {
            meta = meta.withEpoch(epoch);
            meta.write(dir);
        }
        lastSequence = last;
        if (segments.isEmpty()) {
            newSegment(last + 1);
        } else {
            Segment tail = segments.get(segments.size() - 1);
            channel = FileChannel.open(tail.path, StandardOpenOption.WRITE);
            channel.position(tail.size);
        }
        writeSealedIndex();
        return new RecoveryReport(segments.size(), records, last, meta.epoch(), repairs);
    }

    /**
     * Writes the index of the sealed segments (every one but the tail): name, size, time, sequences, highest epoch
     * record. Best effort: a store without it, or with a damaged one, is checked whole at the next open.
     */
    private void writeSealedIndex() {
        if (fencedEpoch > 0) {
            return;
        }
        List<Segment> all = List.copyOf(segments);
        List<SealedIndex.Entry> sealed = new ArrayList<>();
        for (int i = 0; i + 1 < all.size(); i++) {
            Segment s = all.get(i);
            long lastOfIt = all.get(i + 1).firstSequence - 1;
            if (lastOfIt < s.firstSequence) {
                continue; // an empty segment (header only): checked at open, as it costs nothing
            }
            try {
                sealed.add(new SealedIndex.Entry(s.path.getFileName().toString(), Files.size(s.path),
                        SealedIndex.modifiedNanos(s.path), s.firstSequence, lastOfIt, s.maxEpoch));
            } catch (IOException e) {
                return; // deleted meanwhile (a compaction): no index this time
            }
        }
        SealedIndex.write(journalDir, meta.storeId(), sealed);
    }

    /** The first sequence in a segment file's header, or -1 when the header is not valid. */
    private static long headerFirstSequence(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(RecordCodec.SEGMENT_HEADER_SIZE);
            if (!readFully(ch, b, 0, RecordCodec.SEGMENT_HEADER_SIZE)) {
                return -1;
            }
            long[] header = RecordCodec.readSegmentHeader(b);
            return header == null ? -1 : header[1];
        }
    }

    /**
     * Checks a sealed segment record by record (header, CRC, consecutive sequences after {@code after}) through a 1 MiB
     * buffer, without keeping the records: {records, last sequence, highest epoch record (0: none), first sequence}, or
     * null when anything in it is not valid (the caller then reads it whole, to say where).
     */
    private static long[] checkSealed(Path file, long after) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer b = ByteBuffer.allocateDirect(1024 * 1024); // a heap buffer costs an extra copy per read
            ByteBuffer view = b.duplicate(); // for the CRC
            if (!readFully(ch, b, 0, RecordCodec.SEGMENT_HEADER_SIZE)) {
                return null;
            }
            long[] header = RecordCodec.readSegmentHeader(b);
            if (header == null || header[1] <= after) {
                return null;
            }
            long expected = header[1];
            long records = 0;
            long epoch = 0;
            long pos = RecordCodec.SEGMENT_HEADER_SIZE;
            b.clear().flip();
            long bufferStart = pos;
            while (pos < size) {
                int at = (int) (pos - bufferStart);
                if (b.limit() - at < RecordCodec.RECORD_HEADER_SIZE) {
                    if (!refill(ch, b, pos, RecordCodec.RECORD_HEADER_SIZE)) {
                        return null;
                    }
                    bufferStart = pos;
                    at = 0;
                }
                int length = b.getInt(at);
                if (length < 0 || length > RecordCodec.MAX_PAYLOAD) {
                    return null;
                }
                int total = RecordCodec.RECORD_HEADER_SIZE + length;
                if (b.limit() - at < total) {
                    if (total > b.capacity()) {
                        b = ByteBuffer.allocate(total);
                        view = b.duplicate();
                    }
                    if (!refill(ch, b, pos, total)) {
                        return null;
                    }
                    bufferStart = pos;
                    at = 0;
                }
                byte type = b.get(at + 4);
                long sequence = b.getLong(at + 5);
                int crc = b.getInt(at + 13);
                if (sequence != expected || RecordType.ofCode(type) == null
                        || RecordCodec.crc(length, type, sequence, view, at + RecordCodec.RECORD_HEADER_SIZE) != crc) {
                    return null;
                }
                if (type == RecordType.EPOCH.code() && length == 8) {
                    epoch = Math.max(epoch, b.getLong(at + RecordCodec.RECORD_HEADER_SIZE));
                }
                records++;
                expected++;
                pos += total;
            }
            return new long[] {records, expected - 1, epoch, header[1]};
        }
    }

    /** Fills {@code b} from {@code position} of the file (at least {@code need} bytes); false at the file's end first. */
    private static boolean refill(FileChannel ch, ByteBuffer b, long position, int need) throws IOException {
        b.clear();
        long p = position;
        while (b.position() < need) {
            int n = ch.read(b, p);
            if (n < 0) {
                b.flip();
                return false;
            }
            p += n;
        }
        b.flip();
        return true;
    }

    private static boolean readFully(FileChannel ch, ByteBuffer b, long position, int need) throws IOException {
        return refill(ch, b, position, need);
    }

    /** A segment file of a shared store: its name, header epoch and first sequence. */
    private record SegmentFile(Path path, long epoch, long firstSequence) {
    }

    /**
     * Recovery of a shared store by a new writer: fence (writer.epoch), measure, seal, then a segment of its own.
     * Nothing of another writer's files is changed: a torn tail is left where it is and counted out by the seal.
     */
    private RecoveryReport recoverFenced() throws IOException {
        long fenced = WriterFence.writerEpoch(dir);
        WriterFence.Seals seals = WriterFence.seals(dir);
        if (seals.lockIdentity() != null && !seals.lockIdentity().equals(lockIdentity)) {
            throw new IOException("The shared store in " + dir + " is guarded by the lock file with identity " + seals.lockIdentity()
                    + ", but this server's lock file has identity " + lockIdentity + ": the two servers use different lock files, "
                    + "so both could become active. Make FMQGroup.LockFile of both servers name the same file.");
        }
        long newestSeen = Math.max(Math.max(fenced, seals.epoch()), meta.epoch());
        if (newestSeen >= fencedEpoch) {
            throw new IOException("The shared store in " + dir + " was already written in epoch " + newestSeen
                    + "; this server may not open it in epoch " + fencedEpoch + " (a newer server took it over).");
        }
        WriterFence.writeEpoch(dir, fencedEpoch);
        List<SegmentFile> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(journalDir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".seg")).collect(Collectors.toList())) {
                byte[] head = new byte[RecordCodec.SEGMENT_HEADER_SIZE];
                int n;
                try (java.io.InputStream in = Files.newInputStream(p)) {
                    n = in.readNBytes(head, 0, head.length);
                }
                long[] header = n == head.length ? RecordCodec.readSegmentHeader(ByteBuffer.wrap(head)) : null;
                if (header != null) {
                    files.add(new SegmentFile(p, header[0], header[1]));
                }
                // a file without a valid header holds no record: a creation cut short, by whichever writer
            }
        }
        files.sort(java.util.Comparator.comparingLong(SegmentFile::firstSequence).thenComparingLong(SegmentFile::epoch));
        List<String> repairs = new ArrayList<>();
        List<SegmentFile> kept = new ArrayList<>();
        for (SegmentFile f : files) {
            String name = f.path().getFileName().toString();
            if (f.epoch() >= fencedEpoch) {
                throw new CorruptJournalException(f.path(), 0, "a segment of epoch " + f.epoch() + " in a store fenced at epoch " + fenced);
            }
            if (f.epoch() < seals.epoch() && !seals.lengths().containsKey(name)) {
                repairs.add("Ignored " + name + ": written by a server of epoch " + f.epoch() + " after epoch " + seals.epoch()
                        + " had taken the store over; none of it was confirmed.");
            } else {
                kept.add(f);
            }
        }
        Map<String, Long> sealed = new java.util.TreeMap<>();
        long records = 0;
        long last = 0;
        for (int i = 0; i < kept.size(); i++) {
            SegmentFile f = kept.get(i);
            String name = f.path().getFileName().toString();
            Long sealedLength = seals.lengths().get(name);
            if (f.firstSequence() != last + 1) {
                throw new CorruptJournalException(f.path(), 0, "its first sequence " + f.firstSequence() + " does not follow " + last);
            }
            byte[] data = Files.readAllBytes(f.path());
            if (sealedLength != null && sealedLength > data.length) {
                throw new CorruptJournalException(f.path(), data.length, "it is shorter than its sealed length " + sealedLength);
            }
            int limit = sealedLength == null ? data.length : (int) (long) sealedLength;
            int pos = RecordCodec.SEGMENT_HEADER_SIZE;
            long expected = f.firstSequence();
            while (pos < limit) {
                Record r = RecordCodec.readRecord(data, pos, limit);
                if (r == null || r.sequence() != expected) {
                    // only the last writer's last segment may end in a torn write (its writer may even be writing still)
                    if (sealedLength != null || i != kept.size() - 1) {
                        throw new CorruptJournalException(f.path(), pos, r == null ? "invalid record" : "sequence " + r.sequence()
                                + " where " + expected + " was expected");
                    }
                    repairs.add("Counted out the torn last write of " + name + " (" + (limit - pos) + " bytes from byte " + pos
                            + "): it had not been confirmed.");
                    break;
                }
                records++;
                last = r.sequence();
                expected++;
                pos += RecordCodec.encodedSize(r.payload());
            }
            int length = Math.min(pos, limit);
            sealed.put(name, (long) length);
            segments.add(new Segment(f.path(), f.firstSequence(), length));
        }
        WriterFence.writeSeals(dir, new WriterFence.Seals(fencedEpoch, lockIdentity, sealed));
        meta = meta.withEpoch(fencedEpoch);
        lastSequence = last;
        newSegment(last + 1);
        return new RecoveryReport(segments.size(), records, last, fencedEpoch, repairs);
    }

    /** Whether no valid record with a sequence after {@code after} starts anywhere from {@code from} on. */
    private static boolean noValidRecordFrom(byte[] data, int from, long after) {
        for (int p = Math.max(from, 0); p + RecordCodec.RECORD_HEADER_SIZE <= data.length; p++) {
            Record r = RecordCodec.readRecord(data, p, data.length);
            if (r != null && r.sequence() > after) {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------------------------- appending

    @Override
    public CompletableFuture<Long> append(RecordType type, byte[] payload) {
        return enqueue(type, payload, true);
    }

    @Override
    public CompletableFuture<Long> appendLazily(RecordType type, byte[] payload) {
        return enqueue(type, payload, false);
    }

    private CompletableFuture<Long> enqueue(RecordType type, byte[] payload, boolean force) {
        CompletableFuture<Long> future = new CompletableFuture<>();
        if (payload.length > RecordCodec.MAX_PAYLOAD) {
            future.completeExceptionally(new IllegalArgumentException("a record holds at most " + RecordCodec.MAX_PAYLOAD
                    + " bytes, not " + payload.length));
            return future;
        }
        IOException failed = failure;
        if (failed != null) {
            future.completeExceptionally(new IOException("the journal stopped after a write error: " + failed.getMessage(), failed));
        } else if (closed) {
            future.completeExceptionally(new IOException("the journal is closed"));
        } else {
            queue.add(new Pending(type, payload, future, force, null));
        }
        return future;
    }

    /** Runs {@code command} on the writer thread between batches and waits for it. */
    private void onWriter(Runnable command) throws IOException {
        CompletableFuture<Long> done = new CompletableFuture<>();
        if (closed) {
            throw new IOException("the journal is closed");
        }
        queue.add(new Pending(null, null, done, false, () -> {
            command.run();
            done.complete(0L);
        }));
        await(done);
    }

    /**
     * Starts handing every write to {@code newTap} and returns the journal as it is at that instant: the segment
     * files and their sizes. A replica that copies those bytes and then applies the tap's calls is an exact copy.
     * Replaces any tap attached before.
     */
    public TapPoint attachTap(JournalTap newTap) throws IOException {
        TapPoint[] point = new TapPoint[1];
        onWriter(() -> {
            tap = newTap;
            List<SegmentSnapshot> list = new ArrayList<>();
            for (Segment s : segments) {
                list.add(new SegmentSnapshot(s.firstSequence, s.path, s.size));
            }
            point[0] = new TapPoint(List.copyOf(list), lastSequence, meta.epoch());
        });
        return point[0];
    }

    /** Stops handing writes to the tap; appends are confirmed on the local disk alone from now on. */
    public void detachTap() throws IOException {
        onWriter(() -> tap = null);
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>();
        boolean closing = false;
        while (!closing) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                break;
            }
            queue.drainTo(batch, MAX_BATCH);
            closing = batch.remove(CLOSE);
            // appends are written in runs; a command runs in its place between them (so a tap it attaches
            // sees exactly the writes after its snapshot)
            List<Pending> run = new ArrayList<>();
            for (Pending p : batch) {
                if (p.command() == null) {
                    run.add(p);
                    continue;
                }
                closing |= writeRun(run);
                run = new ArrayList<>();
                try {
                    p.command().run();
                } catch (RuntimeException e) {
                    p.future().completeExceptionally(e);
                }
            }
            closing |= writeRun(run);
            batch.clear();
        }
        failQueued(new IOException("the journal is closed"));
    }

    /** Writes one run of appends and confirms them; returns whether a close request was seen after a failure. */
    private boolean writeRun(List<Pending> run) {
        if (run.isEmpty()) {
            return false;
        }
        IOException failed = failure;
        if (failed != null) {
            // queued in the instant before the failure became visible: never write after a write error
            run.forEach(p -> p.future().completeExceptionally(failed));
            return false;
        }
        long[] sequences = new long[run.size()];
        try {
            write(run, sequences);
            if (fencedEpoch > 0) {
                checkFence();
            }
        } catch (IOException | RuntimeException e) {
            IOException io = e instanceof IOException ? (IOException) e : new IOException(e);
            failure = io;
            run.forEach(p -> p.future().completeExceptionally(io));
            return failQueued(io);
        }
        complete(run, sequences, tap == null ? null : tap.durable(lastSequence));
        return false;
    }

    /**
     * Sets what is asked before appends are confirmed. A server of an HA pair passes "my serving lease has not run
     * out": a server that cannot prove it still holds the lock then confirms nothing, even before its controller has
     * stepped it down. The records stay written; only their confirmation is refused.
     */
    public void setConfirmGate(java.util.function.BooleanSupplier gate) {
        confirmGate = gate == null ? () -> true : gate;
    }

    /** Confirms a written run: at once, or once the replica has it too; never once the confirm gate has closed. */
    private void complete(List<Pending> run, long[] sequences, CompletableFuture<Void> replicated) {
        if (!confirmGate.getAsBoolean()) {
            IOException refused = new NotAllowedToConfirmException("this server is no longer allowed to confirm changes (it cannot "
                    + "prove it still holds the HA lock); the client should retry on the active server");
            run.forEach(p -> p.future().completeExceptionally(refused));
            return;
        }
        if (replicated == null || replicated.isDone() && !replicated.isCompletedExceptionally()) {
            for (int i = 0; i < run.size(); i++) {
                run.get(i).future().complete(sequences[i]);
            }
            return;
        }
        replicated.whenComplete((v, e) -> {
            for (int i = 0; i < run.size(); i++) {
                if (e == null) {
                    run.get(i).future().complete(sequences[i]);
                } else {
                    run.get(i).future().completeExceptionally(e);
                }
            }
        });
    }

    /** Fails everything queued; returns whether a close request was among it (it must not be lost). */
    private boolean failQueued(IOException e) {
        List<Pending> rest = new ArrayList<>();
        queue.drainTo(rest);
        rest.stream().filter(p -> p != CLOSE).forEach(p -> p.future().completeExceptionally(e));
        return rest.contains(CLOSE);
    }

    /**
     * Writes a batch, rolling segments as needed, and forces it when any of its records asks to be durable:
     * the one fsync the batch shares.
     */
    private void write(List<Pending> batch, long[] sequences) throws IOException {
        boolean force = batch.stream().anyMatch(Pending::force);
        Segment tail = segments.get(segments.size() - 1);
        long size = tail.size;
        long seq = lastSequence;
        buffer.clear();
        for (int i = 0; i < batch.size(); i++) {
            Pending p = batch.get(i);
            int recordSize = RecordCodec.encodedSize(p.payload());
            if (size + buffer.position() + recordSize > segmentSize && size + buffer.position() > RecordCodec.SEGMENT_HEADER_SIZE) {
                flush(tail, seq);
                channel.force(false);
                tail.size = channel.position();
                tail = newSegment(seq + 1);
                size = tail.size;
            }
            if (p.type() == RecordType.EPOCH && p.payload().length == 8) {
                tail.maxEpoch = Math.max(tail.maxEpoch, ByteBuffer.wrap(p.payload()).getLong());
                if (tap != null) {
                    flush(tail, seq);
                    tap.epochChanged(ByteBuffer.wrap(p.payload()).getLong());
                }
            }
            seq++;
            if (recordSize > buffer.remaining()) {
                flush(tail, seq - 1);
                if (recordSize > buffer.capacity()) {
                    ByteBuffer big = ByteBuffer.allocate(recordSize);
                    RecordCodec.writeRecord(big, seq, p.type(), p.payload());
                    big.flip();
                    if (tap != null) {
                        tap.written(tail.firstSequence, channel.position(), big.duplicate(), seq);
                    }
                    while (big.hasRemaining()) {
                        channel.write(big);
                    }
                    sequences[i] = seq;
                    continue;
                }
            }
            RecordCodec.writeRecord(buffer, seq, p.type(), p.payload());
            sequences[i] = seq;
        }
        flush(tail, seq);
        if (force) {
            channel.force(false);
        }
        tail.size = channel.position();
        lastSequence = seq;
    }

    /**
     * A fenced journal, after a write is durable and before it is confirmed: is this still the store's writer?
     * A newer epoch in {@code writer.epoch} means another server took the store over: nothing more is confirmed or
     * written (what this write added lies past the new writer's seal, and is never read back).
     */
    private void checkFence() throws IOException {
        long current = WriterFence.writerEpoch(dir);
        if (current != fencedEpoch) {
            throw new NotAllowedToConfirmException("this server is no longer allowed to confirm changes: the shared store was "
                    + "taken over by a server of epoch " + current + " (this one writes epoch " + fencedEpoch + "); the client "
                    + "should retry on the active server");
        }
    }

    /** Writes the buffer (whole records up to {@code upTo}) to the tail segment, showing it to the tap first. */
    private void flush(Segment tail, long upTo) throws IOException {
        buffer.flip();
        if (tap != null && buffer.hasRemaining()) {
            tap.written(tail.firstSequence, channel.position(), buffer.duplicate(), upTo);
        }
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
    }

    private Segment newSegment(long firstSequence) throws IOException {
        if (channel != null) {
            channel.close();
        }
        Path path = journalDir.resolve(fencedEpoch > 0 ? String.format("%020d-%d.seg", firstSequence, fencedEpoch)
                : String.format("%020d.seg", firstSequence));
        channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        ByteBuffer header = ByteBuffer.allocate(RecordCodec.SEGMENT_HEADER_SIZE);
        RecordCodec.writeSegmentHeader(header, meta.epoch(), firstSequence);
        header.flip();
        if (tap != null) {
            tap.written(firstSequence, 0, header.duplicate(), firstSequence - 1);
        }
        while (header.hasRemaining()) {
            channel.write(header);
        }
        channel.force(true);
        forceDirectory(journalDir);
        Segment s = new Segment(path, firstSequence, RecordCodec.SEGMENT_HEADER_SIZE);
        segments.add(s);
        return s;
    }

    /** Makes a directory's entries (new, renamed, deleted files) durable. */
    static void forceDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some platforms cannot open a directory; their file systems order metadata themselves
        }
    }

    // ------------------------------------------------------------------------------------- reading

    /** Reads the segments through a buffer of its own ({@link SegmentReader}): memory stays small for any journal. */
    @Override
    public void replay(Consumer<Record> visitor) throws IOException {
        try (SegmentReader reader = new SegmentReader(1)) {
            for (Record r; (r = reader.next(Long.MAX_VALUE)) != null; ) {
                visitor.accept(r);
            }
        }
    }

    @Override
    public void replayViews(RecordView visitor) throws IOException {
        try (SegmentReader reader = new SegmentReader(1)) {
            while (reader.nextView(visitor)) {
                // each record shown in place
            }
        }
    }

    /** The records of one segment up to its durable size now (none if a compaction deleted it meanwhile). */
    private void readSegment(Segment s, Consumer<Record> visitor) throws IOException {
        try (SegmentReader reader = new SegmentReader(s)) {
            for (Record r; (r = reader.next(Long.MAX_VALUE)) != null; ) {
                visitor.accept(r);
            }
        }
    }

    @Override
    public long lastSequence() {
        return lastSequence;
    }

    @Override
    public long epoch() {
        return meta.epoch();
    }

    @Override
    public long beginEpoch() throws IOException {
        return beginEpoch(0);
    }

    /**
     * Starts a new epoch that is at least {@code atLeast} (an HA pair takes the highest epoch either server or the
     * lock has seen, plus one) and always above the current one; returns it once durable.
     */
    public long beginEpoch(long atLeast) throws IOException {
        if (fencedEpoch > 0) {
            throw new IOException("a shared store's journal keeps the epoch it was opened in (" + fencedEpoch + ")");
        }
        synchronized (epochLock) {
            long next = Math.max(meta.epoch() + 1, atLeast);
            meta = meta.withEpoch(next);
            meta.write(dir);
            await(append(RecordType.EPOCH, ByteBuffer.allocate(8).putLong(next).array()));
            return next;
        }
    }

    // ------------------------------------------------------------------------------------- compaction

    /**
     * Three passes over the sealed segments: judge every record and settle each segment's fate (kept in place when at
     * least half its bytes are live, or when it holds a live record at or after the judge's {@code keepInPlaceFrom};
     * otherwise rewritten, or deleted when nothing in it is live), showing the judge every record of a kept segment;
     * show it the records of the segment being written; then judge again the records of the segments to rewrite (what
     * the judge saw stay may make more of them live), re-append the live ones and delete the segment.
     */
    @Override
    public CompactionResult compact(CompactionJudge judge) throws IOException {
        int deleted = 0;
        long copied = 0;
        long reclaimed = 0;
        List<Segment> all = new ArrayList<>(segments);
        List<Segment> sealed = all.subList(0, Math.max(0, all.size() - 1));
        long pinFrom = judge.keepInPlaceFrom();
        List<Segment> rewrite = new ArrayList<>();
        for (int i = 0; i < sealed.size(); i++) {
            if (judge.stopped()) {
                return new CompactionResult(0, 0, 0); // nothing rewritten yet
            }
            Segment s = sealed.get(i);
            boolean pinned = all.get(i + 1).firstSequence - 1 >= pinFrom;
            List<Record> records = new ArrayList<>();
            long[] liveBytes = {0};
            readSegment(s, r -> {
                records.add(r);
                if (judge.isLive(r)) {
                    liveBytes[0] += RecordCodec.encodedSize(r.payload());
                }
            });
            if (liveBytes[0] * 2 >= s.size || (pinned && liveBytes[0] > 0)) {
                records.forEach(judge::remains);
            } else {
                rewrite.add(s);
            }
        }
        if (!all.isEmpty()) {
            readSegment(all.get(all.size() - 1), judge::remains);
        }
        for (Segment s : rewrite) {
            if (judge.stopped()) {
                break; // every segment rewritten so far is complete
            }
            List<Record> keep = new ArrayList<>();
            long[] liveBytes = {0};
            readSegment(s, r -> {
                if (judge.isLive(r)) {
                    keep.add(r);
                    liveBytes[0] += RecordCodec.encodedSize(r.payload());
                }
            });
            List<CompletableFuture<Long>> copies = new ArrayList<>();
            for (Record r : keep) {
                copies.add(append(r.type(), r.payload()));
            }
            for (CompletableFuture<Long> f : copies) {
                await(f);
            }
            // deleted on the writer thread, so that a tap sees the deletion in order with the writes
            onWriter(() -> {
                segments.remove(s);
                try {
                    Files.deleteIfExists(s.path);
                    forceDirectory(journalDir);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                if (tap != null) {
                    tap.deleted(s.firstSequence);
                }
            });
            deleted++;
            copied += keep.size();
            reclaimed += s.size - liveBytes[0];
        }
        return new CompactionResult(deleted, copied, reclaimed);
    }

    @Override
    public JournalReader reader(long fromSequence) {
        return new SegmentReader(fromSequence);
    }

    /**
     * Reads records in order through the segment files, a buffer at a time, up to each segment's durable size; moves
     * to the next segment at the end of one. Belongs to the thread that uses it.
     */
    private final class SegmentReader implements JournalReader {
        private long next;
        /** Reads only this segment, up to its size when the reader was made (null: every segment, as they grow). */
        private final Segment only;
        private final long onlyLimit;
        private Segment segment;
        private FileChannel channel;
        private long filePosition;
        /** Direct: a read into a heap buffer goes through a direct one and is copied again (four times slower here). */
        private ByteBuffer buffer = ByteBuffer.allocateDirect(256 * 1024).flip();
        /** A view of {@link #buffer} whose position and limit the reader moves to show or check one record. */
        private ByteBuffer view = buffer.duplicate();

        SegmentReader(long fromSequence) {
            this.next = Math.max(1, fromSequence);
            this.only = null;
            this.onlyLimit = 0;
        }

        SegmentReader(Segment s) {
            this.next = s.firstSequence;
            this.only = s;
            this.onlyLimit = s.size;
        }

        @Override
        public Record next(long upTo) throws IOException {
            while (next <= upTo) {
                if (segment == null && !open()) {
                    return null;
                }
                Record r = readOne();
                if (r != null) {
                    if (r.sequence() < next) {
                        continue; // before the start, in the segment the reader began in
                    }
                    if (r.sequence() > upTo) {
                        unread(r);
                        return null;
                    }
                    next = r.sequence() + 1;
                    return r;
                }
                Segment following = only != null ? null : following(segment);
                if (following == null) {
                    return null; // nothing more durable yet
                }
                closeChannel();
                segment = null;
                next = Math.max(next, following.firstSequence);
            }
            return null;
        }

        /** Opens the segment holding {@code next} (or the first after it); false when there is none. */
        private boolean open() throws IOException {
            Segment found = null;
            if (only != null) {
                if (segment == null && filePosition > 0) {
                    return false; // read already
                }
                found = only;
            }
            for (Segment s : only != null ? List.<Segment>of() : segments) {
                if (s.firstSequence <= next || found == null && s.firstSequence > next) {
                    found = s;
                }
                if (s.firstSequence > next) {
                    break;
                }
            }
            if (found == null) {
                return false;
            }
            try {
                channel = FileChannel.open(found.path, StandardOpenOption.READ);
            } catch (java.nio.file.NoSuchFileException e) {
                return false; // deleted meanwhile (nothing live was in it); the caller asks again
            }
            segment = found;
            next = Math.max(next, found.firstSequence);
            filePosition = RecordCodec.SEGMENT_HEADER_SIZE;
            buffer.clear().flip();
            return true;
        }

        private Segment following(Segment s) {
            boolean seen = false;
            for (Segment x : segments) {
                if (seen) {
                    return x;
                }
                seen = x == s;
            }
            if (!seen) { // deleted meanwhile: the first one after it
                for (Segment x : segments) {
                    if (x.firstSequence > s.firstSequence) {
                        return x;
                    }
                }
            }
            return null;
        }

        /** Shows the next record in place (no bound); false when there is none. */
        boolean nextView(RecordView visitor) throws IOException {
            while (true) {
                if (segment == null && !open()) {
                    return false;
                }
                int at = checkedNext();
                if (at >= 0) {
                    int length = buffer.getInt(at);
                    RecordType type = RecordType.ofCode(buffer.get(at + 4));
                    long sequence = buffer.getLong(at + 5);
                    int total = RecordCodec.RECORD_HEADER_SIZE + length;
                    buffer.position(at + total);
                    if (sequence < next) {
                        continue;
                    }
                    next = sequence + 1;
                    view.clear();
                    view.limit(at + total).position(at + RecordCodec.RECORD_HEADER_SIZE);
                    visitor.accept(sequence, type, view);
                    return true;
                }
                Segment following = only != null ? null : following(segment);
                if (following == null) {
                    return false;
                }
                closeChannel();
                segment = null;
                next = Math.max(next, following.firstSequence);
            }
        }

        /**
         * Makes the record at the reader's position readable in the buffer and checks it (its CRC); its offset in the
         * buffer (the position is not moved), or -1 at the end of the segment's durable part.
         */
        private int checkedNext() throws IOException {
            long durable = only != null ? onlyLimit : segment.size;
            if (!fill(RecordCodec.RECORD_HEADER_SIZE, durable)) {
                return -1;
            }
            int length = buffer.getInt(buffer.position());
            if (length < 0 || length > RecordCodec.MAX_PAYLOAD) {
                throw new CorruptJournalException(segment.path, filePosition - buffer.remaining(), "invalid record length");
            }
            int total = RecordCodec.RECORD_HEADER_SIZE + length;
            if (!fill(total, durable)) {
                return -1;
            }
            int at = buffer.position();
            byte code = buffer.get(at + 4);
            long sequence = buffer.getLong(at + 5);
            if (RecordType.ofCode(code) == null || sequence <= 0
                    || RecordCodec.crc(length, code, sequence, view, at + RecordCodec.RECORD_HEADER_SIZE) != buffer.getInt(at + 13)) {
                throw new CorruptJournalException(segment.path, filePosition - buffer.remaining(), "invalid record in the durable part of the segment");
            }
            return at;
        }

        /** The record at the reader's position within its segment's durable part, or null at its end. */
        private Record readOne() throws IOException {
            long durable = only != null ? onlyLimit : segment.size;
            if (!fill(RecordCodec.RECORD_HEADER_SIZE, durable)) {
                return null;
            }
            int length = buffer.getInt(buffer.position());
            if (length < 0 || length > RecordCodec.MAX_PAYLOAD) {
                throw new CorruptJournalException(segment.path, filePosition - buffer.remaining(), "invalid record length");
            }
            int total = RecordCodec.RECORD_HEADER_SIZE + length;
            if (!fill(total, durable)) {
                return null;
            }
            int at = buffer.position();
            Record r = RecordCodec.readRecord(view, at, at + total);
            if (r == null) {
                throw new CorruptJournalException(segment.path, filePosition - buffer.remaining(), "invalid record in the durable part of the segment");
            }
            buffer.position(at + total);
            return r;
        }

        /** Makes {@code bytes} readable in the buffer from the file's durable part; false when it ends before them. */
        private boolean fill(int bytes, long durable) throws IOException {
            if (buffer.remaining() >= bytes) {
                return true;
            }
            if (filePosition - buffer.remaining() + bytes > durable) {
                return false;
            }
            if (buffer.capacity() < bytes) {
                ByteBuffer bigger = ByteBuffer.allocate(bytes);
                bigger.put(buffer);
                buffer = bigger;
                view = buffer.duplicate();
            } else {
                buffer.compact();
            }
            while (buffer.position() < bytes) {
                int want = (int) Math.min(buffer.remaining(), durable - filePosition);
                if (want <= 0) {
                    break;
                }
                ByteBuffer slice = buffer.duplicate().limit(buffer.position() + want);
                int n = channel.read(slice, filePosition);
                if (n < 0) {
                    break;
                }
                filePosition += n;
                buffer.position(buffer.position() + n);
            }
            buffer.flip();
            return buffer.remaining() >= bytes;
        }

        /** Puts a record just read back: it is read again next time. */
        private void unread(Record r) {
            buffer.position(buffer.position() - RecordCodec.encodedSize(r.payload()));
        }

        private void closeChannel() {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException e) {
                    // read-only
                }
                channel = null;
            }
        }

        @Override
        public void close() {
            closeChannel();
        }
    }

    @Override
    public JournalStats stats() {
        long bytes = segments.stream().mapToLong(s -> s.size).sum();
        return new JournalStats(segments.size(), bytes, lastSequence, meta.epoch());
    }

    // ------------------------------------------------------------------------------------- closing

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        queue.add(CLOSE);
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (channel != null && channel.isOpen()) {
            if (failure == null) {
                channel.force(true);
            }
            channel.close();
        }
        if (failure == null) {
            writeSealedIndex();
        }
    }

    private static long await(CompletableFuture<Long> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the journal", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException) {
                throw (IOException) c;
            }
            if (c instanceof UncheckedIOException) {
                throw ((UncheckedIOException) c).getCause();
            }
            throw new UncheckedIOException(new IOException(c));
        }
    }
}
