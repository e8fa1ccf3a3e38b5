package io.fmq.bench;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code scale} workload: many idle connections and many queues on one server. Each broker runs alone in its own
 * process (default heap). In order:
 * <ol>
 *   <li>{@code --queues} (default 10,000) queues, each made by sending it one small persistent message (transactions
 *       of 500), so that no broker deletes them as unused; the server's heap after a full GC and its resident memory
 *       before and after give the memory per queue;</li>
 *   <li>then {@value #PROBE_ROUNDS} rounds of: the unloaded rate (a non-persistent 1x1 producer/consumer,
 *       {@value #PROBE_MESSAGES} messages); {@code --connections} (default 5,000) connections opened one after
 *       another and left open and idle (started, heartbeats running), each {@code createConnection()} +
 *       {@code start()} timed; {@value #CONNECT_PROBES} more connections opened and closed one at a time (the connect
 *       latency while the server holds them all); the loaded rate (the same producer/consumer again); all closed. The
 *       first round also gives the memory per connection. {@code scale-loaded-fraction} is the median over the rounds
 *       of loaded / unloaded (the goal: at least 0.8); each round compares two runs a few seconds apart, so the
 *       machine's drift cancels out.</li>
 * </ol>
 * Warm-up runs of the producer/consumer come first, until two in a row agree within 10 % (at most
 * {@value #MAX_WARMUP_RUNS}).
 * Memory is read from outside the server: {@code jcmd <pid> GC.run} then {@code GC.heap_info} (the heap in use after
 * a full collection) and {@code VmRSS} from {@code /proc/<pid>/status}; the thread count from the same file.
 */
final class Scale {
    static final String NAME = "scale";
    static final int PROBE_ROUNDS = 5;
    static final int MAX_WARMUP_RUNS = 12;
    static final int PROBE_MESSAGES = 100_000;
    static final int CONNECT_PROBES = 500;

    private Scale() {
    }

    static void run(Path dist, Path work, int connections, int queues, String only, Tally tally) throws Exception {
        if (!"artemis".equals(only)) {
            round("fmq", dist, work.resolve("scale-fmq"), connections, queues, tally);
        }
        if (!"fmq".equals(only)) {
            round("artemis", dist, work.resolve("scale-artemis"), connections, queues, tally);
        }
    }

    private static void round(String broker, Path dist, Path dir, int connections, int queues, Tally tally) throws Exception {
        Files.createDirectories(dir);
        Bench.Server server = broker.equals("fmq") ? Bench.Server.fmq(dist, dir) : Bench.Server.artemis(dir);
        List<Connection> open = new ArrayList<>(connections);
        ConnectionFactory f = Backlog.factory(broker, server.port);
        Workload probe = new Workload(NAME + "-probe", Workload.Mode.NON_PERSISTENT, 1, 1);
        try {
            warmUp(probe, f);
            Memory base = Memory.of(server.process.pid());
            long t0 = System.nanoTime();
            try (Connection c = f.createConnection()) {
                Session s = c.createSession(true, Session.SESSION_TRANSACTED);
                MessageProducer p = s.createProducer(null);
                for (int i = 0; i < queues; i++) {
                    p.send(s.createQueue("scale.q." + i), s.createTextMessage("q" + i));
                    if (i % 500 == 499) {
                        s.commit();
                    }
                }
                s.commit();
            }
            Tally.print("%s %s-queues-created %d in %.1f s", broker, NAME, queues, (System.nanoTime() - t0) / 1e9);
            Memory withQueues = Memory.of(server.process.pid());
            tally.add(broker, NAME + "-heap-per-queue", (withQueues.heapKb - base.heapKb) / (double) queues, "KB", false);
            tally.add(broker, NAME + "-rss-per-queue", (withQueues.rssKb - base.rssKb) / (double) queues, "KB", false);

            List<Double> fractions = new ArrayList<>();
            for (int r = 0; r < PROBE_ROUNDS; r++) {
                awaitQuiet(server.process.pid());
                double unloaded = probe.run(f, PROBE_MESSAGES, 1024, "scale.probe").messagesPerSecond();
                tally.add(broker, NAME + "-rate-unloaded", unloaded, "msgs/s", true);
                long[] opening = new long[connections];
                Memory before = r == 0 ? Memory.of(server.process.pid()) : null;
                t0 = System.nanoTime();
                for (int i = 0; i < connections; i++) {
                    long at = System.nanoTime();
                    Connection c = f.createConnection();
                    open.add(c);
                    c.start();
                    opening[i] = System.nanoTime() - at;
                }
                Tally.print("%s %s-connections-opened %d in %.1f s", broker, NAME, connections, (System.nanoTime() - t0) / 1e9);
                Arrays.sort(opening);
                tally.add(broker, NAME + "-connect-p99-opening", percentile(opening, 0.99) / 1e6, "ms", false);
                if (r == 0) {
                    Memory with = Memory.of(server.process.pid());
                    tally.add(broker, NAME + "-heap-per-connection", (with.heapKb - before.heapKb) / (double) connections, "KB", false);
                    tally.add(broker, NAME + "-rss-per-connection", (with.rssKb - before.rssKb) / (double) connections, "KB", false);
                    Tally.print("%s %s-server-threads %d (%d before the connections)", broker, NAME, with.threads, before.threads);
                }
                long[] connect = new long[CONNECT_PROBES];
                for (int i = 0; i < CONNECT_PROBES; i++) {
                    long at = System.nanoTime();
                    try (Connection c = f.createConnection()) {
                        c.start();
                        connect[i] = System.nanoTime() - at;
                    }
                }
                Arrays.sort(connect);
                tally.add(broker, NAME + "-connect-p50", percentile(connect, 0.50) / 1e6, "ms", false);
                tally.add(broker, NAME + "-connect-p99", percentile(connect, 0.99) / 1e6, "ms", false);
                awaitQuiet(server.process.pid());
                double loaded = probe.run(f, PROBE_MESSAGES, 1024, "scale.probe").messagesPerSecond();
                tally.add(broker, NAME + "-rate-loaded", loaded, "msgs/s", true);
                fractions.add(loaded / unloaded);
                closeAll(open);
            }
            Tally.print("%s %s-loaded-fraction %.2f (median of %s: the rate with the connections open over the rate just before)",
                    broker, NAME, Tally.median(fractions), fractions.stream().map(x -> String.format(java.util.Locale.ROOT, "%.2f", x)).toList());
        } finally {
            closeAll(open);
            Backlog.close(f);
            server.close();
            Bench.deleteTree(dir);
        }
    }

    /**
     * Runs the producer/consumer until two runs in a row differ by less than a tenth (at most {@value #MAX_WARMUP_RUNS}
     * runs): both JVMs' compilers have settled before anything is measured.
     */
    private static void warmUp(Workload probe, ConnectionFactory f) throws Exception {
        double last = 0;
        for (int i = 0; i < MAX_WARMUP_RUNS; i++) {
            double rate = probe.run(f, PROBE_MESSAGES, 1024, "scale.warmup").messagesPerSecond();
            if (last > 0 && Math.abs(rate - last) < 0.1 * Math.max(rate, last)) {
                return;
            }
            last = rate;
        }
    }

    /**
     * Waits (at most 30 s) until the server process uses less than a tenth of a core over 200 ms: what a burst of
     * connects or closes left for it to do (logging, MBeans) is done before a rate is measured.
     */
    private static void awaitQuiet(long pid) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long ticksPerSecond = 100; // USER_HZ on Linux
        long last = cpuTicks(pid);
        while (System.nanoTime() < deadline) {
            Thread.sleep(200); // a sampling interval, not a wait for something to happen
            long now = cpuTicks(pid);
            if ((now - last) * 1000.0 / ticksPerSecond / 200 < 0.1) {
                return;
            }
            last = now;
        }
    }

    /** utime + stime of a process, in clock ticks. */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static void closeAll(List<Connection> open) {
        for (Connection c : open) {
            try {
                c.close();
            } catch (Exception e) {
                // the server may be gone
            }
        }
        open.clear();
    }

    private static long percentile(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    /** A server process's memory: heap in use after a full GC, resident set, threads. */
    record Memory(long heapKb, long rssKb, long threads) {
        private static final Pattern USED = Pattern.compile("used (\\d+)K");

        static Memory of(long pid) throws IOException, InterruptedException {
            jcmd(pid, "GC.run");
            Matcher m = USED.matcher(jcmd(pid, "GC.heap_info"));
            if (!m.find()) {
                throw new IOException("jcmd " + pid + " GC.heap_info printed no 'used ...K'");
            }
            long heap = Long.parseLong(m.group(1));
            long rss = -1;
            long threads = -1;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
                } else if (line.startsWith("Threads:")) {
                    threads = Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return new Memory(heap, rss, threads);
        }

        private static String jcmd(long pid, String command) throws IOException, InterruptedException {
            String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
            Process p = new ProcessBuilder(jcmd, Long.toString(pid), command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("jcmd " + pid + " " + command + " failed: " + new String(out, StandardCharsets.UTF_8));
            }
            return new String(out, StandardCharsets.UTF_8);
        }
    }
}
