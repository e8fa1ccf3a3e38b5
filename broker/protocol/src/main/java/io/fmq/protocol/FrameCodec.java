package io.fmq.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.MessageToByteEncoder;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.util.List;

/**
 * Turns bytes into {@link Frame}s and back (layout in {@link Frame}). {@link #install} puts the named
 * handlers into a pipeline; it is the one place the codec part of every FMQ client or server pipeline is built.
 */
public final class FrameCodec {
    /** The largest frame (length field value) either side accepts: 16 MiB. */
    public static final int MAX_FRAME_SIZE = 16 * 1024 * 1024;
    /** The protocol version this code speaks (2: connection start/stop reach the server, acknowledgement of listed deliveries). */
    public static final int PROTOCOL_VERSION = 2;

    public static final String FRAMER = "fmq-framer";
    public static final String DECODER = "fmq-frame-decoder";
    public static final String ENCODER = "fmq-frame-encoder";
    public static final String FLUSH = "fmq-flush-consolidation";

    private FrameCodec() {
    }

    public static void install(ChannelPipeline pipeline) {
        // many small frames (deliveries, acknowledgements, a producer's sends) share one socket write: flushes asked for
        // during a read wait for its end, and flushes asked for from other threads (an application's sends, the broker's
        // thread) run after the writes queued with them; at most 256 are held back
        pipeline.addLast(FLUSH, new FlushConsolidationHandler(256, true));
        pipeline.addLast(FRAMER, new LengthFieldBasedFrameDecoder(MAX_FRAME_SIZE + 4, 0, 4, 0, 4, true));
        pipeline.addLast(DECODER, new Decoder());
        pipeline.addLast(ENCODER, new Encoder());
    }

    /** Decodes one whole frame's bytes (after the length field). */
    public static Frame decode(ByteBuf frame) {
        if (frame.readableBytes() < 5) {
            throw new ProtocolException("frame of " + frame.readableBytes() + " bytes is shorter than its header");
        }
        FrameType type = FrameType.of(frame.readByte());
        int requestId = frame.readInt();
        Frame f;
        try {
            f = type.read(requestId, frame);
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new ProtocolException("malformed " + type + " frame: " + e.getMessage());
        }
        if (frame.isReadable()) {
            throw new ProtocolException(type + " frame has " + frame.readableBytes() + " bytes after its body");
        }
        return f;
    }

    /** Encodes a frame with its length field. */
    public static void encode(Frame frame, ByteBuf out) {
        int start = out.writerIndex();
        out.writeInt(0).writeByte(frame.type().code()).writeInt(frame.requestId());
        frame.writeBody(out);
        int length = out.writerIndex() - start - 4;
        if (length > MAX_FRAME_SIZE) {
            out.writerIndex(start);
            throw new IllegalArgumentException(frame.type() + " frame of " + length + " bytes exceeds the maximum of " + MAX_FRAME_SIZE);
        }
        out.setInt(start, length);
    }

    static final class Decoder extends ByteToMessageDecoder {
        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            out.add(FrameCodec.decode(in));
        }
    }

    static final class Encoder extends MessageToByteEncoder<Frame> {
        Encoder() {
            super(Frame.class);
        }

        @Override
        protected void encode(ChannelHandlerContext ctx, Frame frame, ByteBuf out) {
            FrameCodec.encode(frame, out);
        }
    }
}
