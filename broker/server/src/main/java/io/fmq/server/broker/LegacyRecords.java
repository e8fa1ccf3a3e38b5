package io.fmq.server.broker;

import io.fmq.protocol.Dest;
import io.fmq.protocol.Wire;
import io.fmq.store.Record;
import io.fmq.store.payload.PayloadCodec;
import io.fmq.store.payload.PayloadFormatException;
import io.fmq.store.payload.StoreRecord;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads payloads of {@link PayloadCodec#LEGACY_FORMAT format 1}, which earlier builds wrote (no marker byte; values in
 * the client protocol's {@link Wire} encoding, four kinds as newline-separated strings), so that a data store of an
 * earlier build still opens. Never written any more: a store's new records are in the current format, and compaction
 * rewrites old ones in it.
 *
 * <pre>
 * DESTINATION_ADD / _REMOVE       dest
 * DURABLE_SUBSCRIPTION_ADD        string key, string topic, string selector, boolean noLocal, string clientId, string name
 * DURABLE_SUBSCRIPTION_REMOVE     string key
 * MESSAGE_ADD                     add
 * MESSAGE_ACK                     ack
 * TX_COMMIT                       int32 n, n × add, int32 m, m × ack
 * PRINCIPAL_PUT                   string "user\nhash"
 * PRINCIPAL_REMOVE                string user
 * ACL_PUT                         string "principal\npattern\npermissions" (empty permissions: revoked)
 * ADMIN_OBJECT_PUT                string "group\nname\nmember,member,..."
 * add                             int64 message sequence, int32 k, k × string queue key, message
 * ack                             string queue key, int64 message sequence
 * </pre>
 */
final class LegacyRecords {
    private LegacyRecords() {
    }

    static StoreRecord read(Record r) {
        ByteBuf b = Unpooled.wrappedBuffer(r.payload());
        try {
            switch (r.type()) {
                case DESTINATION_ADD: {
                    Dest d = Wire.readDest(b);
                    return new StoreRecord.DestinationAdd(d.isQueue(), d.name());
                }
                case DESTINATION_REMOVE: {
                    Dest d = Wire.readDest(b);
                    return new StoreRecord.DestinationRemove(d.isQueue(), d.name());
                }
                case DURABLE_SUBSCRIPTION_ADD:
                    return new StoreRecord.SubscriptionAdd(Wire.readString(b), Wire.readString(b), Wire.readString(b),
                            Wire.readBoolean(b), Wire.readString(b), Wire.readString(b));
                case DURABLE_SUBSCRIPTION_REMOVE:
                    return new StoreRecord.SubscriptionRemove(Wire.readString(b));
                case MESSAGE_ADD:
                    return readAdd(b);
                case MESSAGE_ACK:
                    return readAck(b);
                case TX_COMMIT: {
                    int n = Wire.readInt(b);
                    List<StoreRecord.MessageAdd> adds = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        adds.add(readAdd(b));
                    }
                    int m = Wire.readInt(b);
                    List<StoreRecord.MessageAck> acks = new ArrayList<>();
                    for (int i = 0; i < m; i++) {
                        acks.add(readAck(b));
                    }
                    return new StoreRecord.Transaction(adds, acks);
                }
                case PRINCIPAL_PUT: {
                    String[] f = fields(r, Wire.readString(b), 2);
                    return new StoreRecord.PrincipalPut(f[0], f[1]);
                }
                case PRINCIPAL_REMOVE:
                    return new StoreRecord.PrincipalRemove(Wire.readString(b));
                case ACL_PUT: {
                    String[] f = fields(r, Wire.readString(b), 3);
                    return new StoreRecord.AclPut(f[0], f[1], f[2]);
                }
                case ADMIN_OBJECT_PUT: {
                    String[] f = fields(r, Wire.readString(b), 3);
                    return new StoreRecord.AdminObjectPut(f[0], f[1], f[2].isEmpty() ? List.of() : List.of(f[2].split(",")));
                }
                default:
                    throw new PayloadFormatException("record " + r.sequence() + " (" + r.type() + ") has no format 1 layout");
            }
        } catch (RuntimeException e) {
            if (e instanceof PayloadFormatException p) {
                throw p;
            }
            throw new PayloadFormatException("record " + r.sequence() + " (" + r.type() + ") does not hold a valid format 1 payload: "
                    + e.getMessage());
        }
    }

    private static String[] fields(Record r, String text, int n) {
        String[] f = text == null ? new String[0] : text.split("\n", n);
        if (f.length != n) {
            throw new PayloadFormatException("record " + r.sequence() + " (" + r.type() + ") has " + f.length + " of its " + n + " fields");
        }
        return f;
    }

    private static StoreRecord.MessageAdd readAdd(ByteBuf b) {
        long seq = Wire.readLong(b);
        int k = Wire.readInt(b);
        List<String> keys = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            keys.add(Wire.readString(b));
        }
        int start = b.readerIndex();
        Wire.readMessage(b); // self-delimiting only in its own encoding
        byte[] message = new byte[b.readerIndex() - start];
        b.getBytes(start, message);
        return new StoreRecord.MessageAdd(seq, keys, message);
    }

    private static StoreRecord.MessageAck readAck(ByteBuf b) {
        return new StoreRecord.MessageAck(Wire.readString(b), Wire.readLong(b));
    }
}
