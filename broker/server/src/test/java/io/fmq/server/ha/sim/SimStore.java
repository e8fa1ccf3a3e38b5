package io.fmq.server.ha.sim;

import io.fmq.ha.state.RepositoryPosition;
import io.fmq.server.ha.HaStore;
import io.fmq.store.JournalReplica;
import io.fmq.store.NotAllowedToConfirmException;
import io.fmq.store.replication.ReplicationMessage;
import io.fmq.store.replication.ReplicationSink;
import io.fmq.store.replication.ReplicationSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.zip.CRC32;

/**
 * An in-memory {@link HaStore}: one segment of fixed-size records (sequence, epoch, id; an epoch record has id
 * {@code -epoch}) and the store's epoch, both surviving a kill, with a replication source and sink that speak the
 * same {@link ReplicationMessage}s as the file store's (prefix check by size and CRC, copy, {@code SyncComplete},
 * then streaming; the sink applies bursts and acknowledges only once in sync). Two stores are byte-identical when
 * their segments and epochs are equal.
 *
 * <p>What is in memory only (and lost by a kill): the open journal or replica, the attached source, messages the
 * sink has queued but not applied. The sink applies on {@link #applyReplica} (its writer thread, run by the simulator).
 */
final class SimStore implements SimNodeStore {
    static final int RECORD = 24;
    static final long SEGMENT = 1;
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    // durable
    private byte[] bytes = new byte[0];
    private long epoch;
    // process memory
    private boolean journalOpen = true;
    private SimSource source;
    private SimSink replica;
    private BooleanSupplier gate;

    // ------------------------------------------------------------------------------------- durable contents

    long lastSequence() {
        return bytes.length / RECORD;
    }

