package io.fmq.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What every {@link Journal} must do; run against the file journal and the in-memory journal. */
abstract class JournalContractTest {
    protected Journal journal;

    /** A new, empty journal. */
    protected abstract Journal create() throws IOException;

    /** The same store opened again after {@code journal} was closed (a restart). */
    protected abstract Journal reopen() throws IOException;

    /** Makes the next writes fail as a full disk would. */
    protected abstract void breakWrites() throws IOException;

    @AfterEach
    void closeJournal() throws IOException {
        if (journal != null) {
            journal.close();
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static List<Record> all(Journal j) throws IOException {
        List<Record> records = new ArrayList<>();
        j.replay(records::add);
        return records;
    }

    private Journal restart() throws IOException {
        journal.close();
        journal = reopen();
        return journal;
    }

    @Test
    void appendsGetConsecutiveSequencesAndReplayInOrder() throws Exception {
        journal = create();

        long a = journal.append(RecordType.DESTINATION_ADD, bytes("queue:orders")).get();
        long b = journal.append(RecordType.MESSAGE_ADD, bytes("m1")).get();
        long c = journal.append(RecordType.MESSAGE_ACK, bytes("m1")).get();

        assertThat(List.of(a, b, c)).containsExactly(a, a + 1, a + 2);
        assertThat(journal.lastSequence()).isEqualTo(c);
        assertThat(all(journal)).containsExactly(new Record(a, RecordType.DESTINATION_ADD, bytes("queue:orders")),
                new Record(b, RecordType.MESSAGE_ADD, bytes("m1")), new Record(c, RecordType.MESSAGE_ACK, bytes("m1")));
    }

    @Test
    void confirmedRecordsSurviveARestartAndSequencesGoOn() throws Exception {
        journal = create();
        long last = 0;
        for (int i = 0; i < 100; i++) {
            last = journal.append(RecordType.MESSAGE_ADD, bytes("m" + i)).get();
        }

        restart();

        assertThat(journal.lastSequence()).isEqualTo(last);
        assertThat(all(journal)).hasSize(100).last().isEqualTo(new Record(last, RecordType.MESSAGE_ADD, bytes("m99")));
        assertThat(journal.append(RecordType.MESSAGE_ADD, bytes("next")).get()).isEqualTo(last + 1);
    }

    @Test
    void concurrentWritersAllGetDistinctSequencesAndNothingIsLost() throws Exception {
        journal = create();
        ConcurrentLinkedQueue<CompletableFuture<Long>> futures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int id = t;
            threads.add(new Thread(() -> {
                for (int i = 0; i < 250; i++) {
                    futures.add(journal.append(RecordType.MESSAGE_ADD, bytes(id + ":" + i)));
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        Set<Long> sequences = new HashSet<>();
        for (CompletableFuture<Long> f : futures) {
            sequences.add(f.get());
        }

        assertThat(sequences).hasSize(1000);
        List<Record> records = all(restart());
        assertThat(records).hasSize(1000);
        for (int t = 0; t < 4; t++) {
            int id = t;
            List<String> mine = records.stream().map(r -> new String(r.payload(), StandardCharsets.UTF_8))
                    .filter(s -> s.startsWith(id + ":")).toList();
            assertThat(mine).as("per-writer order").isEqualTo(java.util.stream.IntStream.range(0, 250).mapToObj(i -> id + ":" + i).toList());
        }
    }

    @Test
    void lazyAppendsKeepTheirPlaceAndSurviveACleanRestart() throws Exception {
        journal = create();
        long a = journal.append(RecordType.MESSAGE_ADD, bytes("a")).get();
        long b = journal.appendLazily(RecordType.MESSAGE_ACK, bytes("a")).get();
        long c = journal.append(RecordType.MESSAGE_ADD, bytes("c")).get();

        assertThat(List.of(a, b, c)).containsExactly(a, a + 1, a + 2);
        assertThat(all(restart())).extracting(Record::sequence).containsExactly(a, b, c);
    }

    @Test
    void epochOnlyRisesAndSurvivesRestart() throws Exception {
        journal = create();
        assertThat(journal.epoch()).isZero();

        assertThat(journal.beginEpoch()).isEqualTo(1);
        assertThat(journal.beginEpoch()).isEqualTo(2);
        restart();

        assertThat(journal.epoch()).isEqualTo(2);
        assertThat(all(journal)).filteredOn(r -> r.type() == RecordType.EPOCH).hasSize(2);
        assertThat(journal.beginEpoch()).isEqualTo(3);
    }

    @Test
    void compactionKeepsLiveRecordsAndDropsDeadOnes() throws Exception {
        journal = create();
        Set<String> acked = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            journal.append(RecordType.MESSAGE_ADD, bytes("message-" + i + "-" + "x".repeat(200))).get();
            if (i % 10 != 0) {
                acked.add("message-" + i + "-");
            }
        }
        long lastBefore = journal.lastSequence();

        journal.compact(r -> acked.stream().noneMatch(p -> new String(r.payload(), StandardCharsets.UTF_8).startsWith(p)));
        journal.compact(r -> acked.stream().noneMatch(p -> new String(r.payload(), StandardCharsets.UTF_8).startsWith(p)));
        restart();

        List<String> left = all(journal).stream().map(r -> new String(r.payload(), StandardCharsets.UTF_8))
                .filter(s -> acked.stream().noneMatch(s::startsWith)).distinct().toList();
        assertThat(left).hasSize(200);
        assertThat(journal.lastSequence()).isGreaterThanOrEqualTo(lastBefore);
        assertThat(journal.append(RecordType.MESSAGE_ADD, bytes("after")).get()).isGreaterThan(journal.lastSequence() - 1);
    }

    @Test
    void aReaderFollowsTheRecordsFromASequenceOnAsTheyAreAppended() throws Exception {
        journal = create();
        for (int i = 1; i <= 3000; i++) {
            journal.append(RecordType.MESSAGE_ADD, bytes("m" + i + "-" + "x".repeat(i % 7 == 0 ? 5000 : 100))).get();
        }
        try (Journal.JournalReader reader = journal.reader(1200)) {
            List<Long> seen = new ArrayList<>();
            for (Record r; (r = reader.next(2500)) != null; ) {
                assertThat(new String(r.payload(), StandardCharsets.UTF_8)).startsWith("m" + r.sequence() + "-");
                seen.add(r.sequence());
            }
            assertThat(seen).hasSize(1301).startsWith(1200L).endsWith(2500L);
            assertThat(reader.next(3000).sequence()).as("the record past the bound stayed next").isEqualTo(2501);
            while (reader.next(Long.MAX_VALUE) != null) {
                // to the end
            }
            long appended = journal.append(RecordType.MESSAGE_ADD, bytes("m3001-late")).get();
            assertThat(reader.next(Long.MAX_VALUE).sequence()).isEqualTo(appended);
            assertThat(reader.next(Long.MAX_VALUE)).isNull();
        }
    }

    @Test
    void replayingInPlaceShowsTheSameRecordsAsReplaying() throws Exception {
        journal = create();
        for (int i = 1; i <= 2000; i++) {
            journal.append(i % 3 == 0 ? RecordType.MESSAGE_ACK : RecordType.MESSAGE_ADD, bytes("r" + i + "x".repeat(i % 11 == 0 ? 3000 : 50))).get();
        }
        restart();
        List<Record> copies = all(journal);
        List<Record> views = new ArrayList<>();
        journal.replayViews((sequence, type, payload) -> {
            byte[] b = new byte[payload.remaining()];
            payload.get(b);
            views.add(new Record(sequence, type, b));
        });
        assertThat(views).hasSize(2000).isEqualTo(copies);
    }

    @Test
    void compactionKeepsADeadRecordsReferenceWhileTheRecordStays() throws Exception {
        journal = create();
        List<Long> adds = new ArrayList<>();
        for (int i = 0; i < 400; i++) { // adds (mostly still waiting), then acknowledgements of every tenth
            adds.add(journal.append(RecordType.MESSAGE_ADD, bytes("add-" + i + "-" + "x".repeat(300))).get());
        }
        for (int i = 0; i < 400; i += 10) {
            journal.append(RecordType.MESSAGE_ACK, bytes("ack-" + i + "-")).get();
        }
        for (int i = 0; i < 200; i++) { // more records, so the acknowledgements are in sealed segments
            journal.append(RecordType.MESSAGE_ADD, bytes("filler-" + i + "-" + "x".repeat(300))).get();
        }
        Set<String> remaining = new HashSet<>();
        journal.compact(new Journal.CompactionJudge() {
            @Override
            public boolean isLive(Record r) {
                String p = new String(r.payload(), StandardCharsets.UTF_8);
                if (p.startsWith("add-")) {
                    return Integer.parseInt(p.split("-")[1]) % 10 != 0; // the acknowledged ones are dead
                }
                if (p.startsWith("ack-")) { // an acknowledgement lives while the record it acknowledges stays
                    return remaining.contains("add-" + p.split("-")[1]);
                }
                return false;
            }

            @Override
            public void remains(Record r) {
                String p = new String(r.payload(), StandardCharsets.UTF_8);
                if (p.startsWith("add-")) {
                    remaining.add("add-" + p.split("-")[1]);
                }
            }
        });
        restart();

        Set<String> addsLeft = new HashSet<>();
        Set<String> acksLeft = new HashSet<>();
        for (Record r : all(journal)) {
            String[] p = new String(r.payload(), StandardCharsets.UTF_8).split("-");
            (p[0].equals("add") ? addsLeft : p[0].equals("ack") ? acksLeft : new HashSet<String>()).add(p[1]);
        }
        for (int i = 0; i < 400; i++) {
            String n = String.valueOf(i);
            if (i % 10 != 0) {
                assertThat(addsLeft).contains(n);
            } else if (addsLeft.contains(n)) {
                assertThat(acksLeft).as("message %s is still in the journal: so is its acknowledgement", n).contains(n);
            }
        }
    }

    @Test
    void aStoppedCompactionEndsWithEveryRecordInPlaceAndOneLetRunKeepsTheLiveOnes() throws Exception {
        journal = create();
        for (int i = 0; i < 600; i++) {
            journal.append(RecordType.MESSAGE_ADD, bytes("add-" + i + "-" + "x".repeat(300))).get();
        }
        boolean[] stopping = {true}; // the server stops while the compaction is under way
        Journal.CompactionJudge judge = new Journal.CompactionJudge() {
            @Override
            public boolean isLive(Record r) {
                return number(r) % 4 == 0;
            }

            @Override
            public boolean stopped() {
                return stopping[0];
            }
        };
        assertThat(journal.compact(judge).segmentsDeleted()).isZero();
        restart();
        assertThat(all(journal)).as("a stopped compaction changes nothing").hasSize(600);

        stopping[0] = false;
        journal.compact(judge);
        restart();
        Set<Integer> left = new HashSet<>();
        for (Record r : all(journal)) {
            left.add(number(r));
        }
        assertThat(left).as("the dead ones go").hasSizeLessThan(600);
        for (int i = 0; i < 600; i += 4) {
            assertThat(left).as("live record %s", i).contains(i);
        }
    }

    private static int number(Record r) {
        return Integer.parseInt(new String(r.payload(), StandardCharsets.UTF_8).split("-")[1]);
    }

    @Test
    void afterAWriteErrorAppendsFailUntilReopened() throws Exception {
        journal = create();
        long confirmed = journal.append(RecordType.MESSAGE_ADD, bytes("kept")).get();

        breakWrites();

        byte[] large = new byte[256 * 1024]; // more than the free space left in any page already allocated to the file
        assertThatThrownBy(() -> journal.append(RecordType.MESSAGE_ADD, large).get()).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IOException.class);
        assertThatThrownBy(() -> journal.append(RecordType.MESSAGE_ADD, bytes("also refused")).get())
                .hasMessageContaining("write error");
        restart();
        assertThat(all(journal)).extracting(Record::sequence).contains(confirmed);
        assertThat(all(journal)).extracting(r -> new String(r.payload(), StandardCharsets.UTF_8)).doesNotContain("also refused");
    }

    @Test
    void appendAfterCloseFails() throws Exception {
        journal = create();
        journal.close();

        assertThatThrownBy(() -> journal.append(RecordType.MESSAGE_ADD, bytes("x")).get()).hasMessageContaining("closed");
        journal = reopen();
    }
}
