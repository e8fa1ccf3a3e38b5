package io.fmq.ha.lock;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * Reads and writes the lock file's bytes; the layout itself is documented on {@link FileHaLock}.
 * All numbers are big-endian.
 */
final class LockFileLayout {

    static final int MAGIC = 0x464D514C; // "FMQL"
    static final short VERSION = 1;
    static final int HEADER_LENGTH = 32;
    /** The release fields at the end of a holder record body: released flag (1) and acceptor-stopped time (8). */
    static final int RELEASE_LENGTH = 9;
    /** Bounds a holder record so a damaged length cannot make us allocate gigabytes. */
    private static final int MAX_HOLDER_BODY = 4096;

    private LockFileLayout() {
    }

    /** What the first bytes of the file say. */
    enum HeaderState { EMPTY, VALID, NOT_A_LOCK_FILE, NEWER_VERSION, DAMAGED }

    record Header(HeaderState state, LockIdentity identity) {
    }

    static ByteBuffer encodeHeader(LockIdentity identity) {
        ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH);
        header.putInt(MAGIC).putShort(VERSION).putShort((short) HEADER_LENGTH);
        header.putLong(identity.id().getMostSignificantBits()).putLong(identity.id().getLeastSignificantBits());
        header.putInt(0);
        header.putInt(crc(header.array(), 0, 28));
        return header.flip();
    }

    static Header readHeader(FileChannel channel) throws IOException {
        long size = channel.size();
        if (size == 0) {
            return new Header(HeaderState.EMPTY, null);
        }
        ByteBuffer header = readFully(channel, 0, (int) Math.min(size, HEADER_LENGTH));
        if (header.remaining() < 4 || header.getInt(0) != MAGIC) {
            return new Header(HeaderState.NOT_A_LOCK_FILE, null);
        }
        if (header.remaining() < HEADER_LENGTH) {
            return new Header(HeaderState.DAMAGED, null);
        }
        if (header.getShort(4) > VERSION) {
            return new Header(HeaderState.NEWER_VERSION, null);
        }
        if (header.getInt(28) != crc(header.array(), 0, 28)) {
            return new Header(HeaderState.DAMAGED, null);
        }
        return new Header(HeaderState.VALID, new LockIdentity(new UUID(header.getLong(8), header.getLong(16))));
    }

    /** Replaces the holder record and cuts the file after it. */
    static void writeHolder(FileChannel channel, LockHolder holder) throws IOException {
        byte[] server = utf8(holder.owner().server());
        byte[] host = utf8(holder.owner().host());
        int bodyLength = 8 + 8 + 8 + 2 + server.length + 2 + host.length + RELEASE_LENGTH;
        ByteBuffer record = ByteBuffer.allocate(4 + bodyLength + 4);
        record.putInt(bodyLength);
        record.putLong(holder.epoch()).putLong(holder.acquiredAt().toEpochMilli()).putLong(holder.owner().pid());
        record.putShort((short) server.length).put(server);
        record.putShort((short) host.length).put(host);
        record.put((byte) (holder.releasedAfterStopping() ? 1 : 0))
                .putLong(holder.releasedAfterStopping() ? holder.acceptorStoppedAt().toEpochMilli() : 0);
        record.putInt(crc(record.array(), 0, 4 + bodyLength));
        record.flip();
        long position = HEADER_LENGTH;
        while (record.hasRemaining()) {
            position += channel.write(record, position);
        }
        channel.truncate(position);
    }

    /**
     * The holder record, empty if none was ever written. A record that is cut short or fails its
     * checksum (being rewritten right now, or a writer crashed half-way) is reported as damaged.
     */
    static Optional<LockHolder> readHolder(FileChannel channel) throws IOException, DamagedRecordException {
        long size = channel.size();
        if (size <= HEADER_LENGTH) {
            return Optional.empty();
        }
        if (size < HEADER_LENGTH + 8L) {
            throw new DamagedRecordException("holder record cut short");
        }
        ByteBuffer length = readFully(channel, HEADER_LENGTH, 4);
        if (length.remaining() < 4) {
            throw new DamagedRecordException("holder record cut short");
        }
        int bodyLength = length.getInt(0);
        if (bodyLength < 28 || bodyLength > MAX_HOLDER_BODY || size < HEADER_LENGTH + 8L + bodyLength) {
            throw new DamagedRecordException("holder record length " + bodyLength + " does not fit the file");
        }
        ByteBuffer record = readFully(channel, HEADER_LENGTH, 4 + bodyLength + 4);
        if (record.remaining() < 4 + bodyLength + 4) {
            throw new DamagedRecordException("holder record cut short");
        }
        if (record.getInt(4 + bodyLength) != crc(record.array(), 0, 4 + bodyLength)) {
            throw new DamagedRecordException("holder record checksum mismatch");
        }
        record.position(4);
        long epoch = record.getLong();
        Instant acquiredAt = Instant.ofEpochMilli(record.getLong());
        long pid = record.getLong();
        String server = readString(record);
        String host = readString(record);
        Instant acceptorStoppedAt = null;
        if (record.remaining() - 4 >= RELEASE_LENGTH) {
            boolean released = record.get() != 0;
            long stoppedAt = record.getLong();
            acceptorStoppedAt = released ? Instant.ofEpochMilli(stoppedAt) : null;
        }
        return Optional.of(new LockHolder(new LockOwner(server, host, pid), epoch, acquiredAt, acceptorStoppedAt));
    }

    /** The holder record exists but cannot be trusted. */
    static final class DamagedRecordException extends Exception {
        private static final long serialVersionUID = 1L;

        DamagedRecordException(String message) {
            super(message);
        }
    }

    private static String readString(ByteBuffer buffer) throws DamagedRecordException {
        int length = Short.toUnsignedInt(buffer.getShort());
        if (length > buffer.remaining() - 4) {
            throw new DamagedRecordException("holder record string runs past the record");
        }
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 1024) {
            throw new IllegalArgumentException("name too long for the lock file (over 1024 bytes): " + text);
        }
        return bytes;
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, position + buffer.position());
            if (read < 0) {
                break;
            }
        }
        return buffer.flip();
    }

    private static int crc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }
}
