package io.fmq.server.ha;

import io.fmq.ha.state.RepositoryPosition;
import io.fmq.store.FileJournal;
import io.fmq.store.RecoveryReport;
import io.fmq.store.replication.ReplicationSink;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data store of a server in a replicated pair, open in one of two ways at a time: as the journal (this server
 * serves, or may) or as a replica that follows the active peer. Only the HA controller's thread uses it.
 */
public final class HaStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HaStore.class);

    private final Path dir;
    private final Consumer<RecoveryReport> onRecovered;
    private volatile FileJournal journal;
    private volatile ReplicationSink replica;
    private volatile RepositoryPosition lastKnown;

    /** Wraps a journal the server opened (and recovered) at start. */
    public HaStore(Path dir, FileJournal opened, Consumer<RecoveryReport> onRecovered) {
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
            journal = opened;
        }
        return journal;
    }

    /** The journal if it is open, else null. */
    public FileJournal openJournal() {
        return journal;
    }

    /** Closes the journal (if open) and opens the store as a replica of the active peer. */
    public ReplicationSink replica(ReplicationSink.Listener listener) throws IOException {
        if (replica != null) {
            return replica;
        }
        closeJournal();
        replica = ReplicationSink.open(dir, lastKnown.sequence(), listener);
        return replica;
    }

    /** The replica if open, else null. */
    public ReplicationSink openReplica() {
        return replica;
    }

    /** Stops following the active peer (what arrived is applied and durable first). */
    public void closeReplica() {
        ReplicationSink r = replica;
        if (r != null) {
            replica = null;
            lastKnown = new RepositoryPosition(r.epoch(), r.lastSequence());
            try {
                r.close();
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

    /** Where the store ends now. */
    public RepositoryPosition position() {
        FileJournal j = journal;
        if (j != null) {
            return new RepositoryPosition(j.epoch(), j.lastSequence());
        }
        ReplicationSink r = replica;
        if (r != null) {
            return new RepositoryPosition(r.epoch(), r.lastSequence());
        }
        return lastKnown;
    }

    @Override
    public void close() {
        closeReplica();
        closeJournal();
    }
}
