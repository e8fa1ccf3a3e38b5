package io.fmq.store.payload;

import io.fmq.store.Record;
import io.fmq.store.RecordType;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The payloads of the journal's records, in one place: every {@link StoreRecord} in and out of bytes. The journal
 * ({@code RecordCodec}) frames, numbers and checks records; this is what is inside them. All numbers are big-endian.
 *
 * <pre>
 * every payload      byte marker, 0x80 | format version (currently 2), then the layout of its type:
 *
 * type (code)                       layout after the marker
 * DESTINATION_ADD (10)              byte kind ('Q' queue, 'T' topic), string name
 * DESTINATION_REMOVE (11)           byte kind, string name
 * MESSAGE_ADD (20)                  add
 * MESSAGE_ACK (21)                  ack
 * TX_COMMIT (30)                    int32 n, n × add, int32 m, m × ack
 * DURABLE_SUBSCRIPTION_ADD (40)     string key, string topic, string selector, bool noLocal, string clientId, string name
 * DURABLE_SUBSCRIPTION_REMOVE (41)  string key
 * PRINCIPAL_PUT (50)                string user, string password hash
 * PRINCIPAL_REMOVE (51)             string user
 * ACL_PUT (60)                      string principal, string pattern, string permissions (e.g. "send,receive", "all")
 * ACL_REMOVE (61)                   string principal, string pattern
 * ADMIN_OBJECT_PUT (70)             string kind ("group"), string name, int32 n, n × string value (a group: its members)
 * ADMIN_OBJECT_REMOVE (71)          string kind, string name
 *
 * add                               int64 message sequence, int32 k, k × string queue key, bytes message
 * ack                               string queue key, int64 message sequence
 * string                            int32 length in bytes (-1: null), UTF-8 bytes
 * bytes                             int32 length, the bytes
 * bool                              byte 0 or 1
 * </pre>
 *
 * The {@code EPOCH} record (code 1) is the journal's own (8 bytes, the epoch) and has no marker. Codes 22 and 31 are
 * reserved (never written; they were declared for message updates and rollbacks, which the broker does not store).
 *
 * <p>Format 1, written by earlier builds, had no marker: its payloads start with a byte below 0x80, which tells them
 * apart; {@link #formatOf} says which a record has, and the broker reads format 1 with its own legacy reader (its
 * messages are only self-delimiting in the client protocol's encoding). A marker with a version this build does not
 * know is refused with a {@link PayloadFormatException}, never guessed at. A new format takes the next version;
 * readers keep reading the older ones.
 *
 * <p>Stateless and thread-safe, but for an {@link AddReader}, which belongs to the thread that uses it.
 */
public final class PayloadCodec {
    /** The payload format this build writes. */
    public static final int FORMAT_VERSION = 2;
    /** The format of payloads without a marker, written by earlier builds. */
    public static final int LEGACY_FORMAT = 1;
    private static final int MARKER = 0x80 | FORMAT_VERSION;

    private PayloadCodec() {
    }

    /** The payload format of a record: {@link #FORMAT_VERSION}, {@link #LEGACY_FORMAT}, or another (unknown) version. */
    public static int formatOf(Record r) {
        byte[] p = r.payload();
        if (p.length == 0 || (p[0] & 0x80) == 0) {
            return LEGACY_FORMAT;
        }
        return p[0] & 0x7f;
    }

    /** {@link #formatOf(Record)} of a payload seen in place (from its position). */
    public static int formatOf(ByteBuffer payload) {
        if (!payload.hasRemaining() || (payload.get(payload.position()) & 0x80) == 0) {
            return LEGACY_FORMAT;
        }
        return payload.get(payload.position()) & 0x7f;
    }

    /**
     * Reads {@code MESSAGE_ADD} payloads of {@link #FORMAT_VERSION} in place, one after the other, keeping nothing of
     * them but what the caller copies: for a pass over a large journal (recovery), where a decoded record's objects
     * would dominate. A queue key equal to one seen in the last few records is returned as the same
     * {@code String}. Belongs to the thread that uses it; what it shows is valid until its next {@link #read}.
     */
    public static final class AddReader {
        private static final int CACHED_KEYS = 8;
        private final byte[][] cachedBytes = new byte[CACHED_KEYS][];
        private final String[] cachedKeys = new String[CACHED_KEYS];
        private int nextSlot;
        private final List<String> keys = new ArrayList<>();
        private ByteBuffer payload;
        private long sequence;
        private int messageAt;
        private int messageLength;

        /**
         * Reads the payload (from its position to its limit, which are not moved); a payload that is not a valid
         * {@code MESSAGE_ADD} of this format is refused with a {@link PayloadFormatException} naming the record.
         */
        public void read(long recordSequence, ByteBuffer payload) {
            this.payload = payload;
            keys.clear();
            int at = payload.position();
            int end = payload.limit();
            try {
                if (formatOf(payload) != FORMAT_VERSION) {
                    throw new PayloadFormatException("record " + recordSequence + " (MESSAGE_ADD) is not in payload format " + FORMAT_VERSION);
                }
                at++;
                sequence = payload.getLong(at);
                at += 8;
                int k = payload.getInt(at);
                at += 4;
                if (k < 0 || k > end - at) {
                    throw new IllegalArgumentException("count " + k + " does not fit the " + (end - at) + " bytes left");
                }
                for (int i = 0; i < k; i++) {
                    int length = payload.getInt(at);
                    at += 4;
                    if (length < 0 || length > end - at) {
                        throw new IllegalArgumentException("string length " + length + " does not fit the " + (end - at) + " bytes left");
                    }
                    keys.add(key(at, length));
                    at += length;
                }
                messageLength = payload.getInt(at);
                at += 4;
                if (messageLength != end - at) {
                    throw new IllegalArgumentException("the message's length " + messageLength + " is not the " + (end - at) + " bytes left");
                }
                messageAt = at;
            } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
                if (e instanceof PayloadFormatException p) {
                    throw p;
                }
                throw new PayloadFormatException("record " + recordSequence + " (MESSAGE_ADD) does not hold a valid payload: "
                        + (e instanceof IndexOutOfBoundsException || e.getMessage() == null ? "it ends too early" : e.getMessage()));
            }
        }

        private String key(int at, int length) {
            for (int slot = 0; slot < CACHED_KEYS; slot++) {
                byte[] c = cachedBytes[slot];
                if (c != null && c.length == length && same(c, at)) {
                    return cachedKeys[slot];
                }
            }
            byte[] bytes = new byte[length];
            payload.get(at, bytes);
            String key = new String(bytes, StandardCharsets.UTF_8);
            cachedBytes[nextSlot] = bytes;
            cachedKeys[nextSlot] = key;
            nextSlot = (nextSlot + 1) % CACHED_KEYS;
            return key;
        }

        private boolean same(byte[] c, int at) {
            for (int i = 0; i < c.length; i++) {
                if (payload.get(at + i) != c[i]) {
                    return false;
                }
            }
            return true;
        }

        /** The message's sequence number. */
        public long sequence() {
            return sequence;
        }

        /** The queue keys the message was stored for (a list this reader reuses: copy it to keep it). */
        public List<String> queueKeys() {
            return keys;
        }

        /** A copy of the message's bytes (its client-protocol encoding). */
        public byte[] copyMessage() {
            byte[] m = new byte[messageLength];
            payload.get(messageAt, m);
            return m;
        }
    }

    /** The payload of a record of {@code r.type()} holding {@code r}. */
    public static byte[] encode(StoreRecord r) {
        Writer w = new Writer(r instanceof StoreRecord.MessageAdd a ? 32 + a.message().length : 64);
        w.b.put((byte) MARKER);
        if (r instanceof StoreRecord.DestinationAdd d) {
            w.b.put((byte) (d.queue() ? 'Q' : 'T'));
            w.string(d.name());
        } else if (r instanceof StoreRecord.DestinationRemove d) {
            w.b.put((byte) (d.queue() ? 'Q' : 'T'));
            w.string(d.name());
        } else if (r instanceof StoreRecord.MessageAdd a) {
            writeAdd(w, a);
        } else if (r instanceof StoreRecord.MessageAck a) {
            writeAck(w, a);
        } else if (r instanceof StoreRecord.Transaction t) {
            w.ensure(8);
            w.b.putInt(t.adds().size());
            t.adds().forEach(a -> writeAdd(w, a));
            w.ensure(4);
            w.b.putInt(t.acks().size());
            t.acks().forEach(a -> writeAck(w, a));
        } else if (r instanceof StoreRecord.SubscriptionAdd s) {
            w.string(s.key());
            w.string(s.topic());
            w.string(s.selector());
            w.ensure(1);
            w.b.put((byte) (s.noLocal() ? 1 : 0));
            w.string(s.clientId());
            w.string(s.name());
        } else if (r instanceof StoreRecord.SubscriptionRemove s) {
            w.string(s.key());
        } else if (r instanceof StoreRecord.PrincipalPut p) {
            w.string(p.name());
            w.string(p.passwordHash());
        } else if (r instanceof StoreRecord.PrincipalRemove p) {
            w.string(p.name());
        } else if (r instanceof StoreRecord.AclPut a) {
            w.string(a.principal());
            w.string(a.pattern());
            w.string(a.permissions());
        } else if (r instanceof StoreRecord.AclRemove a) {
            w.string(a.principal());
            w.string(a.pattern());
        } else if (r instanceof StoreRecord.AdminObjectPut o) {
            w.string(o.kind());
            w.string(o.name());
            w.ensure(4);
            w.b.putInt(o.values().size());
            o.values().forEach(w::string);
        } else if (r instanceof StoreRecord.AdminObjectRemove o) {
            w.string(o.kind());
            w.string(o.name());
        } else {
            throw new IllegalArgumentException("no payload layout for " + r);
        }
        return w.bytes();
    }

    /**
     * Decodes a record written in {@link #FORMAT_VERSION}. Throws {@link PayloadFormatException} for a record of
     * another format, of a type without a payload layout ({@code EPOCH}), or whose payload does not fit its layout.
     */
    public static StoreRecord decode(Record r) {
        int format = formatOf(r);
        if (format != FORMAT_VERSION) {
            throw new PayloadFormatException("record " + r.sequence() + " (" + r.type() + ") has payload format " + format
                    + ", which this build cannot read (it reads format " + FORMAT_VERSION + (format == LEGACY_FORMAT ? " here" : "")
                    + "); the data store was written by " + (format > FORMAT_VERSION ? "a newer" : "an older") + " FMQ build");
        }
        ByteBuffer b = ByteBuffer.wrap(r.payload(), 1, r.payload().length - 1);
        try {
            StoreRecord decoded = read(r.type(), b);
            if (b.hasRemaining()) {
                throw new PayloadFormatException("record " + r.sequence() + " (" + r.type() + ") has " + b.remaining()
                        + " bytes after its payload");
            }
            return decoded;
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            if (e instanceof PayloadFormatException p) {
                throw p;
            }
            throw new PayloadFormatException("record " + r.sequence() + " (" + r.type() + ") does not hold a valid payload: "
                    + (e.getMessage() == null ? "it ends too early" : e.getMessage()));
        }
    }

    private static StoreRecord read(RecordType type, ByteBuffer b) {
        switch (type) {
            case DESTINATION_ADD:
                return new StoreRecord.DestinationAdd(readKind(b), readString(b));
            case DESTINATION_REMOVE:
                return new StoreRecord.DestinationRemove(readKind(b), readString(b));
            case MESSAGE_ADD:
                return readAdd(b);
            case MESSAGE_ACK:
                return readAck(b);
            case TX_COMMIT: {
                int n = count(b);
                List<StoreRecord.MessageAdd> adds = new ArrayList<>(Math.min(n, 1024));
                for (int i = 0; i < n; i++) {
                    adds.add(readAdd(b));
                }
                int m = count(b);
                List<StoreRecord.MessageAck> acks = new ArrayList<>(Math.min(m, 1024));
                for (int i = 0; i < m; i++) {
                    acks.add(readAck(b));
                }
                return new StoreRecord.Transaction(adds, acks);
            }
            case DURABLE_SUBSCRIPTION_ADD:
                return new StoreRecord.SubscriptionAdd(readString(b), readString(b), readString(b), readBool(b), readString(b),
                        readString(b));
            case DURABLE_SUBSCRIPTION_REMOVE:
                return new StoreRecord.SubscriptionRemove(readString(b));
            case PRINCIPAL_PUT:
                return new StoreRecord.PrincipalPut(readString(b), readString(b));
            case PRINCIPAL_REMOVE:
                return new StoreRecord.PrincipalRemove(readString(b));
            case ACL_PUT:
                return new StoreRecord.AclPut(readString(b), readString(b), readString(b));
            case ACL_REMOVE:
                return new StoreRecord.AclRemove(readString(b), readString(b));
            case ADMIN_OBJECT_PUT: {
                String kind = readString(b);
                String name = readString(b);
                int n = count(b);
                List<String> values = new ArrayList<>(Math.min(n, 1024));
                for (int i = 0; i < n; i++) {
                    values.add(readString(b));
                }
                return new StoreRecord.AdminObjectPut(kind, name, values);
            }
            case ADMIN_OBJECT_REMOVE:
                return new StoreRecord.AdminObjectRemove(readString(b), readString(b));
            default:
                throw new PayloadFormatException("a " + type + " record has no broker payload");
        }
    }

    private static void writeAdd(Writer w, StoreRecord.MessageAdd a) {
        w.ensure(12);
        w.b.putLong(a.sequence());
        w.b.putInt(a.queueKeys().size());
        a.queueKeys().forEach(w::string);
        w.ensure(4 + a.message().length);
        w.b.putInt(a.message().length);
        w.b.put(a.message());
    }

    private static StoreRecord.MessageAdd readAdd(ByteBuffer b) {
        long sequence = b.getLong();
        int k = count(b);
        List<String> keys = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            keys.add(readString(b));
        }
        int length = count(b);
        byte[] message = new byte[length];
        b.get(message);
        return new StoreRecord.MessageAdd(sequence, keys, message);
    }

    private static void writeAck(Writer w, StoreRecord.MessageAck a) {
        w.string(a.queueKey());
        w.ensure(8);
        w.b.putLong(a.sequence());
    }

    private static StoreRecord.MessageAck readAck(ByteBuffer b) {
        return new StoreRecord.MessageAck(readString(b), b.getLong());
    }

    private static boolean readKind(ByteBuffer b) {
        byte kind = b.get();
        if (kind != 'Q' && kind != 'T') {
            throw new IllegalArgumentException("destination kind " + kind + " is neither 'Q' nor 'T'");
        }
        return kind == 'Q';
    }

    private static boolean readBool(ByteBuffer b) {
        byte v = b.get();
        if (v != 0 && v != 1) {
            throw new IllegalArgumentException("boolean byte " + v + " is neither 0 nor 1");
        }
        return v == 1;
    }

    /** A count or length: never negative, never more than the bytes left could hold. */
    private static int count(ByteBuffer b) {
        int n = b.getInt();
        if (n < 0 || n > b.remaining()) {
            throw new IllegalArgumentException("count " + n + " does not fit the " + b.remaining() + " bytes left");
        }
        return n;
    }

    private static String readString(ByteBuffer b) {
        int length = b.getInt();
        if (length == -1) {
            return null;
        }
        if (length < 0 || length > b.remaining()) {
            throw new IllegalArgumentException("string length " + length + " does not fit the " + b.remaining() + " bytes left");
        }
        if (b.hasArray()) {
            String s = new String(b.array(), b.arrayOffset() + b.position(), length, StandardCharsets.UTF_8);
            b.position(b.position() + length);
            return s;
        }
        byte[] bytes = new byte[length];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** A growing big-endian buffer. */
    private static final class Writer {
        ByteBuffer b;

        Writer(int initial) {
            b = ByteBuffer.allocate(Math.max(16, initial));
        }

        void ensure(int more) {
            if (b.remaining() < more) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(b.capacity() * 2, b.position() + more));
                b.flip();
                bigger.put(b);
                b = bigger;
            }
        }

        void string(String s) {
            if (s == null) {
                ensure(4);
                b.putInt(-1);
                return;
            }
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            ensure(4 + utf8.length);
            b.putInt(utf8.length);
            b.put(utf8);
        }

        byte[] bytes() {
            return b.position() == b.capacity() ? b.array() : Arrays.copyOf(b.array(), b.position());
        }
    }
}
