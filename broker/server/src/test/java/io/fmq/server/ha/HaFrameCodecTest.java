package io.fmq.server.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmq.store.JournalReplica;
import io.fmq.store.replication.ReplicationMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The HA channel's frames survive the wire exactly, and broken bytes are refused, never half-read. */
class HaFrameCodecTest {

    private static EmbeddedChannel channel() {
        return new EmbeddedChannel(new LengthFieldBasedFrameDecoder(HaFrameCodec.MAX_FRAME, 0, 4, 0, 4),
                new LengthFieldPrepender(4), new HaFrameCodec());
    }

    /** Writes a frame out of one channel and reads it into another, as two servers would. */
    private static Object roundTrip(HaFrame frame) {
        EmbeddedChannel out = channel();
        assertThat(out.writeOutbound(frame)).isTrue();
        EmbeddedChannel in = channel();
        for (Object part; (part = out.readOutbound()) != null; ) {
            in.writeInbound(part);
        }
        Object read = in.readInbound();
        assertThat((Object) in.readInbound()).isNull();
        out.finishAndReleaseAll();
        in.finishAndReleaseAll();
        return read;
    }

    @Test
    void everyFrameComesBackEqual() {
        List<HaFrame> frames = List.of(
                new HaFrame.Hello(HaFrame.VERSION, true, "FioranoMQ_HA_rpl/HAPrimary",
                        Map.of("FMQGroup.PingInterval", "30000", "HAMode", "replicated"), "WAITING", "DEAD", 3, 1234, true),
                new HaFrame.Status("ACTIVE_SYNC", "WAITING", 4, 99, true, false),
                new HaFrame.Ping(),
                new HaFrame.Refuse("the settings differ: é ü"),
                new HaFrame.Goodbye(7, 1_700_000_000_123L),
                new HaFrame.Replication(new ReplicationMessage.SyncRequest(2,
                        List.of(new JournalReplica.SegmentDigest(1, 4096, -5), new JournalReplica.SegmentDigest(77, 32, 12)))),
                new HaFrame.Replication(new ReplicationMessage.SegmentDelete(77)),
                new HaFrame.Replication(new ReplicationMessage.EpochChange(5)),
                new HaFrame.Replication(new ReplicationMessage.SyncComplete(1000, 5)),
                new HaFrame.Replication(new ReplicationMessage.Ack(1001)));
        for (HaFrame f : frames) {
            assertThat(roundTrip(f)).as(f.toString()).isEqualTo(f);
        }
    }

    @Test
    void segmentWritesKeepEveryByteAndTheirSequence() {
        byte[] bytes = new byte[200_000];
        new Random(7).nextBytes(bytes);
        Object read = roundTrip(new HaFrame.Replication(new ReplicationMessage.SegmentWrite(33, 4096, bytes, 512)));
        ReplicationMessage.SegmentWrite w = (ReplicationMessage.SegmentWrite) ((HaFrame.Replication) read).message();
        assertThat(w.segment()).isEqualTo(33);
        assertThat(w.offset()).isEqualTo(4096);
        assertThat(w.lastSequence()).isEqualTo(512);
        assertThat(w.bytes()).isEqualTo(bytes);
    }

    @Test
    void unknownTypesTruncatedBodiesAndTrailingBytesAreRefused() {
        assertRefused(new byte[] {99});
        assertRefused(new byte[] {2, 0, 0, 0, 6, 'A', 'C'}); // a STATUS whose state string is cut short
        assertRefused(new byte[] {15, 0, 0, 0, 0, 0, 0, 0, 1, 42}); // an ACK with a byte too many
        assertRefused(new byte[] {10, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 0, 0, 0}); // a sync request announcing 2 billion segments
    }

    private static void assertRefused(byte[] body) {
        EmbeddedChannel in = channel();
        ByteBuf frame = Unpooled.buffer().writeInt(body.length).writeBytes(body);
        assertThatThrownBy(() -> in.writeInbound(frame)).isInstanceOf(DecoderException.class);
        assertThat((Object) in.readInbound()).isNull();
        in.finishAndReleaseAll();
    }

    @Test
    void randomBytesNeverProduceAFrameWithoutComplaint() {
        Random random = new Random(42);
        for (int i = 0; i < 2_000; i++) {
            byte[] body = new byte[1 + random.nextInt(64)];
            random.nextBytes(body);
            EmbeddedChannel in = channel();
            try {
                in.writeInbound(Unpooled.buffer().writeInt(body.length).writeBytes(body));
                Object read = in.readInbound();
                if (read != null) {
                    // whatever was accepted must encode back to exactly the same bytes
                    EmbeddedChannel out = channel();
                    out.writeOutbound(read);
                    ByteBuf length = out.readOutbound();
                    ByteBuf encoded = length.readableBytes() > 4 ? length : Unpooled.wrappedBuffer(length,
                            (ByteBuf) out.readOutbound());
                    encoded.skipBytes(4);
                    byte[] again = new byte[encoded.readableBytes()];
                    encoded.readBytes(again);
                    encoded.release();
                    assertThat(again).isEqualTo(body);
                    out.finishAndReleaseAll();
                }
            } catch (DecoderException expected) {
                // refused: fine
            } finally {
                in.finishAndReleaseAll();
            }
        }
    }
}
