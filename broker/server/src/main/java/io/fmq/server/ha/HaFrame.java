package io.fmq.server.ha;

import io.fmq.store.replication.ReplicationMessage;
import java.util.Map;

/**
 * The frames the two servers of a replicated pair exchange on the HA channel ({@code FMQGroup.Port}).
 *
 * <p>Wire form (all numbers big-endian; {@link HaFrameCodec} reads and writes it): every frame is
 * {@code length:int32} (bytes after the length) {@code type:int8} then the body. Strings are
 * {@code length:int32} + UTF-8 bytes; byte arrays {@code length:int32} + bytes.
 *
 * <pre>
 * type body
 *  1  HELLO          version:int32 primary:bool name:string settings:bytes(PairSettingsCodec)
 *                    state:string previous:string epoch:int64 sequence:int64 complete:bool
 *  2  STATUS         state:string previous:string epoch:int64 sequence:int64 lockHeld:bool complete:bool
 *  3  PING           (empty)
 *  4  REFUSE         reason:string            (the sender closes the channel after it)
 *  5  GOODBYE        epoch:int64 acceptorStoppedAt:int64 (ms since 1970 UTC; the sender stopped serving on purpose)
 * 10  SYNC_REQUEST   epoch:int64 count:int32 { first:int64 size:int64 crc:int32 }*
 * 11  SEGMENT_WRITE  segment:int64 offset:int64 lastSequence:int64 bytes:bytes
 * 12  SEGMENT_DELETE segment:int64
 * 13  EPOCH          epoch:int64
 * 14  SYNC_COMPLETE  lastSequence:int64 epoch:int64
 * 15  ACK            lastSequence:int64
 * </pre>
 *
 * A connection starts with both sides sending HELLO; a side that finds the peer's version or shared
 * settings incompatible sends REFUSE with the reason and closes. The version is {@link #VERSION}.
 */
public sealed interface HaFrame {
    int VERSION = 2;

    /** The opening frame: who the sender is, its settings that must match, its state and repository. */
    record Hello(int version, boolean primary, String name, Map<String, String> settings, String state, String previous,
                 long epoch, long sequence, boolean complete) implements HaFrame {
    }

    /** A state change (or a periodic restatement) of the sender. */
    record Status(String state, String previous, long epoch, long sequence, boolean lockHeld, boolean complete) implements HaFrame {
    }

    /** A heartbeat. */
    record Ping() implements HaFrame {
    }

    /** The sender refuses the pair (and closes): the reason is for the receiver's console. */
    record Refuse(String reason) implements HaFrame {
    }

    /**
     * The sender stopped its client acceptor on purpose (shutdown, switchover, step-down) after serving in
     * {@code epoch}; sent before it releases the lock. A peer that takes the lock over for that epoch need not wait
     * out the sender's serving lease.
     */
    record Goodbye(long epoch, long acceptorStoppedAtMillis) implements HaFrame {
    }

    /** Journal replication (see {@link ReplicationMessage}). */
    record Replication(ReplicationMessage message) implements HaFrame {
    }
}
