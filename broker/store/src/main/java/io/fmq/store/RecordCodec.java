package io.fmq.store;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The on-disk layout of the journal, in one place. All numbers are big-endian.
 *
 * <pre>
 * Segment file  journal/&lt;first sequence, 20 digits&gt;.seg
 *   header, 32 bytes:
 *     magic           4  'F' 'M' 'Q' 'J'
 *     format version  4  int, currently 1
 *     epoch           8  long, the store's epoch when the segment was created
 *     first sequence  8  long, the sequence number the segment's first record has (or will have)
 *     header CRC32C   4  int, over the 24 bytes before it
 *     reserved        4  zero
 *   records, one after the other, until the end of the file:
 *     length          4  int, bytes of payload (0 .. {@link #MAX_PAYLOAD})
 *     type            1  byte, {@link RecordType#code()}
 *     sequence        8  long, one more than the record before it in this segment
 *     CRC32C          4  int, over length, type, sequence and payload
 *     payload    length  bytes
 * </pre>
 *
 * Only the last segment is written to. A record is durable when the segment's bytes up to its end
 * have been forced to disk; a crash can leave an incomplete record (or garbage, or zeros) after the last
 * durable one, which recovery detects by the length bound, the type, the sequence and the CRC.
 */
final class RecordCodec {
    static final int SEGMENT_HEADER_SIZE = 32;
    static final int RECORD_HEADER_SIZE = 17;
    static final int MAX_PAYLOAD = 64 * 1024 * 1024;
    static final int FORMAT_VERSION = 1;
    private static final int MAGIC = ('F' << 24) | ('M' << 16) | ('Q' << 8) | 'J';

    private RecordCodec() {
    }

    static void writeSegmentHeader(ByteBuffer out, long epoch, long firstSequence) {
        int start = out.position();
        out.putInt(MAGIC).putInt(FORMAT_VERSION).putLong(epoch).putLong(firstSequence);
        CRC32C crc = new CRC32C();
        crc.update(out.duplicate().position(start).limit(start + 24));
        out.putInt((int) crc.getValue()).putInt(0);
    }

    /** The segment header's epoch and first sequence, or null when the 32 bytes are not a valid header. */
    static long[] readSegmentHeader(ByteBuffer in) {
        if (in.remaining() < SEGMENT_HEADER_SIZE) {
            return null;
        }
        int start = in.position();
        CRC32C crc = new CRC32C();
        crc.update(in.duplicate().position(start).limit(start + 24));
        int magic = in.getInt();
        int version = in.getInt();
        long epoch = in.getLong();
        long first = in.getLong();
        int stored = in.getInt();
        in.getInt();
        if (magic != MAGIC || version != FORMAT_VERSION || stored != (int) crc.getValue()) {
            return null;
        }
        return new long[] {epoch, first};
    }

    static int encodedSize(byte[] payload) {
        return RECORD_HEADER_SIZE + payload.length;
    }

    static void writeRecord(ByteBuffer out, long sequence, RecordType type, byte[] payload) {
        out.putInt(payload.length).put(type.code()).putLong(sequence).putInt(crc(payload.length, type.code(), sequence, payload, 0));
        out.put(payload);
    }

    static int crc(int length, byte type, long sequence, byte[] payload, int offset) {
        return crc(length, type, sequence, ByteBuffer.wrap(payload), offset);
    }

    /**
     * The CRC of a record whose payload is the {@code length} bytes at {@code offset} of {@code data} (a heap or a direct
     * buffer); moves {@code data}'s position and limit, so pass a view of one's own (a duplicate made once).
     */
    static int crc(int length, byte type, long sequence, ByteBuffer data, int offset) {
        CRC32C crc = new CRC32C();
        byte[] header = new byte[13];
        header[0] = (byte) (length >>> 24);
        header[1] = (byte) (length >>> 16);
        header[2] = (byte) (length >>> 8);
        header[3] = (byte) length;
        header[4] = type;
        for (int i = 0; i < 8; i++) {
            header[5 + i] = (byte) (sequence >>> (56 - 8 * i));
        }
        crc.update(header, 0, 13);
        data.clear();
        data.limit(offset + length).position(offset);
        crc.update(data);
        return (int) crc.getValue();
    }

    /**
     * Decodes the record at {@code offset} of a buffer (heap or direct) that holds its bytes up to {@code limit}, or
     * returns null when no valid record starts there; the payload is copied out. Moves {@code data}'s position and
     * limit, as {@link #crc(int, byte, long, ByteBuffer, int)}.
     */
    static Record readRecord(ByteBuffer data, int offset, int limit) {
        if (limit - offset < RECORD_HEADER_SIZE) {
            return null;
        }
        data.clear();
        int length = data.getInt(offset);
        byte code = data.get(offset + 4);
        long sequence = data.getLong(offset + 5);
        int stored = data.getInt(offset + 13);
        RecordType type = RecordType.ofCode(code);
        if (length < 0 || length > MAX_PAYLOAD || length > limit - offset - RECORD_HEADER_SIZE || type == null || sequence <= 0) {
            return null;
        }
        int payloadOffset = offset + RECORD_HEADER_SIZE;
        if (crc(length, code, sequence, data, payloadOffset) != stored) {
            return null;
        }
        byte[] payload = new byte[length];
        data.get(payloadOffset, payload);
        return new Record(sequence, type, payload);
    }

    /**
     * Decodes the record at {@code offset} of {@code data} (which ends at {@code limit}), or returns null
     * when no valid record starts there.
     */
    static Record readRecord(byte[] data, int offset, int limit) {
        return readRecord(ByteBuffer.wrap(data), offset, limit);
    }
}
