package io.fmq.server.broker;

import io.fmq.protocol.Dest;
import io.fmq.protocol.Wire;
import io.fmq.protocol.WireMessage;
import io.fmq.store.Record;
import io.fmq.store.payload.PayloadCodec;
import io.fmq.store.payload.StoreRecord;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;

/**
 * Between the broker's objects and the journal's payloads ({@link PayloadCodec}, which holds the table of layouts): a
 * message is stored as its client-protocol encoding ({@link Wire#writeMessage}), opaque to the store. Reads both
 * the current payload format and the legacy one of earlier builds ({@link LegacyRecords}).
 *
 * <p>Replay does not depend on the order of adds and acks: a message is in a queue when an add names the queue and
 * no ack does (compaction may re-append an add after acks of other queues).
 */
final class Records {
    private Records() {
    }

    /** A message to store, as the broker holds it. */
    record Add(long sequence, List<String> keys, WireMessage message) {
    }

    /** What a journal record says, whichever payload format it was written in. */
    static StoreRecord read(Record r) {
        return PayloadCodec.formatOf(r) == PayloadCodec.LEGACY_FORMAT ? LegacyRecords.read(r) : PayloadCodec.decode(r);
    }

    static byte[] encode(StoreRecord r) {
        return PayloadCodec.encode(r);
    }

    static byte[] destination(Dest d) {
        return encode(new StoreRecord.DestinationAdd(d.isQueue(), d.name()));
    }

    static byte[] add(Add a) {
        return encode(toStore(a));
    }

    static byte[] ack(StoreRecord.MessageAck a) {
        return encode(a);
    }

    static byte[] transaction(List<Add> adds, List<StoreRecord.MessageAck> acks) {
        List<StoreRecord.MessageAdd> stored = new ArrayList<>(adds.size());
        adds.forEach(a -> stored.add(toStore(a)));
        return encode(new StoreRecord.Transaction(stored, acks));
    }

    static StoreRecord.MessageAdd toStore(Add a) {
        ByteBuf b = Unpooled.buffer(256 + a.message().body().length);
        try {
            Wire.writeMessage(b, a.message());
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            return new StoreRecord.MessageAdd(a.sequence(), a.keys(), bytes);
        } finally {
            b.release();
        }
    }

    static Add fromStore(StoreRecord.MessageAdd a) {
        return new Add(a.sequence(), a.queueKeys(), message(a.message()));
    }

    /** A stored message's bytes read back. */
    static WireMessage message(byte[] bytes) {
        return Wire.readMessage(Unpooled.wrappedBuffer(bytes));
    }
}
