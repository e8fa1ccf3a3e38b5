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
