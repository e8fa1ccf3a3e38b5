package io.fmq.store.replication;

import io.fmq.store.JournalReplica;
import java.util.List;

/**
 * What the active server's {@link ReplicationSource} and the passive server's {@link ReplicationSink} tell each
 * other. The transport (the HA channel) carries them in order; their wire form is the HA channel's business.
 */
public sealed interface ReplicationMessage {

    /** Passive → active, to start a resynchronisation: what the passive's store holds. */
    record SyncRequest(long epoch, List<JournalReplica.SegmentDigest> segments) implements ReplicationMessage {
        public SyncRequest {
            segments = List.copyOf(segments);
        }
    }

    /** Active → passive: bytes of a segment at an offset (offset 0: the segment starts afresh). */
    record SegmentWrite(long segment, long offset, byte[] bytes, long lastSequence) implements ReplicationMessage {
    }

    /** Active → passive: a segment was deleted (compaction), or the passive holds one the active does not have. */
    record SegmentDelete(long segment) implements ReplicationMessage {
    }

    /** Active → passive: the store's epoch changed. */
    record EpochChange(long epoch) implements ReplicationMessage {
    }

    /** Active → passive: everything up to {@code lastSequence} has been sent; the passive is in sync once it has it. */
    record SyncComplete(long lastSequence, long epoch) implements ReplicationMessage {
    }

    /** Passive → active: everything up to {@code lastSequence} is durable on the passive. */
    record Ack(long lastSequence) implements ReplicationMessage {
    }
}
