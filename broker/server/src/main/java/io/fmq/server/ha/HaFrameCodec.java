package io.fmq.server.ha;

import io.fmq.ha.pair.PairSettingsCodec;
import io.fmq.store.JournalReplica;
import io.fmq.store.replication.ReplicationMessage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.MessageToMessageCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns {@link HaFrame}s into the bytes documented there and back. Runs after a length-field frame decoder
 * (and before a length-field prepender), so it sees whole frames without their length. A frame it cannot
 * read is a {@link CorruptedFrameException}: the channel handler closes the link.
 */
final class HaFrameCodec extends MessageToMessageCodec<ByteBuf, HaFrame> {
    static final int MAX_FRAME = 8 * 1024 * 1024;
    private static final int MAX_STRING = 64 * 1024;

    private static final byte HELLO = 1;
    private static final byte STATUS = 2;
    private static final byte PING = 3;
    private static final byte REFUSE = 4;
    private static final byte GOODBYE = 5;
    private static final byte SYNC_REQUEST = 10;
    private static final byte SEGMENT_WRITE = 11;
    private static final byte SEGMENT_DELETE = 12;
    private static final byte EPOCH = 13;
    private static final byte SYNC_COMPLETE = 14;
    private static final byte ACK = 15;

    @Override
    protected void encode(ChannelHandlerContext ctx, HaFrame frame, List<Object> out) {
        ByteBuf b = ctx.alloc().buffer(frame instanceof HaFrame.Replication r && r.message() instanceof ReplicationMessage.SegmentWrite w
                ? 32 + w.bytes().length : 128);
        write(frame, b);
        out.add(b);
    }

    static void write(HaFrame frame, ByteBuf b) {
        if (frame instanceof HaFrame.Hello h) {
            b.writeByte(HELLO).writeInt(h.version()).writeBoolean(h.primary());
            string(b, h.name());
            bytes(b, PairSettingsCodec.encode(h.settings()));
            string(b, h.state());
            string(b, h.previous());
            b.writeLong(h.epoch()).writeLong(h.sequence()).writeBoolean(h.complete());
        } else if (frame instanceof HaFrame.Status s) {
            b.writeByte(STATUS);
            string(b, s.state());
            string(b, s.previous());
            b.writeLong(s.epoch()).writeLong(s.sequence()).writeBoolean(s.lockHeld()).writeBoolean(s.complete());
        } else if (frame instanceof HaFrame.Ping) {
            b.writeByte(PING);
        } else if (frame instanceof HaFrame.Refuse r) {
            b.writeByte(REFUSE);
            string(b, r.reason());
        } else if (frame instanceof HaFrame.Goodbye g) {
            b.writeByte(GOODBYE).writeLong(g.epoch()).writeLong(g.acceptorStoppedAtMillis());
        } else if (frame instanceof HaFrame.Replication r) {
            writeReplication(r.message(), b);
        }
    }

    private static void writeReplication(ReplicationMessage m, ByteBuf b) {
        if (m instanceof ReplicationMessage.SyncRequest r) {
            b.writeByte(SYNC_REQUEST).writeLong(r.epoch()).writeInt(r.segments().size());
            for (JournalReplica.SegmentDigest d : r.segments()) {
                b.writeLong(d.firstSequence()).writeLong(d.size()).writeInt(d.crc());
            }
        } else if (m instanceof ReplicationMessage.SegmentWrite w) {
            b.writeByte(SEGMENT_WRITE).writeLong(w.segment()).writeLong(w.offset()).writeLong(w.lastSequence());
            bytes(b, w.bytes());
        } else if (m instanceof ReplicationMessage.SegmentDelete d) {
            b.writeByte(SEGMENT_DELETE).writeLong(d.segment());
        } else if (m instanceof ReplicationMessage.EpochChange e) {
            b.writeByte(EPOCH).writeLong(e.epoch());
        } else if (m instanceof ReplicationMessage.SyncComplete c) {
            b.writeByte(SYNC_COMPLETE).writeLong(c.lastSequence()).writeLong(c.epoch());
        } else if (m instanceof ReplicationMessage.Ack a) {
            b.writeByte(ACK).writeLong(a.lastSequence());
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        out.add(read(in));
    }

    static HaFrame read(ByteBuf in) {
        try {
            byte type = in.readByte();
            HaFrame frame = switch (type) {
                case HELLO -> new HaFrame.Hello(in.readInt(), in.readBoolean(), string(in), PairSettingsCodec.decode(bytes(in)),
                        string(in), string(in), in.readLong(), in.readLong(), in.readBoolean());
                case STATUS -> new HaFrame.Status(string(in), string(in), in.readLong(), in.readLong(), in.readBoolean(),
                        in.readBoolean());
                case PING -> new HaFrame.Ping();
                case REFUSE -> new HaFrame.Refuse(string(in));
                case GOODBYE -> new HaFrame.Goodbye(in.readLong(), in.readLong());
                case SYNC_REQUEST -> {
                    long epoch = in.readLong();
                    int count = in.readInt();
                    if (count < 0 || count > in.readableBytes() / 20) {
                        throw new CorruptedFrameException("a sync request announces " + count + " segments");
                    }
                    List<JournalReplica.SegmentDigest> segments = new ArrayList<>(count);
                    for (int i = 0; i < count; i++) {
                        segments.add(new JournalReplica.SegmentDigest(in.readLong(), in.readLong(), in.readInt()));
                    }
                    yield new HaFrame.Replication(new ReplicationMessage.SyncRequest(epoch, segments));
                }
                case SEGMENT_WRITE -> {
                    long segment = in.readLong();
                    long offset = in.readLong();
                    long lastSequence = in.readLong();
                    yield new HaFrame.Replication(new ReplicationMessage.SegmentWrite(segment, offset, bytes(in), lastSequence));
                }
                case SEGMENT_DELETE -> new HaFrame.Replication(new ReplicationMessage.SegmentDelete(in.readLong()));
                case EPOCH -> new HaFrame.Replication(new ReplicationMessage.EpochChange(in.readLong()));
                case SYNC_COMPLETE -> new HaFrame.Replication(new ReplicationMessage.SyncComplete(in.readLong(), in.readLong()));
                case ACK -> new HaFrame.Replication(new ReplicationMessage.Ack(in.readLong()));
                default -> throw new CorruptedFrameException("unknown HA frame type " + type);
            };
            if (in.isReadable()) {
                throw new CorruptedFrameException(in.readableBytes() + " unread bytes after a " + frame.getClass().getSimpleName() + " frame");
            }
            return frame;
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new CorruptedFrameException("malformed HA frame: " + e.getMessage(), e);
        }
    }

    private static void string(ByteBuf b, String s) {
        bytes(b, s.getBytes(StandardCharsets.UTF_8));
    }

    private static void bytes(ByteBuf b, byte[] bytes) {
        b.writeInt(bytes.length).writeBytes(bytes);
    }

    private static String string(ByteBuf in) {
        int n = in.readInt();
        if (n < 0 || n > MAX_STRING || n > in.readableBytes()) {
            throw new CorruptedFrameException("a string of " + n + " bytes");
        }
        return in.readCharSequence(n, StandardCharsets.UTF_8).toString();
    }

    private static byte[] bytes(ByteBuf in) {
        int n = in.readInt();
        if (n < 0 || n > in.readableBytes()) {
            throw new CorruptedFrameException("a byte array of " + n + " bytes with " + in.readableBytes() + " left");
        }
        byte[] b = new byte[n];
        in.readBytes(b);
        return b;
    }
}
