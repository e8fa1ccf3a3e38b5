package io.fmq.store.replication;

import io.fmq.store.JournalReplica;
import io.fmq.store.replication.ReplicationMessage.Ack;
import io.fmq.store.replication.ReplicationMessage.EpochChange;
import io.fmq.store.replication.ReplicationMessage.SegmentDelete;
import io.fmq.store.replication.ReplicationMessage.SegmentWrite;
import io.fmq.store.replication.ReplicationMessage.SyncComplete;
import io.fmq.store.replication.ReplicationMessage.SyncRequest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The passive server's side of replication: applies what the active's {@link ReplicationSource} sends to a
 * {@link JournalReplica} on one thread, forcing each burst of changes to disk once and then acknowledging the
 * last sequence it holds (so the active can confirm its clients' changes).
 */
public final class ReplicationSink implements AutoCloseable {
    private static final ReplicationMessage STOP = new Ack(-1);

    /** What the sink tells its owner (the HA controller). */
    public interface Listener {
        /** Everything up to {@code lastSequence} is durable here: tell the active. */
        void acknowledge(Ack ack);

        /** The resynchronisation finished: this store now equals the active's. */
        void synced(long lastSequence, long epoch);

        /** A change could not be applied (disk full, I/O error): this store can no longer follow the active. */
        void failed(IOException cause);
    }

    private final JournalReplica replica;
    private final Listener listener;
    private final BlockingQueue<ReplicationMessage> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile long lastSequence;
    private volatile long bytesApplied;
    private volatile boolean synced;
    private volatile IOException failure;

    private ReplicationSink(JournalReplica replica, long lastSequence, Listener listener) {
        this.replica = replica;
        this.lastSequence = lastSequence;
        this.listener = listener;
        this.writer = new Thread(this::applyLoop, "fmq-replica-writer");
        this.writer.setDaemon(true);
    }

    /**
     * Opens a store folder as a replica. {@code lastSequence} is the last record the folder holds (from its
     * recovery), reported until the active sends newer ones.
     */
    public static ReplicationSink open(Path storeDir, long lastSequence, Listener listener) throws IOException {
        ReplicationSink sink = new ReplicationSink(JournalReplica.open(storeDir), lastSequence, listener);
        sink.writer.start();
        return sink;
    }

    /** What to ask the active for: the state of this store. */
    public SyncRequest syncRequest() throws IOException {
        return new SyncRequest(replica.epoch(), replica.digest());
    }

    /** Queues a message from the active. */
    public void accept(ReplicationMessage message) {
        queue.add(message);
    }

    /** The last sequence durable here. */
    public long lastSequence() {
        return lastSequence;
    }

    /** Bytes written to the store since it was opened (progress of a resynchronisation). */
    public long bytesApplied() {
        return bytesApplied;
    }

    /** The epoch this store holds. */
    public long epoch() {
        return replica.epoch();
    }

    /** Whether a resynchronisation has completed (the store is complete up to what the active had then). */
    public boolean synced() {
        return synced;
    }

    private void applyLoop() {
        List<ReplicationMessage> burst = new ArrayList<>();
        while (true) {
            try {
                burst.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(burst);
            boolean stop = burst.remove(STOP);
            if (failure == null && !burst.isEmpty()) {
                try {
                    apply(burst);
                } catch (IOException | RuntimeException e) {
                    failure = e instanceof IOException ? (IOException) e : new IOException(e);
                    listener.failed(failure);
                }
            }
            burst.clear();
            if (stop) {
                return;
            }
        }
    }

    private void apply(List<ReplicationMessage> burst) throws IOException {
        long last = lastSequence;
        SyncComplete completed = null;
        for (ReplicationMessage m : burst) {
            if (m instanceof SegmentWrite w) {
                replica.write(w.segment(), w.offset(), ByteBuffer.wrap(w.bytes()));
                bytesApplied += w.bytes().length;
                last = Math.max(last, w.lastSequence());
            } else if (m instanceof SegmentDelete d) {
                replica.delete(d.segment());
            } else if (m instanceof EpochChange e) {
                if (synced) {
                    replica.force(); // the epoch must not be durable ahead of the records before it
                    replica.epoch(e.epoch());
                }
                // during a resynchronisation the store takes the active's epoch only once it holds the whole copy
                // (SyncComplete): a store cut off part-way must not claim an epoch whose records it lacks, or it
                // could take over without them
            } else if (m instanceof SyncComplete c) {
                // from here on this store is the active's journal: what it held before (perhaps a longer,
                // abandoned history) no longer counts
                completed = c;
                last = c.lastSequence();
            }
        }
        replica.force();
        if (completed != null && !synced) {
            replica.epoch(completed.epoch());
        }
        lastSequence = last;
        if (!synced && completed == null) {
            return; // nothing to acknowledge before the copy is complete: the store is not yet the active's
        }
        listener.acknowledge(new Ack(last));
        if (completed != null && !synced) {
            synced = true;
            listener.synced(completed.lastSequence(), completed.epoch());
        }
    }

    /** Stops applying (after what is queued) and closes the replica's files. */
    @Override
    public void close() throws IOException {
        queue.add(STOP);
        try {
            writer.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        replica.close();
    }
}
