package io.fmq.store;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * Sees every byte a {@link FileJournal} writes, in write order, so that a replica can hold a byte-for-byte copy
 * of the journal (replicated HA). All methods are called on the journal's writer thread, one at a time; they
 * must not block (queue the work and return).
 *
 * <p>The copy a replica builds from these calls has the same segment files with the same contents as the
 * journal, so it opens (and recovers) as the same journal.
 */
public interface JournalTap {

    /**
     * Bytes were written to a segment. {@code offset} 0 means the segment file was created (its header is
     * these bytes). {@code bytes} is only valid during the call: copy what you keep.
     *
     * @param lastSequence the sequence of the last record whose bytes are complete after this write
     */
    void written(long segmentFirstSequence, long offset, ByteBuffer bytes, long lastSequence);

    /** A sealed segment was deleted (its live records were copied to the tail first). */
    void deleted(long segmentFirstSequence);

    /** The store's epoch became {@code epoch} (before the EPOCH record is written). */
    void epochChanged(long epoch);

    /**
     * The records up to {@code lastSequence} are durable here; the returned future completes when they are durable
     * on the replica too. The journal confirms its appends only then.
     */
    CompletableFuture<Void> durable(long lastSequence);
}
