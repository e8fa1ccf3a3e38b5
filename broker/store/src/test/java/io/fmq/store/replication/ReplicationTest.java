package io.fmq.store.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fmq.store.FileJournal;
import io.fmq.store.Record;
import io.fmq.store.RecordType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Journal replication between two store folders through an in-memory link: resync (full and tail), streaming, compaction. */
class ReplicationTest {
    private static final long SEGMENT = 4096;

    @TempDir
    Path dir;

    private final ExecutorService copier = Executors.newSingleThreadExecutor();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        copier.shutdownNow();
    }

    /** An active journal and a passive sink wired together; acks can be held back. */
    private final class Pair implements ReplicationSource.Listener, ReplicationSink.Listener {
        final FileJournal journal;
        final ReplicationSink sink;
        ReplicationSource source;
        final AtomicBoolean holdAcks = new AtomicBoolean();
        final AtomicLong inSyncAt = new AtomicLong(-1);
        final AtomicLong copied = new AtomicLong();

        Pair(FileJournal journal, Path passiveDir, long passiveLastSequence) throws IOException {
            this.journal = journal;
            this.sink = ReplicationSink.open(passiveDir, passiveLastSequence, this);
            toClose.add(sink);
        }

        Pair start() throws IOException {
            source = ReplicationSource.start(journal, sink.syncRequest(), m -> {
                sink.accept(m);
                return CompletableFuture.completedFuture(null);
            }, this, copier);
            return this;
        }

        void awaitInSync() {
            await().atMost(Duration.ofSeconds(30)).until(() -> inSyncAt.get() >= 0);
        }

        @Override
        public void inSync(long lastSequence, long bytesCopied) {
            copied.set(bytesCopied);
            inSyncAt.set(lastSequence);
        }

        @Override
        public void failed(Exception cause) {
            throw new AssertionError(cause);
        }

        @Override
        public void acknowledge(ReplicationMessage.Ack ack) {
            await().atMost(Duration.ofSeconds(30)).until(() -> !holdAcks.get());
            source.acknowledged(ack.lastSequence());
        }

        @Override
        public void synced(long lastSequence, long epoch) {
        }

        @Override
        public void failed(IOException cause) {
            throw new AssertionError(cause);
        }
    }

    private FileJournal journal(String name) throws IOException {
        FileJournal j = FileJournal.open(dir.resolve(name), SEGMENT);
        toClose.add(j);
        return j;
    }

    private static void appendAll(FileJournal j, String prefix, int count) throws Exception {
        List<CompletableFuture<Long>> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            all.add(j.append(RecordType.MESSAGE_ADD, (prefix + "-" + i + "-" + "x".repeat(100)).getBytes(StandardCharsets.UTF_8)));
        }
        for (CompletableFuture<Long> f : all) {
            f.get();
        }
    }

    private static Map<String, byte[]> segments(Path store) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> s = Files.list(store.resolve("journal"))) {
            for (Path p : s.filter(f -> f.getFileName().toString().endsWith(".seg")).toList()) {
                files.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return files;
    }

    private static void assertSameJournal(Path active, Path passive) throws IOException {
        Map<String, byte[]> a = segments(active);
        Map<String, byte[]> b = segments(passive);
        assertThat(b.keySet()).isEqualTo(a.keySet());
        for (String name : a.keySet()) {
            assertThat(b.get(name)).as(name).isEqualTo(a.get(name));
        }
    }

    private static List<Record> records(Path store) throws IOException {
        List<Record> list = new ArrayList<>();
        try (FileJournal j = FileJournal.open(store, SEGMENT)) {
            j.replay(list::add);
        }
        return list;
    }

    @Test
    void aFreshPassiveGetsAFullCopyAndThenEveryWriteBeforeTheAppendIsConfirmed() throws Exception {
        FileJournal active = journal("active");
        appendAll(active, "before", 100); // several segments
        active.beginEpoch();
        Pair pair = new Pair(active, dir.resolve("passive"), 0).start();
        pair.awaitInSync();
        assertThat(pair.copied.get()).isEqualTo(segments(dir.resolve("active")).values().stream().mapToLong(b -> b.length).sum());

        pair.holdAcks.set(true);
        CompletableFuture<Long> held = active.append(RecordType.MESSAGE_ADD, "needs both disks".getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(30)).until(() -> pair.sink.lastSequence() >= active.lastSequence());
        assertThat(held).as("confirmed before the passive acknowledged").isNotDone();
        pair.holdAcks.set(false);
        assertThat(held.get()).isEqualTo(active.lastSequence());

        appendAll(active, "after", 50);
        assertThat(pair.sink.lastSequence()).isEqualTo(active.lastSequence());
        assertThat(pair.sink.epoch()).isEqualTo(1);
        pair.source.stop(true);
        assertSameJournal(dir.resolve("active"), dir.resolve("passive"));
    }

    @Test
    void aPassiveThatWasAwayGetsOnlyWhatItLacks() throws Exception {
        FileJournal active = journal("active");
        appendAll(active, "first", 100);
        Pair pair = new Pair(active, dir.resolve("passive"), 0).start();
        pair.awaitInSync();
        pair.source.stop(true);
        pair.sink.close();
        long passiveLast = pair.sink.lastSequence();

        appendAll(active, "while-away", 20); // standalone meanwhile
        long totalBytes = segments(dir.resolve("active")).values().stream().mapToLong(b -> b.length).sum();
        Pair again = new Pair(active, dir.resolve("passive"), passiveLast).start();
        again.awaitInSync();
        assertThat(again.copied.get()).isPositive().isLessThan(totalBytes / 2);
        again.source.stop(true);
        assertSameJournal(dir.resolve("active"), dir.resolve("passive"));
    }

    @Test
    void aPassiveWithAnotherHistoryIsOverwritten() throws Exception {
        FileJournal other = journal("passive");
        appendAll(other, "abandoned history", 150); // same segment names, other bytes, and more of them
        other.close();
        FileJournal active = journal("active");
        appendAll(active, "the real history", 60);
        Pair pair = new Pair(active, dir.resolve("passive"), 150).start();
        pair.awaitInSync();
        assertThat(pair.inSyncAt.get()).isEqualTo(active.lastSequence());
        assertThat(pair.sink.lastSequence()).isEqualTo(active.lastSequence());
        pair.source.stop(true);
        assertSameJournal(dir.resolve("active"), dir.resolve("passive"));
        assertThat(records(dir.resolve("passive"))).allSatisfy(r ->
                assertThat(new String(r.payload(), StandardCharsets.UTF_8)).startsWith("the real history"));
    }

    @Test
    void compactionOnTheActiveDeletesTheSameSegmentsOnThePassive() throws Exception {
        FileJournal active = journal("active");
        Pair pair = new Pair(active, dir.resolve("passive"), 0).start();
        pair.awaitInSync();
        appendAll(active, "m", 200);
        int before = segments(dir.resolve("active")).size();
        FileJournal.CompactionResult r = active.compact(rec -> rec.sequence() % 10 == 0);
        assertThat(r.segmentsDeleted()).isPositive();
        assertThat(segments(dir.resolve("active")).size()).isLessThan(before + 1);
        appendAll(active, "later", 5);
        pair.source.stop(true);
        assertSameJournal(dir.resolve("active"), dir.resolve("passive"));
        assertThat(records(dir.resolve("passive"))).isEqualTo(records(dir.resolve("active")));
    }

    @Test
    void stoppingConfirmsOrFailsWhatThePassiveHasNotAcknowledged() throws Exception {
        FileJournal active = journal("active");
        Pair pair = new Pair(active, dir.resolve("passive"), 0).start();
        pair.awaitInSync();
        pair.holdAcks.set(true);
        CompletableFuture<Long> kept = active.append(RecordType.MESSAGE_ADD, new byte[10]);
        await().atMost(Duration.ofSeconds(30)).until(() -> pair.sink.lastSequence() >= active.lastSequence());
        assertThat(kept).isNotDone();
        pair.source.stop(true); // going on alone: the record is on this disk
        assertThat(kept.get()).isPositive();
        pair.holdAcks.set(false);

        Pair second = new Pair(active, dir.resolve("passive2"), 0).start();
        second.awaitInSync();
        second.holdAcks.set(true);
        CompletableFuture<Long> refused = active.append(RecordType.MESSAGE_ADD, new byte[10]);
        await().atMost(Duration.ofSeconds(30)).until(() -> second.sink.lastSequence() >= active.lastSequence());
        second.source.stop(false); // stepping down: the client must not be told it is safe
        assertThat(refused).isCompletedExceptionally();
        second.holdAcks.set(false);
    }

    @Test
    void aPassiveTakesTheActivesEpochOnlyOnceTheCopyIsComplete() throws Exception {
        FileJournal active = journal("active");
        active.beginEpoch(5);
        appendAll(active, "m", 3);
        Path passiveDir = dir.resolve("passive");
        ReplicationSink.Listener quiet = new ReplicationSink.Listener() {
            @Override
            public void acknowledge(ReplicationMessage.Ack ack) {
            }

            @Override
            public void synced(long lastSequence, long epoch) {
            }

            @Override
            public void failed(IOException cause) {
            }
        };
        // a copy cut off after its first message (the passive dies): closing applies what was queued
        ReplicationSink cut = ReplicationSink.open(passiveDir, 0, quiet);
        cut.accept(new ReplicationMessage.EpochChange(active.epoch()));
        cut.close();
        ReplicationSink reopened = ReplicationSink.open(passiveDir, 0, quiet);
        toClose.add(reopened);
        assertThat(reopened.epoch()).as("a half-copied store must not claim the active's epoch").isZero();

        Pair pair = new Pair(active, dir.resolve("passive2"), 0).start();
        pair.awaitInSync();
        assertThat(pair.sink.epoch()).isEqualTo(active.epoch());
    }
}
