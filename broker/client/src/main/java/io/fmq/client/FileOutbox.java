package io.fmq.client;

import io.fmq.protocol.Wire;
import io.fmq.protocol.WireMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import jakarta.jms.JMSException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.logging.Logger;
import java.util.zip.CRC32;

/**
 * The outbox of persistent messages: one folder per connection (named after its client id), one file per
 * message, so a message a durable connection accepted while no server was reachable survives a restart of
 * the client and is sent by the next connection with the same client id.
 *
 * <p>On-disk format. Folder {@code <outbox dir>/<name>/}: {@code outbox.lock} (held with an OS file lock while
 * a connection uses the folder, so two connections never share it) and one file per message named
 * {@code <sequence, 20 decimal digits>.msg}; the sequence orders the outbox. A message file is
 * {@code "FMQO"} (4 bytes), format version (int, 1), length {@code n} of the message (int), the message in the
 * protocol's encoding ({@link Wire#writeMessage}, {@code n} bytes), CRC-32 of those {@code n} bytes (int); all
 * big-endian. A file is written under a {@code .tmp} name, forced to disk, then renamed, so a crash leaves
 * either the whole message or a {@code .tmp} file that the next open deletes. A file that fails its check is
 * renamed to {@code .corrupt}, logged, and left out.
 */
final class FileOutbox implements Outbox {
    private static final Logger LOG = Logger.getLogger(FileOutbox.class.getName());
    private static final int MAGIC = 0x464D514F; // "FMQO"
    private static final int VERSION = 1;

    private final Path folder;
    private final int maxCount;
    private final long maxBytes;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final TreeMap<Long, Entry> entries = new TreeMap<>();
    private long bytes;
    private long nextSequence = 1;

    private FileOutbox(Path folder, int maxCount, long maxBytes, FileChannel lockChannel, FileLock lock) {
        this.folder = folder;
        this.maxCount = maxCount;
        this.maxBytes = maxBytes;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Opens (creating when missing) the outbox folder and loads what an earlier run left in it. */
    static FileOutbox open(Path folder, int maxCount, long maxBytes) throws JMSException {
        FileChannel ch = null;
        try {
            Files.createDirectories(folder);
            ch = FileChannel.open(folder.resolve("outbox.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                ch.close();
                throw new JMSException("The outbox folder " + folder + " is in use by another durable connection. Give each "
                        + "connection its own client id (or its own outbox folder on the connection factory).");
            }
            FileOutbox o = new FileOutbox(folder, maxCount, maxBytes, ch, lock);
            o.load();
            return o;
        } catch (IOException e) {
            try {
                if (ch != null) {
                    ch.close();
                }
            } catch (IOException ignored) {
                // reporting the first problem
            }
            JMSException j = new JMSException("Cannot open the outbox folder " + folder + ": " + e
                    + ". Check that the folder is writable, or choose another with setOutboxDirectory.");
            j.setLinkedException(e);
            throw j;
        }
    }

    private void load() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
            for (Path p : files) {
                String name = p.getFileName().toString();
                if (name.endsWith(".tmp")) {
                    Files.deleteIfExists(p); // a write that did not finish: the send it belonged to never returned
                } else if (name.endsWith(".msg")) {
                    long seq;
                    try {
                        seq = Long.parseLong(name.substring(0, name.length() - 4));
                    } catch (NumberFormatException e) {
                        continue;
                    }
                    WireMessage m = read(p);
                    if (m == null) {
                        Path aside = p.resolveSibling(name + ".corrupt");
                        Files.move(p, aside, StandardCopyOption.REPLACE_EXISTING);
                        LOG.warning("Outbox file " + p + " is damaged; moved aside to " + aside + " and left out");
                        continue;
                    }
                    int size = (int) Files.size(p);
                    entries.put(seq, new Entry(seq, m, size));
                    bytes += size;
                    nextSequence = Math.max(nextSequence, seq + 1);
                }
            }
        }
    }

    private static WireMessage read(Path p) {
        try {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p));
            if (b.remaining() < 16 || b.getInt() != MAGIC || b.getInt() != VERSION) {
                return null;
            }
            int n = b.getInt();
            if (n < 0 || n + 4 != b.remaining()) {
                return null;
            }
            byte[] body = new byte[n];
            b.get(body);
            CRC32 crc = new CRC32();
            crc.update(body);
            if ((int) crc.getValue() != b.getInt()) {
                return null;
            }
            ByteBuf in = Unpooled.wrappedBuffer(body);
            try {
                return Wire.readMessage(in);
            } finally {
                in.release();
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public void add(WireMessage message, boolean force) throws JMSException {
        byte[] body;
        ByteBuf out = Unpooled.buffer();
        try {
            Wire.writeMessage(out, message);
            body = new byte[out.readableBytes()];
            out.readBytes(body);
        } finally {
            out.release();
        }
        int size = body.length + 16;
        if (!force && (entries.size() + 1 > maxCount || bytes + size > maxBytes)) {
            throw Outbox.full("outbox (persistent messages, " + folder + ")", entries.size(), bytes, maxCount, maxBytes);
        }
        CRC32 crc = new CRC32();
        crc.update(body);
        ByteBuffer file = ByteBuffer.allocate(size);
        file.putInt(MAGIC).putInt(VERSION).putInt(body.length).put(body).putInt((int) crc.getValue()).flip();
        long seq = nextSequence;
        Path target = folder.resolve(String.format("%020d.msg", seq));
        Path tmp = folder.resolve(target.getFileName() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                while (file.hasRemaining()) {
                    ch.write(file);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            JMSException j = new JMSException("Cannot write to the outbox folder " + folder + ": " + e
                    + ". Free disk space or choose another folder with setOutboxDirectory.");
            j.setLinkedException(e);
            throw j;
        }
        nextSequence++;
        entries.put(seq, new Entry(seq, message, size));
        bytes += size;
    }

    @Override
    public List<Entry> oldest(int max) {
        List<Entry> list = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (list.size() >= max) {
                break;
            }
            list.add(e);
        }
        return list;
    }

    @Override
    public void remove(Entry entry) throws JMSException {
        if (entries.remove(entry.sequence()) == null) {
            return;
        }
        bytes -= entry.size();
        try {
            Files.deleteIfExists(folder.resolve(String.format("%020d.msg", entry.sequence())));
        } catch (IOException e) {
            JMSException j = new JMSException("Cannot delete a sent message from the outbox folder " + folder + ": " + e);
            j.setLinkedException(e);
            throw j;
        }
    }

    @Override
    public int count() {
        return entries.size();
    }

    @Override
    public long bytes() {
        return bytes;
    }

    Path folder() {
        return folder;
    }

    @Override
    public void close() {
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            // the OS drops the lock with the process anyway
        }
    }
}
