package io.fmq.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameCodecTest {
    static WireMessage message() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("b", true);
        props.put("by", (byte) 7);
        props.put("s", (short) -3);
        props.put("i", 42);
        props.put("l", Long.MAX_VALUE);
        props.put("f", 1.5f);
        props.put("d", -2.25);
        props.put("str", "h\u00e9llo");
        props.put("bytes", new byte[] {1, 2});
        props.put("c", 'x');
        props.put("nothing", null);
        return new WireMessage("ID:1", Dest.queue("orders"), true, 7, 1000, 2000, 0, "corr", new Dest(Dest.Kind.TEMP_QUEUE, "tmp-1"),
                "type", false, 1, props, WireMessage.BODY_TEXT, "body".getBytes(StandardCharsets.UTF_8));
    }

    static List<Frame> everyFrame() {
        return List.of(
                new Frame.Hello(1, FrameCodec.PROTOCOL_VERSION, "0.1", "admin", "passwd", "client-1", 30000),
                new Frame.Hello(2, 1, null, null, null, null, 0),
                new Frame.Welcome(1, 1, "0.1", "conn-1", 30000),
                new Frame.Error(3, ErrorCode.SECURITY, "no", true),
                new Frame.Ok(4, 99, "text"),
                new Frame.Ok(5, 0, null),
                new Frame.Ping(6), new Frame.Pong(6), new Frame.Goodbye(7), new Frame.ClientId(20, "app-1"),
                new Frame.SessionOpen(8, 1, true, 0),
                new Frame.SessionCommand(9, FrameType.COMMIT, 1),
                new Frame.Redeliver(10, FrameType.ROLLBACK, 1, new int[] {2}, new long[] {40}),
                new Frame.Redeliver(11, FrameType.RECOVER, 1, new int[0], new long[0]),
                new Frame.SessionCommand(12, FrameType.SESSION_CLOSE, 1),
                new Frame.Send(13, 1, message()),
                new Frame.ConsumerOpen(14, 1, 2, Dest.topic("prices"), "price > 10", true, "sub", true, false, 100, false),
                new Frame.ConsumerClose(15, 2, 76),
                new Frame.Deliver(0, 2, 77, message().redelivery(2)),
                new Frame.Ack(16, 1, 77, true),
                new Frame.Credit(0, 2, 50),
                new Frame.AckSet(21, 1, new long[] {3, 9, 4}),
                new Frame.AckSet(22, 1, new long[0]),
                new Frame.Flow(23, false, new int[] {2, 5}, new long[] {76, 0}),
                new Frame.Flow(24, true, new int[0], new long[0]),
                new Frame.DestinationCommand(17, FrameType.UNSUBSCRIBE, null, "sub"),
                new Frame.DestinationCommand(18, FrameType.TEMP_CREATE, new Dest(Dest.Kind.TEMP_TOPIC, "x"), null),
                new Frame.DestinationCommand(19, FrameType.TEMP_DELETE, new Dest(Dest.Kind.TEMP_QUEUE, "tmp-1"), null));
    }

    private static EmbeddedChannel channel() {
        EmbeddedChannel ch = new EmbeddedChannel();
        FrameCodec.install(ch.pipeline());
        return ch;
    }

    @Test
    void everyFrameSurvivesARoundTripThroughThePipeline() {
        EmbeddedChannel ch = channel();
        for (Frame f : everyFrame()) {
            assertThat(ch.writeOutbound(f)).isTrue();
            ByteBuf bytes = ch.readOutbound();
            assertThat(ch.writeInbound(bytes)).isTrue();
            Frame back = ch.readInbound();
            assertThat(back).usingRecursiveComparison().isEqualTo(f);
        }
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void framesSplitAcrossReadsAreReassembled() {
        EmbeddedChannel ch = channel();
        ByteBuf all = Unpooled.buffer();
        for (Frame f : everyFrame()) {
            FrameCodec.encode(f, all);
        }
        while (all.isReadable()) {
            ch.writeInbound(all.readRetainedSlice(Math.min(3, all.readableBytes())));
        }
        all.release();
        for (Frame f : everyFrame()) {
            assertThat((Frame) ch.readInbound()).usingRecursiveComparison().isEqualTo(f);
        }
        ch.finishAndReleaseAll();
    }

    private static ByteBuf raw(int type, int requestId, int... body) {
        ByteBuf b = Unpooled.buffer();
        b.writeInt(5 + body.length).writeByte(type).writeInt(requestId);
        for (int x : body) {
            b.writeByte(x);
        }
        return b;
    }

    private static ByteBuf raw(int type, int requestId, byte[] body) {
        ByteBuf b = Unpooled.buffer();
        b.writeInt(5 + body.length).writeByte(type).writeInt(requestId).writeBytes(body);
        return b;
    }

    private static Throwable decodeFailure(ByteBuf bytes) {
        EmbeddedChannel ch = channel();
        try {
            ch.writeInbound(bytes);
            ch.checkException();
            return null;
        } catch (Throwable t) {
            return t instanceof DecoderException && t.getCause() != null ? t.getCause() : t;
        } finally {
            try {
                ch.finishAndReleaseAll();
            } catch (RuntimeException ignored) {
                // closing replays the leftover bytes through the decoder, which may fail again: already judged above
            }
        }
    }

    @Test
    void unknownTypeTruncatedBodyAndTrailingBytesAreProtocolErrors() {
        assertThat(decodeFailure(raw(99, 1))).isInstanceOf(ProtocolException.class).hasMessageContaining("unknown frame type 99");
        assertThat(decodeFailure(raw(FrameType.SESSION_OPEN.code(), 1, 0, 0))).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("frame ends inside");
        assertThat(decodeFailure(raw(FrameType.PING.code(), 1, 9))).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("bytes after its body");
        assertThat(decodeFailure(raw(FrameType.OK.code(), 1, 0, 0, 0, 0, 0, 0, 0, 0, 0x7f, 0, 0, 0)))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("does not fit in the frame");
    }

    @Test
    void oversizedFrameIsRefusedBeforeItIsBuffered() {
        ByteBuf b = Unpooled.buffer().writeInt(FrameCodec.MAX_FRAME_SIZE + 100).writeByte(1);
        assertThat(decodeFailure(b)).isInstanceOf(TooLongFrameException.class);
    }

    @Test
    void randomBytesNeverFailOtherwiseThanAsProtocolErrors() {
        Random random = new Random(20261122);
        for (int i = 0; i < 20_000; i++) {
            byte[] body = new byte[random.nextInt(64)];
            random.nextBytes(body);
            ByteBuf b = random.nextBoolean() ? raw(random.nextInt(50), random.nextInt(), body)
                    : Unpooled.wrappedBuffer(body);
            Throwable t = decodeFailure(b);
            if (t != null) {
                assertThat(t).as("input %d", i).isInstanceOfAny(ProtocolException.class, TooLongFrameException.class);
            }
        }
    }

    @Test
    void mutatedValidFramesNeverFailOtherwiseThanAsProtocolErrors() {
        Random random = new Random(7);
        for (Frame f : everyFrame()) {
            ByteBuf good = Unpooled.buffer();
            FrameCodec.encode(f, good);
            byte[] bytes = new byte[good.readableBytes()];
            good.readBytes(bytes);
            good.release();
            for (int i = 0; i < 500; i++) {
                byte[] mutated = bytes.clone();
                int flips = 1 + random.nextInt(3);
                for (int k = 0; k < flips; k++) {
                    mutated[4 + random.nextInt(mutated.length - 4)] = (byte) random.nextInt();
                }
                Throwable t = decodeFailure(Unpooled.wrappedBuffer(mutated));
                if (t != null) {
                    assertThat(t).as("%s mutation %d", f.type(), i).isInstanceOf(ProtocolException.class);
                }
            }
        }
    }

    @Test
    void encodingAFrameLargerThanTheMaximumFailsWithoutWritingIt() {
        byte[] huge = new byte[FrameCodec.MAX_FRAME_SIZE];
        WireMessage m = new WireMessage("id", Dest.queue("q"), false, 4, 0, 0, 0, null, null, null, false, 1, Map.of(),
                WireMessage.BODY_BYTES, huge);
        ByteBuf out = Unpooled.buffer();
        assertThatThrownBy(() -> FrameCodec.encode(new Frame.Send(1, 1, m), out)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exceeds the maximum");
        assertThat(out.writerIndex()).isZero();
        out.release();
    }
}