    public long epoch() {
        return epoch;
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    /** Whether record {@code sequence} is the client record {@code id}. */
    public boolean holds(long sequence, long id) {
        if (sequence < 1 || sequence > lastSequence()) {
            return false;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, (int) (sequence - 1) * RECORD, RECORD);
        return b.getLong() == sequence && b.getLong(b.position() + 8) == id;
    }

    private void appendRecord(long id) {
        long seq = lastSequence() + 1;
        byte[] rec = ByteBuffer.allocate(RECORD).putLong(seq).putLong(epoch).putLong(id).array();
        long offset = bytes.length;
        byte[] grown = Arrays.copyOf(bytes, bytes.length + RECORD);
        System.arraycopy(rec, 0, grown, (int) offset, RECORD);
        bytes = grown;
        if (source != null) {
            source.forward(new ReplicationMessage.SegmentWrite(SEGMENT, offset, rec, seq));
        }
    }

    /** The process ended: what was only in memory is gone; at restart the store opens as the journal. */
    public void crash() {
        if (source != null) {
            source.stopped = true;
        }
        source = null;
        if (replica != null) {
            replica.queue.clear();
            replica.closed = true;
        }
        replica = null;
        gate = null;
        journalOpen = true;
    }

    // ------------------------------------------------------------------------------------- serving

    /**
     * A client's change on the serving server: written at once (memory is this store's disk), confirmed when the
     * passive has it too while streaming, refused when the confirm gate is closed.
     */
    public CompletableFuture<Long> clientAppend(long id) {
        if (!journalOpen) {
            return CompletableFuture.failedFuture(new IOException("the store is a replica"));
        }
        appendRecord(id);
        long seq = lastSequence();
        if (gate != null && !gate.getAsBoolean()) {
            return CompletableFuture.failedFuture(new NotAllowedToConfirmException("not allowed to confirm"));
        }
        CompletableFuture<Void> replicated = source == null ? DONE : source.durable(seq);
        return replicated.thenApply(v -> seq);
    }

    // ------------------------------------------------------------------------------------- HaStore

    @Override
    public RepositoryPosition position() {
        if (replica != null) {
            return new RepositoryPosition(epoch, replica.lastSequence);
        }
        return new RepositoryPosition(epoch, lastSequence());
    }

    @Override
    public void openJournal() {
        closeReplica();
        journalOpen = true;
    }

    @Override
    public long beginEpoch(long atLeast) throws IOException {
        openJournal();
        if (gate != null && !gate.getAsBoolean()) {
            // as the file journal: the EPOCH record is an append, refused when the confirm gate is closed
            throw new NotAllowedToConfirmException("not allowed to confirm the epoch record");
        }
        long next = Math.max(epoch + 1, atLeast);
        if (source != null) {
            source.forward(new ReplicationMessage.EpochChange(next));
        }
        epoch = next;
        appendRecord(-next);
        return next;
    }

    @Override
    public void setConfirmGate(BooleanSupplier gate) {
        this.gate = gate;
    }

    @Override
    public Source startSource(ReplicationMessage.SyncRequest request, ReplicationSource.Link link, ReplicationSource.Listener listener)
            throws IOException {
        if (!journalOpen) {
            throw new IOException("the store is not open as the journal");
        }
        if (source != null) {
            source.stop().forEach(f -> f.completeExceptionally(new IOException("replaced by a new resynchronisation")));
        }
        SimSource s = new SimSource(link, listener);
        source = s;
        long from = 0;
        for (JournalReplica.SegmentDigest d : request.segments()) {
            if (d.firstSequence() == SEGMENT && d.size() > 0 && d.size() <= bytes.length && crc(bytes, (int) d.size()) == d.crc()) {
                from = d.size();
            }
        }
        link.send(new ReplicationMessage.EpochChange(epoch));
        s.bytesCopied = bytes.length - from;
        link.send(new ReplicationMessage.SegmentWrite(SEGMENT, from, Arrays.copyOfRange(bytes, (int) from, bytes.length), lastSequence()));
        s.syncCompleteSequence = lastSequence();
        s.streaming = true;
        link.send(new ReplicationMessage.SyncComplete(lastSequence(), epoch));
        return s;
    }

    @Override
    public Sink replica(ReplicationSink.Listener listener) {
        if (replica != null) {
            return replica;
        }
        if (source != null) {
            source.stop().forEach(f -> f.completeExceptionally(new IOException("the store became a replica")));
            source = null;
        }
        journalOpen = false;
        gate = null;
        replica = new SimSink(listener, lastSequence());
        return replica;
    }

    @Override
    public Sink openReplica() {
        return replica;
    }

    @Override
    public void closeReplica() {
        SimSink r = replica;
        if (r != null) {
            r.applyAll();
            r.closed = true;
            replica = null;
        }
    }

    @Override
    public void close() {
        closeReplica();
    }

    /** Runs the replica's writer: applies what it has queued. Returns whether there was something. */
    public boolean applyReplica() {
        SimSink r = replica;
        return r != null && r.applyAll();
    }

    public boolean replicaBusy() {
        return replica != null && !replica.queue.isEmpty();
    }

    private static int crc(byte[] b, int length) {
        CRC32 c = new CRC32();
        c.update(b, 0, length);
        return (int) c.getValue();
    }

    // ------------------------------------------------------------------------------------- replication

    private final class SimSource implements Source {
        private final ReplicationSource.Link link;
        private final ReplicationSource.Listener listener;
        private final List<long[]> waiting = new ArrayList<>();
        private final List<CompletableFuture<Void>> waiters = new ArrayList<>();
        private boolean streaming;
        private boolean stopped;
        private boolean inSyncTold;
        private long syncCompleteSequence = -1;
        private long acked;
        private long bytesCopied;

        SimSource(ReplicationSource.Link link, ReplicationSource.Listener listener) {
            this.link = link;
            this.listener = listener;
        }

        void forward(ReplicationMessage m) {
            if (!stopped) {
                link.send(m);
            }
        }

        @Override
        public void acknowledged(long lastSequence) {
            acked = Math.max(acked, lastSequence);
            for (int i = 0; i < waiting.size(); ) {
                if (waiting.get(i)[0] <= acked) {
                    waiting.remove(i);
                    waiters.remove(i).complete(null);
                } else {
                    i++;
                }
            }
            if (!inSyncTold && syncCompleteSequence >= 0 && acked >= syncCompleteSequence) {
                inSyncTold = true;
                listener.inSync(acked, bytesCopied);
            }
        }

        @Override
        public CompletableFuture<Void> durable(long lastSequence) {
            if (!streaming || stopped || acked >= lastSequence) {
                return DONE;
            }
            CompletableFuture<Void> f = new CompletableFuture<>();
            waiting.add(new long[] {lastSequence});
            waiters.add(f);
            return f;
        }

        @Override
        public boolean inSync() {
            return inSyncTold;
        }

        @Override
        public long bytesCopied() {
            return bytesCopied;
        }

        @Override
        public ReplicationSource.Backlog backlog() {
            return new ReplicationSource.Backlog(Math.max(0, lastSequence() - acked), 0);
        }

        @Override
        public List<CompletableFuture<Void>> stop() {
            if (stopped) {
                return List.of();
            }
            stopped = true;
            if (source == this) {
                source = null;
            }
            List<CompletableFuture<Void>> pending = new ArrayList<>(waiters);
            waiting.clear();
            waiters.clear();
            return pending;
        }
    }

    private final class SimSink implements Sink {
        private final ReplicationSink.Listener listener;
        private final ArrayDeque<ReplicationMessage> queue = new ArrayDeque<>();
        private long lastSequence;
        private long bytesApplied;
        private boolean synced;
        private boolean closed;

        SimSink(ReplicationSink.Listener listener, long lastSequence) {
            this.listener = listener;
            this.lastSequence = lastSequence;
        }

        @Override
        public ReplicationMessage.SyncRequest syncRequest() {
            List<JournalReplica.SegmentDigest> digest = bytes.length == 0 ? List.of()
                    : List.of(new JournalReplica.SegmentDigest(SEGMENT, bytes.length, crc(bytes, bytes.length)));
            return new ReplicationMessage.SyncRequest(epoch, digest);
        }

        @Override
        public void accept(ReplicationMessage message) {
            if (!closed) {
                queue.add(message);
            }
        }

        @Override
        public long bytesApplied() {
            return bytesApplied;
        }

        @Override
        public boolean synced() {
            return synced;
        }

        /** One burst, as the file sink's writer applies it: apply, force, then acknowledge. */
        boolean applyAll() {
            if (queue.isEmpty() || closed) {
                return false;
            }
            long last = lastSequence;
            ReplicationMessage.SyncComplete completed = null;
            while (!queue.isEmpty()) {
                ReplicationMessage m = queue.poll();
                if (m instanceof ReplicationMessage.SegmentWrite w) {
                    byte[] grown = Arrays.copyOf(bytes, (int) w.offset() + w.bytes().length);
                    System.arraycopy(w.bytes(), 0, grown, (int) w.offset(), w.bytes().length);
                    bytes = grown;
                    bytesApplied += w.bytes().length;
                    last = Math.max(last, w.lastSequence());
                } else if (m instanceof ReplicationMessage.SegmentDelete) {
                    bytes = new byte[0];
                } else if (m instanceof ReplicationMessage.EpochChange e) {
                    if (synced) {
                        epoch = e.epoch(); // as the file sink: the epoch only once the copy is whole
                    }
                } else if (m instanceof ReplicationMessage.SyncComplete c) {
                    completed = c;
                    last = c.lastSequence();
                }
            }
            if (completed != null && !synced) {
                epoch = completed.epoch();
            }
            lastSequence = last;
            if (!synced && completed == null) {
                return true;
            }
            listener.acknowledge(new ReplicationMessage.Ack(last));
            if (completed != null && !synced) {
                synced = true;
                listener.synced(completed.lastSequence(), completed.epoch());
            }
            return true;
        }
    }
}
