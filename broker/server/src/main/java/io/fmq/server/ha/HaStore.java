package io.fmq.server.ha;

import io.fmq.ha.state.RepositoryPosition;
import io.fmq.store.replication.ReplicationMessage;
import io.fmq.store.replication.ReplicationSink;
import io.fmq.store.replication.ReplicationSource;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * The data store of a server in a replicated pair as the HA controller uses it: open either as the journal (this
 * server serves, or may) or as a replica that follows the active peer, with the replication source (active side)
 * and sink (passive side) over it. {@link FileHaStore} is the store on disk; the pair simulation has an in-memory one.
 *
 * <p>Only the controller's thread calls these methods; a source or sink reports back through its listener from
 * the store's own threads (journal writer, replica writer, resynchronisation copier).
 */
public interface HaStore extends AutoCloseable {

    /** Where the store ends now (epoch and last sequence). */
    RepositoryPosition position();

    /** Opens the store as the journal (recovering it) if it is a replica; a no-op when it is the journal already. */
    void openJournal() throws IOException;

    /** Starts a new epoch of at least {@code atLeast}, opening the store as the journal first; returns it once durable. */
    long beginEpoch(long atLeast) throws IOException;

    /**
     * Stops writing: a shared store closes its journal when its server steps down (it is opened again only by
     * {@link #beginEpoch}, in a newer epoch); a replicated store keeps it (nothing else writes to it).
     */
    default void stopWriting() {
    }

    /** What the journal asks before it confirms an append (null: confirm always). See {@code FileJournal.setConfirmGate}. */
    void setConfirmGate(BooleanSupplier gate);

    /** Starts resynchronising the passive that sent {@code request}, then streaming to it (the store is the journal). */
    Source startSource(ReplicationMessage.SyncRequest request, ReplicationSource.Link link, ReplicationSource.Listener listener)
            throws IOException;

    /** Closes the journal (if open) and opens the store as a replica of the active peer (or returns the open one). */
    Sink replica(ReplicationSink.Listener listener) throws IOException;

    /** The replica if open, else null. */
    Sink openReplica();

    /** Stops following the active peer (what arrived is applied and durable first). */
    void closeReplica();

    @Override
    void close();

    /**
     * A store that is never replicated (one store shared by both servers): the machine of a shared pair never asks it
     * for a source or a sink, and it has no replica to open or close.
     */
    interface Unreplicated extends HaStore {
        @Override
        default Source startSource(ReplicationMessage.SyncRequest request, ReplicationSource.Link link, ReplicationSource.Listener listener) {
            throw new UnsupportedOperationException("a shared store is not replicated");
        }

        @Override
        default Sink replica(ReplicationSink.Listener listener) {
            throw new UnsupportedOperationException("a shared store is not replicated");
        }

        @Override
        default Sink openReplica() {
            return null;
        }

        @Override
        default void closeReplica() {
        }
    }

    /** The active side of replication: see {@link ReplicationSource}. Thread-safe. */
    interface Source {
        /** The passive has everything up to {@code lastSequence} on its disk. */
        void acknowledged(long lastSequence);

        /** Completes when the passive has confirmed everything up to {@code lastSequence} (at once when not streaming). */
        CompletableFuture<Void> durable(long lastSequence);

        /** Whether the passive has confirmed the resynchronisation. */
        boolean inSync();

        /** Bytes copied by the resynchronisation so far. */
        long bytesCopied();

        ReplicationSource.Backlog backlog();

        /**
         * Stops replicating; returns the confirmations of appends still waiting for the passive, uncompleted (the
         * caller confirms them once this server may go on alone, or fails them).
         */
        java.util.List<CompletableFuture<Void>> stop();
    }

    /** The passive side of replication: see {@link ReplicationSink}. */
    interface Sink {
        /** What to ask the active for: the state of this store. */
        ReplicationMessage.SyncRequest syncRequest() throws IOException;

        /** Queues a message from the active. */
        void accept(ReplicationMessage message);

        /** Bytes written to the store since it was opened as a replica. */
        long bytesApplied();

        /** Whether a resynchronisation has completed. */
        boolean synced();
    }
}
