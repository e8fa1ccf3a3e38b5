package io.fmq.store.payload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmq.store.Record;
import io.fmq.store.RecordType;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PayloadCodecTest {
    private static final byte[] MESSAGE = "a message in its client encoding".getBytes(StandardCharsets.UTF_8);

    private static final List<StoreRecord> ONE_OF_EACH = List.of(
            new StoreRecord.DestinationAdd(true, "orders"),
            new StoreRecord.DestinationAdd(false, "prices.eu"),
            new StoreRecord.DestinationRemove(true, "orders"),
            new StoreRecord.MessageAck("queue:orders", 42),
            new StoreRecord.SubscriptionAdd("dsub:c1:s#7", "prices", "region = 'eu'", true, "c1", "s"),
            new StoreRecord.SubscriptionAdd("shared-d:s#8", "prices", null, false, null, "s"),
            new StoreRecord.SubscriptionRemove("dsub:c1:s#7"),
            new StoreRecord.PrincipalPut("alice", "pbkdf2:1000:c2FsdA==:aGFzaA=="),
            new StoreRecord.PrincipalRemove("alice"),
            new StoreRecord.AclPut("group:ops", "orders.*", "send,receive"),
            new StoreRecord.AclRemove("group:ops", "orders.*"),
            new StoreRecord.AdminObjectPut(StoreRecord.AdminObjectPut.GROUP, "ops", List.of("alice", "bob")),
            new StoreRecord.AdminObjectPut(StoreRecord.AdminObjectPut.GROUP, "empty", List.of()),
            new StoreRecord.AdminObjectRemove(StoreRecord.AdminObjectPut.GROUP, "ops"));

    private static Record record(StoreRecord r) {
        return new Record(9, r.type(), PayloadCodec.encode(r));
    }

    @Test
    void everyKindReadsBackAsWritten() {
        for (StoreRecord r : ONE_OF_EACH) {
            assertThat(PayloadCodec.decode(record(r))).as(r.toString()).isEqualTo(r);
            assertThat(PayloadCodec.formatOf(record(r))).isEqualTo(PayloadCodec.FORMAT_VERSION);
        }
    }

    @Test
    void messagesAndTransactionsKeepTheirBytesAndOrder() {
        StoreRecord.MessageAdd add = new StoreRecord.MessageAdd(7, List.of("queue:a", "dsub:c:s#3"), MESSAGE);
        StoreRecord.MessageAdd read = (StoreRecord.MessageAdd) PayloadCodec.decode(record(add));
        assertThat(read.sequence()).isEqualTo(7);
        assertThat(read.queueKeys()).containsExactly("queue:a", "dsub:c:s#3");
        assertThat(read.message()).isEqualTo(MESSAGE);

        byte[] big = new byte[200_000];
        Arrays.fill(big, (byte) 0x5a);
        StoreRecord.Transaction tx = new StoreRecord.Transaction(
                List.of(new StoreRecord.MessageAdd(8, List.of("queue:a"), big), new StoreRecord.MessageAdd(9, List.of(), new byte[0])),
                List.of(new StoreRecord.MessageAck("queue:a", 1), new StoreRecord.MessageAck("queue:b", 2)));
        StoreRecord.Transaction back = (StoreRecord.Transaction) PayloadCodec.decode(record(tx));
        assertThat(back.adds()).extracting(StoreRecord.MessageAdd::sequence).containsExactly(8L, 9L);
        assertThat(back.adds().get(0).message()).isEqualTo(big);
        assertThat(back.adds().get(1).message()).isEmpty();
        assertThat(back.acks()).isEqualTo(tx.acks());
    }

    @Test
    void aPayloadWithoutTheMarkerIsTheLegacyFormat() {
        // format 1 payloads began with a length, a sequence or a destination kind: a first byte below 0x80
        assertThat(PayloadCodec.formatOf(new Record(1, RecordType.MESSAGE_ADD, new byte[] {0, 0, 0, 1}))).isEqualTo(PayloadCodec.LEGACY_FORMAT);
        assertThat(PayloadCodec.formatOf(new Record(1, RecordType.DESTINATION_ADD, new byte[] {2}))).isEqualTo(PayloadCodec.LEGACY_FORMAT);
        assertThatThrownBy(() -> PayloadCodec.decode(new Record(5, RecordType.MESSAGE_ADD, new byte[] {0, 0, 0, 1})))
                .isInstanceOf(PayloadFormatException.class).hasMessageContaining("record 5 (MESSAGE_ADD) has payload format 1");
    }

    @Test
    void aNewerFormatIsRefusedNotGuessed() {
        byte[] payload = PayloadCodec.encode(new StoreRecord.PrincipalRemove("alice"));
        payload[0] = (byte) (0x80 | (PayloadCodec.FORMAT_VERSION + 1));
        Record r = new Record(3, RecordType.PRINCIPAL_REMOVE, payload);
        assertThat(PayloadCodec.formatOf(r)).isEqualTo(PayloadCodec.FORMAT_VERSION + 1);
        assertThatThrownBy(() -> PayloadCodec.decode(r)).isInstanceOf(PayloadFormatException.class)
                .hasMessageContaining("payload format " + (PayloadCodec.FORMAT_VERSION + 1)).hasMessageContaining("a newer FMQ build");
    }

    @Test
    void aTruncatedOrPaddedPayloadIsRefusedWithItsRecord() {
        for (StoreRecord r : ONE_OF_EACH) {
            byte[] whole = PayloadCodec.encode(r);
            for (int cut = 1; cut < whole.length; cut++) {
                Record truncated = new Record(11, r.type(), Arrays.copyOf(whole, cut));
                assertThatThrownBy(() -> PayloadCodec.decode(truncated)).as(r + " cut at " + cut)
                        .isInstanceOf(PayloadFormatException.class).hasMessageContaining("record 11 (" + r.type() + ")");
            }
            Record padded = new Record(12, r.type(), Arrays.copyOf(whole, whole.length + 1));
            assertThatThrownBy(() -> PayloadCodec.decode(padded)).isInstanceOf(PayloadFormatException.class)
                    .hasMessageContaining("1 bytes after its payload");
        }
    }

    @Test
    void theInPlaceAddReaderReadsWhatDecodeReadsAndRefusesWhatItRefuses() {
        PayloadCodec.AddReader reader = new PayloadCodec.AddReader();
        StoreRecord.MessageAdd[] adds = {
            new StoreRecord.MessageAdd(7, List.of("queue:a", "dsub:c:s#3"), MESSAGE),
            new StoreRecord.MessageAdd(8, List.of("queue:a"), new byte[0]),
            new StoreRecord.MessageAdd(9, List.of(), MESSAGE),
            new StoreRecord.MessageAdd(10, List.of("queue:\u00e9t\u00e9", "queue:a"), MESSAGE)};
        String first = null;
        for (StoreRecord.MessageAdd a : adds) {
            byte[] payload = PayloadCodec.encode(a);
            // a direct buffer with bytes before and after the payload, as the journal's reader shows it
            java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(payload.length + 10);
            direct.position(5);
            direct.put(payload);
            direct.limit(5 + payload.length).position(5);
            reader.read(3, direct);
            StoreRecord.MessageAdd decoded = (StoreRecord.MessageAdd) PayloadCodec.decode(new Record(3, RecordType.MESSAGE_ADD, payload));
            assertThat(reader.sequence()).isEqualTo(a.sequence()).isEqualTo(decoded.sequence());
            assertThat(reader.queueKeys()).isEqualTo(a.queueKeys()).isEqualTo(decoded.queueKeys());
            assertThat(reader.copyMessage()).isEqualTo(a.message()).isEqualTo(decoded.message());
            assertThat(direct.position()).isEqualTo(5); // not moved
            if (reader.queueKeys().contains("queue:a")) {
                String same = reader.queueKeys().get(reader.queueKeys().indexOf("queue:a"));
                if (first == null) {
                    first = same;
                }
                assertThat(same).isSameAs(first); // a key met again is not built again
            }
            for (int cut = 1; cut < payload.length; cut++) {
                java.nio.ByteBuffer truncated = java.nio.ByteBuffer.wrap(Arrays.copyOf(payload, cut));
                assertThatThrownBy(() -> reader.read(11, truncated)).as(a + " cut at " + cut)
                        .isInstanceOf(PayloadFormatException.class).hasMessageContaining("record 11 (MESSAGE_ADD)");
            }
        }
        byte[] other = PayloadCodec.encode(adds[0]);
        other[0] = (byte) (0x80 | (PayloadCodec.FORMAT_VERSION + 1));
        assertThatThrownBy(() -> reader.read(12, java.nio.ByteBuffer.wrap(other))).isInstanceOf(PayloadFormatException.class)
                .hasMessageContaining("record 12 (MESSAGE_ADD) is not in payload format " + PayloadCodec.FORMAT_VERSION);
    }

    @Test
    void aHugeCountInADamagedPayloadDoesNotAllocateIt() {
        byte[] payload = {(byte) (0x80 | PayloadCodec.FORMAT_VERSION), 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        assertThatThrownBy(() -> PayloadCodec.decode(new Record(1, RecordType.TX_COMMIT, payload)))
                .isInstanceOf(PayloadFormatException.class).hasMessageContaining("does not fit");
    }

    @Test
    void theJournalsOwnEpochRecordHasNoBrokerPayload() {
        byte[] epoch = {(byte) 0x82, 0, 0, 0, 0, 0, 0, 1};
        assertThatThrownBy(() -> PayloadCodec.decode(new Record(1, RecordType.EPOCH, epoch)))
                .isInstanceOf(PayloadFormatException.class).hasMessageContaining("EPOCH record has no broker payload");
    }
}
