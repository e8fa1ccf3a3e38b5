package io.fmq.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The value encoding inside frame bodies. Big-endian throughout.
 *
 * <pre>
 * string   int32 byte length (-1 for null), then UTF-8 bytes
 * bytes    int32 length (-1 for null), then the bytes
 * dest     int8 kind (0 for null), then string name
 * value    int8 tag, then: 0 null | 1 boolean (1 byte) | 2 byte | 3 short | 4 int | 5 long | 6 float
 *          | 7 double | 8 string | 9 bytes | 10 char (2 bytes)
 * map      int32 count, then count × (string key, value)
 * longs    int32 count, then count × int64
 * message  string id, dest destination, int8 flags (1 persistent, 2 redelivered), int8 priority,
 *          int64 timestamp, int64 expiration, int64 deliveryTime, string correlationId, dest replyTo,
 *          string type, int32 deliveryCount, map properties, int8 bodyType, bytes body
 * </pre>
 * Every read checks the bounds of the frame; a length that does not fit is a {@link ProtocolException}.
 */
public final class Wire {
    static final int MAX_MAP_ENTRIES = 65_536;

    private Wire() {
    }

    public static void writeString(ByteBuf out, String s) {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        int lengthIndex = out.writerIndex();
        out.writeInt(0);
        int written = out.writeCharSequence(s, StandardCharsets.UTF_8);
        out.setInt(lengthIndex, written);
    }

    public static String readString(ByteBuf in) {
        int length = readLength(in, "string");
        if (length < 0) {
            return null;
        }
        String s = in.toString(in.readerIndex(), length, StandardCharsets.UTF_8);
        in.skipBytes(length);
        return s;
    }

    public static void writeBytes(ByteBuf out, byte[] b) {
        if (b == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(b.length).writeBytes(b);
        }
    }

    public static byte[] readBytes(ByteBuf in) {
        int length = readLength(in, "byte array");
        if (length < 0) {
            return null;
        }
        byte[] b = new byte[length];
        in.readBytes(b);
        return b;
    }

    private static int readLength(ByteBuf in, String what) {
        need(in, 4, what + " length");
        int length = in.readInt();
        if (length < -1 || length > in.readableBytes()) {
            throw new ProtocolException(what + " length " + length + " does not fit in the frame (" + in.readableBytes() + " bytes left)");
        }
        return length;
    }

    /** A count of items of {@code itemBytes} each that must fit in what is left of the frame. */
    static int readCount(ByteBuf in, int itemBytes, String what) {
        need(in, 4, what + " count");
        int count = in.readInt();
        if (count < 0 || (long) count * itemBytes > in.readableBytes()) {
            throw new ProtocolException(what + " of " + count + " items does not fit in the frame (" + in.readableBytes()
                    + " bytes left)");
        }
        return count;
    }

    /** {@code int32 count, count × int64}. */
    public static void writeLongs(ByteBuf out, long[] values) {
        out.writeInt(values.length);
        for (long v : values) {
            out.writeLong(v);
        }
    }

    public static long[] readLongs(ByteBuf in) {
        long[] values = new long[readCount(in, 8, "number list")];
        for (int i = 0; i < values.length; i++) {
            values[i] = in.readLong();
        }
        return values;
    }

    static void need(ByteBuf in, int bytes, String what) {
        if (in.readableBytes() < bytes) {
            throw new ProtocolException("frame ends inside " + what);
        }
    }

    public static boolean readBoolean(ByteBuf in) {
        need(in, 1, "a boolean");
        byte b = in.readByte();
        if (b != 0 && b != 1) {
            throw new ProtocolException("boolean byte " + b);
        }
        return b == 1;
    }

    public static int readInt(ByteBuf in) {
        need(in, 4, "an int");
        return in.readInt();
    }

    public static long readLong(ByteBuf in) {
        need(in, 8, "a long");
        return in.readLong();
    }

    public static byte readByte(ByteBuf in) {
        need(in, 1, "a byte");
        return in.readByte();
    }

    public static void writeDest(ByteBuf out, Dest d) {
        if (d == null) {
            out.writeByte(0);
        } else {
            out.writeByte(d.kind().code);
            writeString(out, d.name());
        }
    }

    public static Dest readDest(ByteBuf in) {
        byte kind = readByte(in);
        if (kind == 0) {
            return null;
        }
        Dest.Kind k = Dest.Kind.of(kind);
        String name = readString(in);
        if (name == null || name.isEmpty()) {
            throw new ProtocolException("destination without a name");
        }
        return new Dest(k, name);
    }

