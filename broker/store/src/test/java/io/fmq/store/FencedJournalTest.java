package io.fmq.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shared store with two writers: the one that took it over, and a stale one that goes on writing (frozen past
 * the takeover, then resumed). The stale writer confirms nothing after the takeover, and nothing it writes after
 * it is read back; everything it confirmed before is.
 */
class FencedJournalTest {
    private static final String LOCK = "7f3c1f4e-0000-4000-8000-000000000001";
    private static final long SEGMENT = 64 * 1024;

    @TempDir
    Path store;

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> contents(Journal j) throws IOException {
        List<String> out = new ArrayList<>();
        j.replay(r -> {
            if (r.type() == RecordType.MESSAGE_ADD) {
                out.add(new String(r.payload(), StandardCharsets.UTF_8));
            }
        });
        return out;
    }

    @Test
    void aStaleWriterConfirmsNothingAfterTheTakeoverAndItsLaterWritesAreNeverReadBack() throws Exception {
        FileJournal first = FileJournal.openFenced(store, 1, LOCK, SEGMENT);
        first.append(RecordType.MESSAGE_ADD, text("a1")).get(5, TimeUnit.SECONDS);
        first.append(RecordType.MESSAGE_ADD, text("a2")).get(5, TimeUnit.SECONDS);

        // the first writer is frozen; the other server takes the store over in epoch 2
        FileJournal second = FileJournal.openFenced(store, 2, LOCK, SEGMENT);
        assertThat(contents(second)).containsExactly("a1", "a2");

        // the first one wakes up and goes on: refused, and it writes nothing more
        assertThatThrownBy(() -> first.append(RecordType.MESSAGE_ADD, text("a3")).get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(NotAllowedToConfirmException.class)
                .hasMessageContaining("epoch 2");
        assertThatThrownBy(() -> first.append(RecordType.MESSAGE_ADD, text("a4")).get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class);
        first.close();

        second.append(RecordType.MESSAGE_ADD, text("b1")).get(5, TimeUnit.SECONDS);
        second.close();
        try (FileJournal third = FileJournal.openFenced(store, 3, LOCK, SEGMENT)) {
            assertThat(contents(third)).containsExactly("a1", "a2", "b1");
            assertThat(third.epoch()).isEqualTo(3);
        }
    }

    @Test
    void bytesAStaleWriterAddsToItsSegmentOrInANewSegmentAfterTheSealAreIgnored() throws Exception {
        FileJournal first = FileJournal.openFenced(store, 1, LOCK, SEGMENT);
        first.append(RecordType.MESSAGE_ADD, text("a1")).get(5, TimeUnit.SECONDS);
        Path firstSegment = segments().get(0);
        FileJournal second = FileJournal.openFenced(store, 2, LOCK, SEGMENT);
        second.append(RecordType.MESSAGE_ADD, text("b1")).get(5, TimeUnit.SECONDS);
        second.close();
        first.close();

        // what a stale writer might still do with files it had open or names it would choose: valid records, late
        try (FileChannel ch = FileChannel.open(firstSegment, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(record(2, "late-in-old-segment"));
        }
        Path stale = store.resolve("journal").resolve(String.format("%020d-%d.seg", 2, 1));
        try (FileChannel ch = FileChannel.open(stale, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer header = ByteBuffer.allocate(RecordCodec.SEGMENT_HEADER_SIZE);
            RecordCodec.writeSegmentHeader(header, 1, 2);
            header.flip();
            ch.write(header);
            ch.write(record(2, "late-in-new-segment"));
        }

        try (FileJournal third = FileJournal.openFenced(store, 3, LOCK, SEGMENT)) {
            assertThat(contents(third)).containsExactly("a1", "b1");
            assertThat(third.recoveryReport().repairs()).anyMatch(r -> r.contains("Ignored") && r.contains("epoch 1"));
        }
    }

    @Test
    void aTornTailOfTheLastWriterIsCountedOutWithoutChangingItsFile() throws Exception {
        FileJournal first = FileJournal.openFenced(store, 1, LOCK, SEGMENT);
        first.append(RecordType.MESSAGE_ADD, text("a1")).get(5, TimeUnit.SECONDS);
        first.close();
        Path seg = segments().get(0);
        ByteBuffer torn = record(2, "torn-write");
        torn.limit(torn.limit() - 3);
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(torn);
        }
        long size = Files.size(seg);
        try (FileJournal second = FileJournal.openFenced(store, 2, LOCK, SEGMENT)) {
            assertThat(contents(second)).containsExactly("a1");
            assertThat(second.recoveryReport().repairs()).anyMatch(r -> r.contains("torn"));
            second.append(RecordType.MESSAGE_ADD, text("b1")).get(5, TimeUnit.SECONDS);
        }
        assertThat(Files.size(seg)).isEqualTo(size);
        try (FileJournal third = FileJournal.openFenced(store, 3, LOCK, SEGMENT)) {
            assertThat(contents(third)).containsExactly("a1", "b1");
        }
    }

    @Test
    void anEpochNotAboveTheStoresIsRefusedAndChangesNothing() throws Exception {
        FileJournal.openFenced(store, 4, LOCK, SEGMENT).close();
        assertThatThrownBy(() -> FileJournal.openFenced(store, 4, LOCK, SEGMENT))
                .hasMessageContaining("already written in epoch 4");
        assertThat(WriterFence.writerEpoch(store)).isEqualTo(4);
        assertThat(FileJournal.sharedEpoch(store)).isEqualTo(4);
    }

    @Test
    void aServerWithAnotherLockFileIsToldSoBeforeItWrites() throws Exception {
        FileJournal.openFenced(store, 1, LOCK, SEGMENT).close();
        assertThat(WriterFence.lockIdentity(store)).isEqualTo(LOCK);
        assertThatThrownBy(() -> FileJournal.openFenced(store, 2, "7f3c1f4e-0000-4000-8000-000000000002", SEGMENT))
                .hasMessageContaining("different lock files").hasMessageContaining("FMQGroup.LockFile");
        assertThat(WriterFence.writerEpoch(store)).isEqualTo(1);
    }

    @Test
    void aStoreWrittenUnfencedIsTakenOverWholeByTheFirstFencedWriter() throws Exception {
        try (FileJournal plain = FileJournal.open(store, SEGMENT)) {
            plain.append(RecordType.MESSAGE_ADD, text("p1")).get(5, TimeUnit.SECONDS);
        }
        try (FileJournal fenced = FileJournal.openFenced(store, 1, LOCK, SEGMENT)) {
            assertThat(contents(fenced)).containsExactly("p1");
            fenced.append(RecordType.MESSAGE_ADD, text("f1")).get(5, TimeUnit.SECONDS);
        }
        try (FileJournal again = FileJournal.openFenced(store, 2, LOCK, SEGMENT)) {
            assertThat(contents(again)).containsExactly("p1", "f1");
        }
    }

    private static ByteBuffer record(long sequence, String payload) {
        byte[] p = text(payload);
        ByteBuffer b = ByteBuffer.allocate(RecordCodec.encodedSize(p));
        RecordCodec.writeRecord(b, sequence, RecordType.MESSAGE_ADD, p);
        b.flip();
        return b;
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> s = Files.list(store.resolve("journal"))) {
            return s.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
        }
    }
}
