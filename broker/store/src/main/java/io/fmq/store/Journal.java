package io.fmq.store;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

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
 *   <li>{@link #compact} keeps every record the judge calls live (re-appending it with a new
 *       sequence number when its segment is rewritten) and may drop the others; every record it leaves in the
 *       journal, live or not, is shown to {@link CompactionJudge#remains} before the records it drops are judged,
 *       so that a record which refers to one left behind (an acknowledgement of a message whose record stays) is
 *       kept with it; records at or after {@link CompactionJudge#keepInPlaceFrom()} are never moved;</li>
 *   <li>{@link #reader} reads durable records from a sequence on, on any thread, while appends go on;</li>
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

    /**
     * As {@link #replay}, showing each record in place: its payload is a view valid only during the call (copy what
     * is kept; never write to it). Saves a copy of every record for a reader that keeps little of them (a large backlog).
     */
    default void replayViews(RecordView visitor) throws IOException {
        replay(r -> visitor.accept(r.sequence(), r.type(), java.nio.ByteBuffer.wrap(r.payload())));
    }

    /** One record seen in place; see {@link #replayViews}. */
    @FunctionalInterface
    interface RecordView {
        void accept(long sequence, RecordType type, java.nio.ByteBuffer payload);
    }

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
    CompactionResult compact(CompactionJudge judge) throws IOException;

    /**
     * Reads the durable records from {@code fromSequence} on (from the first one after it, if that record is gone), in
     * sequence order. The reader belongs to the thread that uses it; several readers and the writer may work at once.
     */
    JournalReader reader(long fromSequence) throws IOException;

    /** Size and shape of the journal now. */
    JournalStats stats();

    @Override
    void close() throws IOException;

    /**
     * What a compaction asks of the journal's owner. The journal first judges every record it might drop or move,
     * shows the owner every record that stays where it is ({@link #remains}, also those judged dead: a segment kept
     * for its live records keeps its dead ones too), then judges again the records of the segments it rewrites, and
     * keeps those called live. Called on the compacting thread, one call at a time.
     */
    @FunctionalInterface
    interface CompactionJudge {
        /** Whether the journal must keep this record. */
        boolean isLive(Record r);

        /** This record stays in the journal after the compaction, live or not. */
        default void remains(Record r) {
        }

        /** Records with this sequence or a later one must keep their place (a reader follows them in order). */
        default long keepInPlaceFrom() {
            return Long.MAX_VALUE;
        }

        /**
         * Asked before each segment: when true the compaction ends there, every segment whole (one being rewritten is
         * deleted only after its live records are durable again). Lets a stopping server end a compaction early.
         */
        default boolean stopped() {
            return false;
        }
    }

    /** Reads records in sequence order; see {@link #reader}. */
    interface JournalReader extends AutoCloseable {
        /**
         * The next durable record if its sequence is at most {@code upTo}, else null (it stays next). Null also when
         * nothing more is durable yet.
         */
        Record next(long upTo) throws IOException;

        @Override
        void close();
    }

    /** What one compaction did. */
    record CompactionResult(int segmentsDeleted, long recordsCopied, long bytesReclaimed) {
    }

    /** The journal's size: segments on disk, their bytes, records appended since opening. */
    record JournalStats(int segments, long bytes, long lastSequence, long epoch) {
    }
}
