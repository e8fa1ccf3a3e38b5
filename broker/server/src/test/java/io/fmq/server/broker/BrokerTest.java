package io.fmq.server.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmq.profile.JmxUsers;
import io.fmq.protocol.Dest;
import io.fmq.protocol.Frame;
import io.fmq.protocol.Wire;
import io.fmq.protocol.WireMessage;
import io.fmq.store.InMemoryJournal;
import io.fmq.store.Record;
import io.fmq.store.RecordType;
import io.fmq.store.payload.PayloadCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The messaging core in-process: a {@link Broker} on the in-memory journal, a fake delivery target that records what a
 * client would receive, and a clock the test moves.
 */
class BrokerTest {
    private final ManualClock clock = new ManualClock(1_000_000);
    private final List<Broker> opened = new ArrayList<>();

    /** A clock that stands still until the test moves it. */
    static final class ManualClock extends Clock {
        private final AtomicLong millis;

        ManualClock(long start) {
            millis = new AtomicLong(start);
        }

        void advance(long ms) {
            millis.addAndGet(ms);
        }

        @Override
        public long millis() {
            return millis.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /** What one client connection was sent. */
    static final class Received implements DeliveryTarget {
        final List<WireMessage> messages = new ArrayList<>();
        final List<Long> deliveryIds = new ArrayList<>();

        @Override
        public synchronized void deliver(int consumerId, long deliveryId, WireMessage message) {
            messages.add(message);
            deliveryIds.add(deliveryId);
        }

        synchronized List<String> ids() {
            return messages.stream().map(WireMessage::messageId).toList();
        }
    }

    private Broker open(InMemoryJournal journal) throws IOException {
        Broker b = Broker.open(journal, clock, new Broker.Settings(5, true, 64L * 1024 * 1024, "test"), text -> {
            try {
                return io.fmq.server.selector.Selector.parse(text);
            } catch (io.fmq.server.selector.Selector.InvalidSelectorException e) {
                throw new BrokerException(io.fmq.protocol.ErrorCode.INVALID_SELECTOR, e.getMessage());
            }
        });
        opened.add(b);
        return b;
    }

    @AfterEach
    void closeBrokers() {
        opened.forEach(Broker::close);
    }

    private WireMessage message(String id, Dest to, boolean persistent, long expiration) {
        return new WireMessage(id, to, persistent, 4, clock.millis(), expiration, 0, null, null, null, false, 0, Map.of("k", "v"),
                (byte) 0, ("body of " + id).getBytes());
    }

    private static Frame.ConsumerOpen consumer(int consumerId, Dest d) {
        return new Frame.ConsumerOpen(1, 1, consumerId, d, null, false, null, false, false, 100, false);
    }

    private static void await(java.util.concurrent.CompletableFuture<?> f) throws Exception {
        f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aPersistentMessageSurvivesAReopenAndIsDeliveredOnce() throws Exception {
        InMemoryJournal journal = new InMemoryJournal();
        Broker broker = open(journal);
        BrokerConnection producer = broker.connect("admin", "passwd", null, "test", new Received());
        producer.openSession(1, false);
        await(producer.send(1, message("ID:1", Dest.queue("orders"), true, 0)));
        await(producer.send(1, message("ID:2", Dest.queue("orders"), false, 0)));
        assertThat(broker.destinationStats(Dest.queue("orders")).depth()).isEqualTo(2);
        broker.close();

        Broker reopened = open(journal.reopen());
        assertThat(reopened.destinationStats(Dest.queue("orders")).depth()).as("only the persistent one").isEqualTo(1);
        Received got = new Received();
        BrokerConnection c = reopened.connect("admin", "passwd", null, "test", got);
        c.openSession(1, false);
        await(c.openConsumer(consumer(1, Dest.queue("orders"))));
        c.flow(true, new int[0], new long[0]);
        assertThat(got.ids()).containsExactly("ID:1");
        assertThat(got.messages.get(0).body()).isEqualTo("body of ID:1".getBytes());
        await(c.acknowledge(1, got.deliveryIds.get(0), false, true));
        reopened.close();

        assertThat(open(journal.reopen()).destinationStats(Dest.queue("orders")).depth()).as("acknowledged").isZero();
    }

    @Test
    void aMessageExpiresWhenTheClockPassesItsExpiration() throws Exception {
        Broker broker = open(new InMemoryJournal());
        BrokerConnection producer = broker.connect("admin", "passwd", null, "test", new Received());
        producer.openSession(1, false);
        await(producer.send(1, message("ID:short", Dest.queue("q"), true, clock.millis() + 1_000)));
        await(producer.send(1, message("ID:long", Dest.queue("q"), true, clock.millis() + 60_000)));

        clock.advance(1_000);
        Received got = new Received();
        BrokerConnection c = broker.connect("admin", "passwd", null, "test", got);
        c.openSession(1, false);
        await(c.openConsumer(consumer(1, Dest.queue("q"))));
        c.flow(true, new int[0], new long[0]);

        assertThat(got.ids()).containsExactly("ID:long");
        assertThat(broker.destinationStats(Dest.queue("q")).expired()).isEqualTo(1);
    }

    @Test
    void usersGroupsAndGrantsAreStoredAndRevokedAcrossAReopen() throws Exception {
        InMemoryJournal journal = new InMemoryJournal();
        Broker broker = open(journal);
        broker.putUser("alice", "secret".toCharArray());
        broker.putUser("bob", "other".toCharArray());
        broker.removeUser("bob");
        broker.setGroup("ops", Set.of("alice", "carol"));
        broker.setGroup("gone", Set.of("alice"));
        broker.setGroup("gone", Set.of());
        broker.grant("group:ops", "queue:orders.*", "send,receive");
        broker.grant("alice", "topic:prices", "receive");
        broker.grant("alice", "topic:prices", "");
        broker.createDestination(Dest.topic("prices"));
        broker.close();

        Broker reopened = open(journal.reopen());
        assertThat(reopened.users()).containsExactly("admin", "alice");
        assertThat(reopened.groups()).contains("ops: alice, carol").noneMatch(g -> g.startsWith("gone"));
        assertThat(reopened.grants()).anyMatch(g -> g.contains("group:ops") && g.contains("queue:orders.*"))
                .noneMatch(g -> g.startsWith("alice") && g.contains("topic:prices"));
        assertThat(reopened.destinationStats(Dest.topic("prices"))).isNotNull();
        reopened.connect("alice", "secret", null, "test", new Received()).close();
        assertThatThrownBy(() -> reopened.connect("bob", "other", null, "test", new Received())).isInstanceOf(BrokerException.class);
        // the records are in the current payload format, with the dedicated removal types
        List<Record> records = new ArrayList<>();
        journal.reopen().replay(records::add);
        assertThat(records).filteredOn(r -> r.type() != RecordType.EPOCH)
                .allMatch(r -> PayloadCodec.formatOf(r) == PayloadCodec.FORMAT_VERSION);
        assertThat(records).extracting(Record::type).contains(RecordType.ACL_REMOVE, RecordType.ADMIN_OBJECT_REMOVE,
                RecordType.PRINCIPAL_REMOVE);
    }

    @Test
    void aStoreWrittenInTheLegacyPayloadFormatStillOpens() throws Exception {
        InMemoryJournal journal = new InMemoryJournal();
        WireMessage kept = message("ID:old-1", Dest.queue("legacy"), true, 0);
        WireMessage acked = message("ID:old-2", Dest.queue("legacy"), true, 0);
        await(journal.append(RecordType.DESTINATION_ADD, legacy(b -> Wire.writeDest(b, Dest.queue("legacy")))));
        await(journal.append(RecordType.PRINCIPAL_PUT, legacy(b -> Wire.writeString(b, "dave\n" + JmxUsers.hash("pw".toCharArray())))));
        await(journal.append(RecordType.ADMIN_OBJECT_PUT, legacy(b -> Wire.writeString(b, "group\nold\ndave,erin"))));
        await(journal.append(RecordType.ACL_PUT, legacy(b -> Wire.writeString(b, "group:old\nqueue:legacy\nreceive"))));
        await(journal.append(RecordType.MESSAGE_ADD, legacy(b -> legacyAdd(b, 1, kept))));
        await(journal.append(RecordType.TX_COMMIT, legacy(b -> {
            b.writeInt(1);
            legacyAdd(b, 2, acked);
            b.writeInt(1);
            Wire.writeString(b, "queue:legacy");
            b.writeLong(2);
        })));

        Broker broker = open(journal);
        assertThat(broker.users()).contains("dave");
        assertThat(broker.groups()).contains("old: dave, erin");
        assertThat(broker.grants()).anyMatch(g -> g.contains("group:old") && g.contains("queue:legacy"));
        Received got = new Received();
        BrokerConnection c = broker.connect("dave", "pw", null, "test", got);
        c.openSession(1, false);
        await(c.openConsumer(consumer(1, Dest.queue("legacy"))));
        c.flow(true, new int[0], new long[0]);
        assertThat(got.ids()).containsExactly("ID:old-1");
        assertThat(got.messages.get(0).properties()).containsEntry("k", "v");
    }

    @Test
    void aRecordOfAnUnknownPayloadFormatStopsTheOpenWithASentence() throws Exception {
        InMemoryJournal journal = new InMemoryJournal();
        await(journal.append(RecordType.PRINCIPAL_REMOVE, new byte[] {(byte) 0x8f, 0, 0, 0, 1, 'x'}));
        assertThatThrownBy(() -> open(journal)).hasMessageContaining("has payload format 15, which this build cannot read")
                .hasMessageContaining("a newer FMQ build");
    }

    private static byte[] legacy(java.util.function.Consumer<ByteBuf> writer) {
        ByteBuf b = Unpooled.buffer();
        writer.accept(b);
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        b.release();
        return out;
    }

    private static void legacyAdd(ByteBuf b, long sequence, WireMessage m) {
        b.writeLong(sequence);
        b.writeInt(1);
        Wire.writeString(b, "queue:" + m.destination().name());
        Wire.writeMessage(b, m);
    }
}
