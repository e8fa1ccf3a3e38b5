package io.fmq.store.replication;

import io.fmq.store.FileJournal;
import io.fmq.store.JournalReplica;
import io.fmq.store.JournalTap;
import io.fmq.store.replication.ReplicationMessage.EpochChange;
import io.fmq.store.replication.ReplicationMessage.SegmentDelete;
import io.fmq.store.replication.ReplicationMessage.SegmentWrite;
import io.fmq.store.replication.ReplicationMessage.SyncComplete;
import io.fmq.store.replication.ReplicationMessage.SyncRequest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The active server's side of replication: brings a passive server's store up to date with the journal, then
 * streams every write to it and confirms the journal's appends only once the passive has them on its disk too.
 *
 * <p><b>Resynchronisation</b> (ACTIVE_SYNC). The passive says what it holds ({@link SyncRequest}: each segment's
 * size and checksum). At one instant ({@link FileJournal#attachTap}) the source takes the journal's segment list;
 * for each segment it sends only the bytes the passive lacks when the passive's copy is a prefix of it (same
 * checksum over the passive's length), the whole segment otherwise, and deletes the passive's segments the
 * journal does not have. Writes made meanwhile are held and sent after the copy, in order; during this phase
 * appends are confirmed on the active's disk alone (the passive's store is incomplete and may not take over).
 * Then {@link SyncComplete}: once the passive acknowledges it, the listener hears {@code inSync}.
 *
 * <p><b>Streaming</b> (ACTIVE). Each write goes to the passive as it is written locally; an append is confirmed
 * when both disks have it (the passive acknowledges the last sequence it forced). Local and remote disk writes
 * overlap, and concurrent appends share both fsyncs.
 */
public final class ReplicationSource implements JournalTap {
    /** Chunk size of the resynchronisation copy. */
    static final int COPY_CHUNK = 1024 * 1024;
    private static final long SEND_TIMEOUT_SECONDS = 60;
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    /** Carries messages to the passive, in order; the future completes when the message left (for back-pressure). */
    public interface Link {
        CompletableFuture<Void> send(ReplicationMessage message);
    }

    /** What the source tells its owner (the HA controller). */
    public interface Listener {
        /** The passive holds everything up to {@code lastSequence}: it is in sync. */
        void inSync(long lastSequence, long bytesCopied);

        /** The copy failed (the store could not be read, or the link refused it). */
        void failed(Exception cause);
    }

    private enum Mode { SYNCING, STREAMING, STOPPED }

    private record Waiter(long sequence, CompletableFuture<Void> future) {
    }

    private final FileJournal journal;
    private final Link link;
    private final Listener listener;
    private final Object lock = new Object();
    private final List<ReplicationMessage> held = new ArrayList<>();
    private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
    private Mode mode = Mode.SYNCING;
    private long sentSequence;
    private long ackedSequence;
    private long syncCompleteSequence = -1;
    private boolean inSyncTold;
    private long bytesCopied;
    private long heldBytes;

    private ReplicationSource(FileJournal journal, Link link, Listener listener) {
        this.journal = journal;
        this.link = link;
        this.listener = listener;
    }

    /** Starts resynchronising the passive that sent {@code request}; the copy runs on {@code copier}. */
    public static ReplicationSource start(FileJournal journal, SyncRequest request, Link link, Listener listener, Executor copier)
            throws IOException {
        ReplicationSource source = new ReplicationSource(journal, link, listener);
        FileJournal.TapPoint point = journal.attachTap(source);
        synchronized (source.lock) {
            source.sentSequence = Math.max(source.sentSequence, point.lastSequence());
        }
        copier.execute(() -> source.copy(point, request));
        return source;
    }

    private void copy(FileJournal.TapPoint point, SyncRequest request) {
        try {
            Map<Long, JournalReplica.SegmentDigest> theirs = new HashMap<>();
            request.segments().forEach(d -> theirs.put(d.firstSequence(), d));
            List<Long> ours = point.segments().stream().map(FileJournal.SegmentSnapshot::firstSequence).toList();
            for (JournalReplica.SegmentDigest d : request.segments()) {
                if (!ours.contains(d.firstSequence())) {
                    await(link.send(new SegmentDelete(d.firstSequence())));
                }
            }
            await(link.send(new EpochChange(point.epoch())));
            for (FileJournal.SegmentSnapshot s : point.segments()) {
                JournalReplica.SegmentDigest d = theirs.get(s.firstSequence());
                long from = 0;
                if (d != null && d.size() > 0 && d.size() <= s.size() && JournalReplica.prefixCrc(s.path(), d.size()) == d.crc()) {
                    from = d.size();
                }
                copyRange(s, from);
            }
            synchronized (lock) {
                if (mode == Mode.STOPPED) {
                    return;
                }
                for (ReplicationMessage m : held) {
                    link.send(m);
                }
                held.clear();
                heldBytes = 0;
                mode = Mode.STREAMING;
                syncCompleteSequence = sentSequence;
                link.send(new SyncComplete(syncCompleteSequence, journal.epoch()));
            }
        } catch (IOException | RuntimeException e) {
            stop(true);
            listener.failed(e);
        }
    }

    private void copyRange(FileJournal.SegmentSnapshot s, long from) throws IOException {
        if (from >= s.size()) {
            return;
        }
        try (FileChannel ch = FileChannel.open(s.path(), StandardOpenOption.READ)) {
            long pos = from;
            while (pos < s.size()) {
                if (stopped()) {
                    return;
                }
                ByteBuffer b = ByteBuffer.allocate((int) Math.min(COPY_CHUNK, s.size() - pos));
                while (b.hasRemaining()) {
                    if (ch.read(b, pos + b.position()) < 0) {
                        throw new IOException(s.path() + " ended before byte " + s.size());
                    }
                }
                await(link.send(new SegmentWrite(s.firstSequence(), pos, b.array(), 0)));
                synchronized (lock) {
                    bytesCopied += b.capacity();
                }
                pos += b.capacity();
            }
        } catch (NoSuchFileException e) {
            // compaction deleted it meanwhile; the deletion is among the held writes and reaches the passive after this
        }
    }

    private boolean stopped() {
        synchronized (lock) {
            return mode == Mode.STOPPED;
        }
    }

    private static void await(CompletableFuture<Void> sent) throws IOException {
        try {
            sent.get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while copying the store to the passive server", e);
        } catch (ExecutionException e) {
            throw new IOException("the HA link refused the copy: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("the HA link accepted nothing for " + SEND_TIMEOUT_SECONDS + " s");
        }
    }

    // ------------------------------------------------------------------------------------- the journal's tap

    @Override
    public void written(long segmentFirstSequence, long offset, ByteBuffer bytes, long lastSequence) {
        byte[] copy = new byte[bytes.remaining()];
        bytes.get(copy);
        forward(new SegmentWrite(segmentFirstSequence, offset, copy, lastSequence), lastSequence, copy.length);
    }

    @Override
    public void deleted(long segmentFirstSequence) {
        forward(new SegmentDelete(segmentFirstSequence), 0, 0);
    }

    @Override
    public void epochChanged(long epoch) {
        forward(new EpochChange(epoch), 0, 0);
    }

    private void forward(ReplicationMessage m, long lastSequence, int bytes) {
        synchronized (lock) {
            if (mode == Mode.STOPPED) {
                return;
            }
            sentSequence = Math.max(sentSequence, lastSequence);
            if (mode == Mode.SYNCING) {
                held.add(m);
                heldBytes += bytes;
            } else {
                link.send(m);
            }
        }
    }

    @Override
    public CompletableFuture<Void> durable(long lastSequence) {
        synchronized (lock) {
            if (mode != Mode.STREAMING || ackedSequence >= lastSequence) {
                return DONE;
            }
            CompletableFuture<Void> f = new CompletableFuture<>();
            waiting.add(new Waiter(lastSequence, f));
            return f;
        }
    }

    // ------------------------------------------------------------------------------------- from the passive

    /** The passive has everything up to {@code lastSequence} on its disk. */
    public void acknowledged(long lastSequence) {
        List<CompletableFuture<Void>> done = new ArrayList<>();
        boolean tellInSync = false;
        long copied;
        synchronized (lock) {
            ackedSequence = Math.max(ackedSequence, lastSequence);
            while (!waiting.isEmpty() && waiting.peek().sequence() <= ackedSequence) {
                done.add(waiting.poll().future());
            }
            if (!inSyncTold && syncCompleteSequence >= 0 && ackedSequence >= syncCompleteSequence) {
                inSyncTold = true;
                tellInSync = true;
            }
            copied = bytesCopied;
        }
        done.forEach(f -> f.complete(null));
        if (tellInSync) {
            listener.inSync(ackedSequence, copied);
        }
    }

    /** Bytes of the store copied so far by the resynchronisation (its progress). */
    public long bytesCopied() {
        synchronized (lock) {
            return bytesCopied;
        }
    }

    /** Whether the passive has confirmed the resynchronisation. */
    public boolean inSync() {
        synchronized (lock) {
            return inSyncTold;
        }
    }

    /** Records written here and not yet confirmed by the passive, and bytes held back during a copy. */
    public Backlog backlog() {
        synchronized (lock) {
            return new Backlog(Math.max(0, journal.lastSequence() - ackedSequence), heldBytes);
        }
    }

    /** How far the passive is behind. */
    public record Backlog(long records, long heldBytes) {
    }

    /**
     * Stops replicating (the link broke, or this server steps down). Appends waiting for the passive are confirmed
     * when {@code confirmPending} (this server goes on alone: they are on its disk) and failed otherwise. Must not
     * be called on the journal's writer thread.
     */
    public void stop(boolean confirmPending) {
        IOException lost = new IOException("the passive server was lost before it confirmed the change");
        for (CompletableFuture<Void> f : stopAndHandOver()) {
            if (confirmPending) {
                f.complete(null);
            } else {
                f.completeExceptionally(lost);
            }
        }
    }

    /**
     * Stops replicating and returns the confirmations of the appends still waiting for the passive, uncompleted: the
     * caller confirms them (once it may go on alone: its new epoch is recorded) or fails them. Must not be called on
     * the journal's writer thread.
     */
    public List<CompletableFuture<Void>> stopAndHandOver() {
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        synchronized (lock) {
            if (mode == Mode.STOPPED) {
                return pending;
            }
            mode = Mode.STOPPED;
            waiting.forEach(w -> pending.add(w.future()));
            waiting.clear();
            held.clear();
        }
        try {
            journal.detachTap();
        } catch (IOException e) {
            // the journal is closing: nothing more will be written through the tap
        }
        return pending;
    }
}
