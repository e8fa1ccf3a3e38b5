package io.fmq.server.ha;

import io.fmq.ha.state.RepositoryPosition;
import io.fmq.store.FileJournal;
import io.fmq.store.RecoveryReport;
import io.fmq.store.replication.ReplicationMessage;
import io.fmq.store.replication.ReplicationSink;
import io.fmq.store.replication.ReplicationSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link HaStore} on disk: a {@link FileJournal} or a {@link ReplicationSink} over the same folder, one at a time.
 * The journal and replica references are written on the controller thread only; they are volatile because the
 * server's status read-outs look at them from other threads. A resynchronisation copy runs on the store's own
 * {@code fmq-ha-resync} thread.
 */
public final class FileHaStore implements HaStore {
    private static final Logger LOG = LoggerFactory.getLogger(FileHaStore.class);

    private final Path dir;
    private final Consumer<RecoveryReport> onRecovered;
    private final ExecutorService copier = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fmq-ha-resync");
        t.setDaemon(true);
        return t;
    });
    private volatile FileJournal journal;
    private volatile FileSink replica;
    private volatile RepositoryPosition lastKnown;
    private BooleanSupplier confirmGate;

    /** Wraps a journal the server opened (and recovered) at start. */
    public FileHaStore(Path dir, FileJournal opened, Consumer<RecoveryReport> onRecovered) {
        this.dir = dir;
        this.journal = opened;
        this.onRecovered = onRecovered;
        this.lastKnown = new RepositoryPosition(opened.epoch(), opened.lastSequence());
    }

    /** The store as a journal, opening (and recovering) it when it was a replica. */
    public FileJournal journal() throws IOException {
        if (journal == null) {
            closeReplica();
            FileJournal opened = FileJournal.open(dir);
            onRecovered.accept(opened.recoveryReport());
            opened.setConfirmGate(confirmGate);
            journal = opened;
        }
        return journal;
    }

    @Override
    public void openJournal() throws IOException {
        journal();
    }

    /** The journal if it is open, else null. */
    public FileJournal currentJournal() {
        return journal;
    }

    @Override
    public long beginEpoch(long atLeast) throws IOException {
        return journal().beginEpoch(atLeast);
    }

    @Override
    public void setConfirmGate(BooleanSupplier gate) {
        confirmGate = gate;
        FileJournal j = journal;
        if (j != null) {
            j.setConfirmGate(gate);
        }
    }

    @Override
    public Source startSource(ReplicationMessage.SyncRequest request, ReplicationSource.Link link, ReplicationSource.Listener listener)
            throws IOException {
        ReplicationSource s = ReplicationSource.start(journal(), request, link, listener, copier);
        return new Source() {
            @Override
            public void acknowledged(long lastSequence) {
                s.acknowledged(lastSequence);
            }

            @Override
            public CompletableFuture<Void> durable(long lastSequence) {
                return s.durable(lastSequence);
            }

            @Override
            public boolean inSync() {
                return s.inSync();
            }

            @Override
            public long bytesCopied() {
                return s.bytesCopied();
            }

            @Override
            public ReplicationSource.Backlog backlog() {
                return s.backlog();
            }

            @Override
            public java.util.List<CompletableFuture<Void>> stop() {
                return s.stopAndHandOver();
            }
        };
    }

    @Override
    public Sink replica(ReplicationSink.Listener listener) throws IOException {
        if (replica != null) {
            return replica;
        }
        closeJournal();
        replica = new FileSink(ReplicationSink.open(dir, lastKnown.sequence(), listener));
        return replica;
    }

    @Override
    public Sink openReplica() {
        return replica;
    }

    @Override
    public void closeReplica() {
        FileSink r = replica;
        if (r != null) {
            replica = null;
            lastKnown = new RepositoryPosition(r.sink.epoch(), r.sink.lastSequence());
            try {
                r.sink.close();
            } catch (IOException e) {
                LOG.warn("Closing the replica of {} failed: {}", dir, e.toString());
            }
        }
    }

    private void closeJournal() {
        FileJournal j = journal;
        if (j != null) {
            journal = null;
            lastKnown = new RepositoryPosition(j.epoch(), j.lastSequence());
            try {
                j.close();
            } catch (IOException e) {
                LOG.warn("Closing the journal of {} failed: {}", dir, e.toString());
            }
        }
    }

    @Override
    public RepositoryPosition position() {
        FileJournal j = journal;
        if (j != null) {
            return new RepositoryPosition(j.epoch(), j.lastSequence());
        }
        FileSink r = replica;
        if (r != null) {
            return new RepositoryPosition(r.sink.epoch(), r.sink.lastSequence());
        }
        return lastKnown;
    }

    @Override
    public void close() {
        closeReplica();
        closeJournal();
        copier.shutdownNow();
    }

    private record FileSink(ReplicationSink sink) implements Sink {
        @Override
        public ReplicationMessage.SyncRequest syncRequest() throws IOException {
            return sink.syncRequest();
        }

        @Override
        public void accept(ReplicationMessage message) {
            sink.accept(message);
        }

        @Override
        public long bytesApplied() {
            return sink.bytesApplied();
        }

        @Override
        public boolean synced() {
            return sink.synced();
        }
    }
}
