package io.fmq.store;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The broker's append-only log of state changes. Everything the broker must keep across a restart
 * (and everything HA replicates) is a record: destinations, messages, acknowledgements, transaction
 * outcomes, durable subscriptions, principals, ACLs and admin objects.
 *
 * <p>Contract (checked by the journal contract test for every implementation):
 * <ul>
 *   <li>{@link #append} gives each record the next sequence number, in the order of the calls of one
 *       thread, and completes its future only when the record is durable; a record whose future has
 *       completed is found by every later {@link #replay}, also after a crash;</li>
 *   <li>sequence numbers only rise, also across restarts and compactions;</li>
 *   <li>{@link #epoch()} only rises; {@link #beginEpoch()} makes it one more and durable;</li>
 *   <li>{@link #compact} keeps every record the predicate calls live (re-appending it with a new
 *       sequence number when its segment is rewritten) and may drop the others;</li>
 *   <li>after a failed write every later append fails too, until the journal is reopened.</li>
 * </ul>
 */
public interface Journal extends AutoCloseable {

    /** Appends a record; the future gives its sequence number once the record is durable. */
    CompletableFuture<Long> append(RecordType type, byte[] payload);

    /**
     * Appends a record without waiting for the disk: the future completes once the record is written, and
     * the record becomes durable with the next forced append (or at close). For records whose loss in a
     * crash is harmless, such as acknowledgements nobody waits for (the message is then delivered again).
     * Order with other appends is kept.
     */
    default CompletableFuture<Long> appendLazily(RecordType type, byte[] payload) {
        return append(type, payload);
    }

    /** Calls the visitor with every record in the journal, in sequence order. */
    void replay(Consumer<Record> visitor) throws IOException;

    /** The sequence number of the last durable record, 0 for an empty journal. */
    long lastSequence();

    /** The current epoch (0 for a store that has never been active). */
    long epoch();

    /** Starts a new epoch: writes an {@link RecordType#EPOCH} record and returns the new epoch once durable. */
    long beginEpoch() throws IOException;

    /**
     * Reclaims the space of records that are no longer needed: sealed segments without live records
     * are deleted; sealed segments with few live records are rewritten by re-appending those records.
     */
    CompactionResult compact(Predicate<Record> live) throws IOException;

    /** Size and shape of the journal now. */
    JournalStats stats();

    @Override
    void close() throws IOException;

    /** What one compaction did. */
    record CompactionResult(int segmentsDeleted, long recordsCopied, long bytesReclaimed) {
    }

    /** The journal's size: segments on disk, their bytes, records appended since opening. */
    record JournalStats(int segments, long bytes, long lastSequence, long epoch) {
    }
}