    public static void writeValue(ByteBuf out, Object v) {
        if (v == null) {
            out.writeByte(0);
        } else if (v instanceof Boolean) {
            out.writeByte(1).writeBoolean((Boolean) v);
        } else if (v instanceof Byte) {
            out.writeByte(2).writeByte((Byte) v);
        } else if (v instanceof Short) {
            out.writeByte(3).writeShort((Short) v);
        } else if (v instanceof Integer) {
            out.writeByte(4).writeInt((Integer) v);
        } else if (v instanceof Long) {
            out.writeByte(5).writeLong((Long) v);
        } else if (v instanceof Float) {
            out.writeByte(6).writeFloat((Float) v);
        } else if (v instanceof Double) {
            out.writeByte(7).writeDouble((Double) v);
        } else if (v instanceof String) {
            out.writeByte(8);
            writeString(out, (String) v);
        } else if (v instanceof byte[]) {
            out.writeByte(9);
            writeBytes(out, (byte[]) v);
        } else if (v instanceof Character) {
            out.writeByte(10).writeChar((Character) v);
        } else {
            throw new IllegalArgumentException("cannot encode a value of type " + v.getClass().getName());
        }
    }

    public static Object readValue(ByteBuf in) {
        byte tag = readByte(in);
        switch (tag) {
            case 0: return null;
            case 1: return readBoolean(in);
            case 2: return readByte(in);
            case 3: need(in, 2, "a short"); return in.readShort();
            case 4: return readInt(in);
            case 5: return readLong(in);
            case 6: need(in, 4, "a float"); return in.readFloat();
            case 7: need(in, 8, "a double"); return in.readDouble();
            case 8: return readString(in);
            case 9: return readBytes(in);
            case 10: need(in, 2, "a char"); return in.readChar();
            default: throw new ProtocolException("unknown value tag " + tag);
        }
    }

    public static void writeMap(ByteBuf out, Map<String, Object> map) {
        out.writeInt(map.size());
        for (Map.Entry<String, Object> e : map.entrySet()) {
            writeString(out, e.getKey());
            writeValue(out, e.getValue());
        }
    }

    public static Map<String, Object> readMap(ByteBuf in) {
        int count = readInt(in);
        if (count < 0 || count > MAX_MAP_ENTRIES || count > in.readableBytes() / 5) {
            throw new ProtocolException("map with " + count + " entries does not fit in the frame");
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String key = readString(in);
            if (key == null) {
                throw new ProtocolException("map key is null");
            }
            map.put(key, readValue(in));
        }
        return map;
    }

    public static void writeMessage(ByteBuf out, WireMessage m) {
        writeString(out, m.messageId());
        writeDest(out, m.destination());
        out.writeByte((m.persistent() ? 1 : 0) | (m.redelivered() ? 2 : 0));
        out.writeByte(m.priority());
        out.writeLong(m.timestamp()).writeLong(m.expiration()).writeLong(m.deliveryTime());
        writeString(out, m.correlationId());
        writeDest(out, m.replyTo());
        writeString(out, m.type());
        out.writeInt(m.deliveryCount());
        writeMap(out, m.properties());
        out.writeByte(m.bodyType());
        writeBytes(out, m.body());
    }

    public static WireMessage readMessage(ByteBuf in) {
        String id = readString(in);
        Dest destination = readDest(in);
        byte flags = readByte(in);
        byte priority = readByte(in);
        if (priority < 0 || priority > 9) {
            throw new ProtocolException("priority " + priority + " is not 0..9");
        }
        long timestamp = readLong(in);
        long expiration = readLong(in);
        long deliveryTime = readLong(in);
        String correlationId = readString(in);
        Dest replyTo = readDest(in);
        String type = readString(in);
        int deliveryCount = readInt(in);
        Map<String, Object> properties = readMap(in);
        properties = properties.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(properties); // taken as it is
        byte bodyType = readByte(in);
        if (bodyType < WireMessage.BODY_NONE || bodyType > WireMessage.BODY_OBJECT) {
            throw new ProtocolException("unknown body type " + bodyType);
        }
        byte[] body = readBytes(in);
        return new WireMessage(id, destination, (flags & 1) != 0, priority, timestamp, expiration, deliveryTime, correlationId,
                replyTo, type, (flags & 2) != 0, deliveryCount, properties, bodyType, body);
    }
}
