package io.fmq.server.broker;

import io.fmq.protocol.Dest;
import io.fmq.protocol.Wire;
import io.fmq.protocol.WireMessage;
import io.fmq.store.Record;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;

/**
 * Payload layouts of the broker's journal records (values in the {@link Wire} encoding).
 *
 * <pre>
 * DESTINATION_ADD / _REMOVE       dest
 * DURABLE_SUBSCRIPTION_ADD        string key, string topic, string selector, boolean noLocal, string clientId, string name
 * DURABLE_SUBSCRIPTION_REMOVE     string key
 * MESSAGE_ADD                     add
 * MESSAGE_ACK                     ack
 * TX_COMMIT                       int32 n, n × add, int32 m, m × ack
 * add                             int64 message sequence, int32 k, k × string queue key, message
 * ack                             string queue key, int64 message sequence
 * </pre>
 *
 * Replay does not depend on the order of adds and acks: a message is in a queue when an add names the
 * queue and no ack does (compaction may re-append an add after acks of other queues).
 */
final class Records {
    private Records() {
    }

    record Add(long sequence, List<String> keys, WireMessage message) {
    }

    record Ack(String key, long sequence) {
    }

    record SubscriptionAdd(String key, String topic, String selector, boolean noLocal, String clientId, String name) {
    }

    static byte[] destination(Dest d) {
        ByteBuf b = Unpooled.buffer();
        Wire.writeDest(b, d);
        return bytes(b);
    }

    static Dest readDestination(Record r) {
        return Wire.readDest(Unpooled.wrappedBuffer(r.payload()));
    }

    static byte[] subscriptionAdd(SubscriptionAdd s) {
        ByteBuf b = Unpooled.buffer();
        Wire.writeString(b, s.key());
        Wire.writeString(b, s.topic());
        Wire.writeString(b, s.selector());
        b.writeBoolean(s.noLocal());
        Wire.writeString(b, s.clientId());
        Wire.writeString(b, s.name());
        return bytes(b);
    }

    static SubscriptionAdd readSubscriptionAdd(Record r) {
        ByteBuf b = Unpooled.wrappedBuffer(r.payload());
        return new SubscriptionAdd(Wire.readString(b), Wire.readString(b), Wire.readString(b), Wire.readBoolean(b),
                Wire.readString(b), Wire.readString(b));
    }

    static byte[] string(String s) {
        ByteBuf b = Unpooled.buffer();
        Wire.writeString(b, s);
        return bytes(b);
    }

    static String readString(Record r) {
        return Wire.readString(Unpooled.wrappedBuffer(r.payload()));
    }

    static byte[] add(Add a) {
        ByteBuf b = Unpooled.buffer(256 + a.message().body().length);
        writeAdd(b, a);
        return bytes(b);
    }

    static Add readAdd(Record r) {
        return readAdd(Unpooled.wrappedBuffer(r.payload()));
    }

    static byte[] ack(Ack a) {
        ByteBuf b = Unpooled.buffer();
        writeAck(b, a);
        return bytes(b);
    }

    static Ack readAck(Record r) {
        return readAck(Unpooled.wrappedBuffer(r.payload()));
    }

    static byte[] transaction(List<Add> adds, List<Ack> acks) {
        ByteBuf b = Unpooled.buffer();
        b.writeInt(adds.size());
        adds.forEach(a -> writeAdd(b, a));
        b.writeInt(acks.size());
        acks.forEach(a -> writeAck(b, a));
        return bytes(b);
    }

    /** The adds and acks of a TX_COMMIT record. */
    static void readTransaction(Record r, List<Add> adds, List<Ack> acks) {
        ByteBuf b = Unpooled.wrappedBuffer(r.payload());
        int n = Wire.readInt(b);
        for (int i = 0; i < n; i++) {
            adds.add(readAdd(b));
        }
        int m = Wire.readInt(b);
        for (int i = 0; i < m; i++) {
            acks.add(readAck(b));
        }
    }

    private static void writeAdd(ByteBuf b, Add a) {
        b.writeLong(a.sequence());
        b.writeInt(a.keys().size());
        a.keys().forEach(k -> Wire.writeString(b, k));
        Wire.writeMessage(b, a.message());
    }

    private static Add readAdd(ByteBuf b) {
        long seq = Wire.readLong(b);
        int k = Wire.readInt(b);
        List<String> keys = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            keys.add(Wire.readString(b));
        }
        return new Add(seq, keys, Wire.readMessage(b));
    }

    private static void writeAck(ByteBuf b, Ack a) {
        Wire.writeString(b, a.key());
        b.writeLong(a.sequence());
    }

    private static Ack readAck(ByteBuf b) {
        return new Ack(Wire.readString(b), Wire.readLong(b));
    }

    private static byte[] bytes(ByteBuf b) {
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        b.release();
        return out;
    }
}
