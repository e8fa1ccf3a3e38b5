package io.fmq.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a journal writer process with SIGKILL in the middle of a stream of appends, several times over
 * the same store, and checks after each crash that recovery keeps every record whose append had been
 * confirmed, with its sequence number and bytes.
 */
class JournalCrashIT {
    private static final int ROUNDS = 5;
    private static final int CONFIRMATIONS_BEFORE_KILL = 3000;

    @TempDir
    Path store;

    @Test
    void recoveryKeepsEveryConfirmedRecordAfterKillMinus9() throws Exception {
        Map<Long, String> confirmed = new HashMap<>();
        for (int round = 0; round < ROUNDS; round++) {
            Process writer = new ProcessBuilder(javaCommand(store, round)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
                String first = out.readLine();
                assertThat(first).as("writer started").startsWith("opened ");
                int seen = 0;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                String line;
                while (seen < CONFIRMATIONS_BEFORE_KILL + round * 500 && (line = out.readLine()) != null) {
                    String[] parts = line.split(" ", 3);
                    confirmed.put(Long.parseLong(parts[1]), parts[2]);
                    seen++;
                    assertThat(System.nanoTime()).as("writer too slow").isLessThan(deadline);
                }
                writer.toHandle().destroyForcibly(); // SIGKILL, mid-stream (Process.destroy would also close our pipe)
                assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
                // lines already printed before the kill were confirmed too
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("confirmed ")) {
                        String[] parts = line.split(" ", 3);
                        confirmed.put(Long.parseLong(parts[1]), parts[2]);
                    }
                }
            }

            Map<Long, String> recovered = new HashMap<>();
            try (FileJournal journal = FileJournal.open(store, 256 * 1024)) {
                journal.replay(r -> recovered.put(r.sequence(), new String(r.payload(), StandardCharsets.UTF_8)));
                assertThat(journal.lastSequence()).isGreaterThanOrEqualTo(confirmed.keySet().stream().mapToLong(Long::longValue).max().orElse(0));
            }
            for (Map.Entry<Long, String> e : confirmed.entrySet()) {
                assertThat(recovered.get(e.getKey())).as("confirmed record %d after crash %d", e.getKey(), round).isEqualTo(e.getValue());
            }
        }
        assertThat(confirmed.size()).isGreaterThanOrEqualTo(ROUNDS * CONFIRMATIONS_BEFORE_KILL);
    }

    private static List<String> javaCommand(Path store, int round) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(java, "-cp", System.getProperty("java.class.path"), CrashWriter.class.getName(), store.toString(), "4",
                Integer.toString(round));
    }

}
