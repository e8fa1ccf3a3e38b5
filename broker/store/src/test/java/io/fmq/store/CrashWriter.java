package io.fmq.store;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A journal writer process for {@link JournalCrashIT}: opens the journal in {@code args[0]}, then
 * {@code args[1]} threads append records {@code ROUND:THREAD:I} for ever, printing
 * {@code confirmed SEQUENCE ROUND:THREAD:I} for each record whose append has completed. The test kills
 * it with SIGKILL at an arbitrary moment.
 */
public final class CrashWriter {
    private CrashWriter() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        String round = args[2];
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        FileJournal journal = FileJournal.open(dir, 256 * 1024);
        out.println("opened " + journal.recoveryReport().records() + " " + journal.recoveryReport().repairs().size());
        out.flush();
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread w = new Thread(() -> {
                for (long i = 0; i < 10_000_000L; i++) {
                    String payload = round + ":" + id + ":" + i + ":" + "p".repeat((int) (i % 300));
                    long seq = journal.append(RecordType.MESSAGE_ADD, payload.getBytes(StandardCharsets.UTF_8)).join();
                    synchronized (out) {
                        out.println("confirmed " + seq + " " + payload);
                        out.flush();
                    }
                }
            });
            writers.add(w);
            w.start();
        }
        for (Thread w : writers) {
            w.join();
        }
    }
}
