package io.fmq.bench;

import io.fmq.client.FmqConnectionFactory;
import jakarta.jms.ConnectionFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * {@code ./bench.sh [WORKLOAD...] [--messages N] [--size BYTES] [--only fmq|artemis] [--rounds N]}: runs each workload
 * against an FMQ server process and an Apache Artemis server process on this machine and prints
 * {@code <fmq|artemis> <workload> <value> <unit>} per figure and {@code ratio <workload> <x>} per workload
 * (x > 1: FMQ is better; throughput fmq/artemis).
 */
public final class Bench {
    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        Path dist = Path.of("installer/target/fmq");
        List<String> selected = new ArrayList<>();
        Integer messages = null;
        int size = 1024;
        String only = null;
        int rounds = 3;
        int resyncMb = 100;
        boolean keep = false;
        int backlogMb = 2048;
        int backlogRounds = 1;
        int connections = 5_000;
        int queues = 10_000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--dist": dist = Path.of(args[++i]); break;
                case "--messages": messages = Integer.parseInt(args[++i]); break;
                case "--size": size = Integer.parseInt(args[++i]); break;
                case "--only": only = args[++i]; break;
                case "--rounds": rounds = Integer.parseInt(args[++i]); break;
                case "--resync-mb": resyncMb = Integer.parseInt(args[++i]); break;
                case "--keep": keep = true; break;
                case "--backlog-mb": backlogMb = Integer.parseInt(args[++i]); break;
                case "--backlog-rounds": backlogRounds = Integer.parseInt(args[++i]); break;
                case "--connections": connections = Integer.parseInt(args[++i]); break;
                case "--queues": queues = Integer.parseInt(args[++i]); break;
                default:
                    if (args[i].startsWith("-")) {
                        System.err.println("usage: bench.sh [WORKLOAD...|messaging|ha|shared] [--messages N] [--size BYTES] [--only fmq|artemis]"
                                + " [--rounds N] [--resync-mb MB] [--backlog-mb MB] [--backlog-rounds N] [--connections N] [--queues N] [--keep]");
                        System.exit(2);
                    }
                    selected.add(args[i]);
            }
        }
        List<Workload> workloads = new ArrayList<>();
        for (Workload w : Workload.all()) {
            if (selected.isEmpty() || selected.contains(w.name()) || selected.contains("messaging")) {
                workloads.add(w);
            }
        }
        List<String> ha = new ArrayList<>();
        for (String name : HaBench.ALL) {
            if (selected.isEmpty() || selected.contains(name) || selected.contains("ha")) {
                ha.add(name);
            }
        }
        for (String name : HaBench.SHARED) {
            if (selected.isEmpty() || selected.contains(name) || selected.contains("shared")) {
                ha.add(name);
            }
        }
        for (String name : selected) {
            boolean known = name.equals("messaging") || name.equals(Backlog.NAME) || name.equals(Scale.NAME) || name.equals(FIXED_LOAD) || name.equals("ha") || name.equals("shared") || HaBench.ALL.contains(name)
                    || HaBench.SHARED.contains(name)
                    || Workload.all().stream().anyMatch(w -> w.name().equals(name));
            if (!known) {
                System.err.println("no such workload: " + name + "; known: messaging (" + Workload.all().stream().map(Workload::name).toList()
                        + "), ha (" + HaBench.ALL + "), shared (" + HaBench.SHARED + "), " + Backlog.NAME + ", " + Scale.NAME);
                System.exit(2);
            }
        }
        boolean fixedLoad = selected.isEmpty() || selected.contains("messaging") || selected.contains(FIXED_LOAD);
        Path work = Files.createTempDirectory("fmq-bench");
        Tally tally = new Tally();
        try {
            Limits limits = Limits.measure(work);
            if (!ha.isEmpty()) {
                HaBench.run(ha, new HaBench.Options(dist, work, messages, size, only, rounds, resyncMb), tally, limits);
            }
            if (!workloads.isEmpty() || fixedLoad) {
                runMessaging(dist, work, workloads, fixedLoad, messages, size, only, rounds, tally, limits);
            }
            if (selected.isEmpty() || selected.contains(Backlog.NAME)) {
                Backlog.run(dist, work, backlogMb, backlogRounds, only, keep, tally);
            }
            if (selected.isEmpty() || selected.contains(Scale.NAME)) {
                Scale.run(dist, work, connections, queues, only, tally);
            }
        } finally {
            if (keep) {
                System.err.println("the servers' folders (profiles, stores, logs) are kept in " + work);
            } else {
                deleteTree(work);
            }
        }
        tally.summary();
    }

    /** The workload that measures latency at a fixed offered load: persistent 1x1 at half of Artemis's maximum rate. */
    static final String FIXED_LOAD = "persistent-1x1-fixed";

    /**
     * The messaging workloads against one FMQ and one Artemis server, both running the whole time: per workload the
     * rounds alternate the brokers, the first round of each after a warm-up run. Then the fixed-load latency run.
     */
    private static void runMessaging(Path dist, Path work, List<Workload> workloads, boolean fixedLoad, Integer messages, int size,
                                     String only, int rounds, Tally tally, Limits limits) throws Exception {
        Map<String, ConnectionFactory> brokers = new LinkedHashMap<>();
        List<AutoCloseable> open = new ArrayList<>();
        try {
            if (!"artemis".equals(only)) {
                Server s = Server.fmq(dist, work.resolve("fmq"));
                open.add(s);
                FmqConnectionFactory f = new FmqConnectionFactory("fmq://localhost:" + s.port);
                f.setUser("admin");
                f.setPassword("passwd");
                brokers.put("fmq", f);
            }
            if (!"fmq".equals(only)) {
                Server s = Server.artemis(work.resolve("artemis"));
                open.add(s);
                ActiveMQConnectionFactory f = new ActiveMQConnectionFactory("tcp://localhost:" + s.port);
                open.add(0, f::close);
                brokers.put("artemis", f);
            }
            for (Workload w : workloads) {
                int n = messages != null ? messages : w.mode() == Workload.Mode.PERSISTENT ? 10_000 * w.producers()
                        : w.mode() == Workload.Mode.TRANSACTED ? 100_000 : 300_000;
                Tally.Limit limit = limits.of(w.name());
                if (limit != null) {
                    tally.limit(w.name(), limit);
                }
                for (int r = 0; r < rounds; r++) {
                    for (Map.Entry<String, ConnectionFactory> b : brokers.entrySet()) {
                        if (r == 0) {
                            w.run(b.getValue(), Math.max(w.producers(), n / 2), size, "warmup." + w.name()); // JIT and broker warm-up: half a run
                        }
                        Workload.Result res = w.run(b.getValue(), n, size, "bench." + w.name() + "." + r);
                        record(tally, b.getKey(), w.name(), res);
                    }
                }
            }
            if (fixedLoad) {
                runFixedLoad(brokers, messages, size, rounds, tally);
            }
        } finally {
            for (AutoCloseable c : open) {
                c.close();
            }
        }
    }

    /**
     * Persistent 1x1 at a fixed offered load, half of Artemis's maximum persistent 1x1 rate (from this run, or measured
     * now): latency percentiles of both brokers, rounds alternating; the ratio is Artemis's p99 over FMQ's.
     */
    private static void runFixedLoad(Map<String, ConnectionFactory> brokers, Integer messages, int size, int rounds, Tally tally)
            throws Exception {
        Workload w = new Workload(FIXED_LOAD, Workload.Mode.PERSISTENT, 1, 1);
        Double artemisMax = tally.median("artemis", "persistent-1x1");
        if (artemisMax == null) {
            ConnectionFactory reference = brokers.get("artemis") != null ? brokers.get("artemis") : brokers.get("fmq");
            w.run(reference, 1_000, size, "warmup.fixed-reference");
            artemisMax = w.run(reference, 5_000, size, "bench.fixed-reference").messagesPerSecond();
        }
        double rate = artemisMax / 2;
        Tally.print("%s.rate %.0f msgs/s offered (half of %.0f)", FIXED_LOAD, rate, artemisMax);
        int n = messages != null ? messages : (int) Math.max(2_000, rate * 10);
        for (int r = 0; r < rounds; r++) {
            for (Map.Entry<String, ConnectionFactory> b : brokers.entrySet()) {
                if (r == 0) {
                    w.run(b.getValue(), Math.max(500, n / 10), size, "warmup.fixed", rate);
                }
                Workload.Result res = w.run(b.getValue(), n, size, "bench.fixed." + r, rate);
                tally.add(b.getKey(), FIXED_LOAD + ".p50", res.p50Millis(), "ms", false);
                tally.add(b.getKey(), FIXED_LOAD + ".p99", res.p99Millis(), "ms", false);
                tally.add(b.getKey(), FIXED_LOAD + ".p99.9", res.p999Millis(), "ms", false);
            }
        }
    }

    /** Adds a throughput run's figures: the rate, and its latency percentiles (lower is better). */
    static void record(Tally tally, String broker, String workload, Workload.Result r) {
        tally.add(broker, workload, r.messagesPerSecond(), "msgs/s", true);
        tally.add(broker, workload + ".p50", r.p50Millis(), "ms", false);
        tally.add(broker, workload + ".p99", r.p99Millis(), "ms", false);
        tally.add(broker, workload + ".p99.9", r.p999Millis(), "ms", false);
    }

    /** Ports handed out by {@link #freePort()} in this run: the kernel may offer a just-closed port again. */
    private static final java.util.Set<Integer> GIVEN_PORTS = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** A free port, never one this run has handed out before (so the ports of one pair never collide). */
    static int freePort() throws IOException {
        for (int attempt = 0; attempt < 1000; attempt++) {
            try (ServerSocket s = new ServerSocket(0)) {
                if (GIVEN_PORTS.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            }
        }
        throw new IOException("no free port found that this run has not used already");
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** A broker in its own process. */
    static final class Server implements AutoCloseable {
        final Process process;
        final int port;
        /** Artemis: the journal buffer timeout its start measured (given to a restart, which then skips the measuring). */
        String artemisTimeout;

        private Server(Process process, int port) {
            this.process = process;
            this.port = port;
        }

        /** The FMQ distribution's server on a copy of the standalone profile with free ports. */
        static Server fmq(Path dist, Path dir) throws Exception {
            return fmq(dist, dir, null);
        }

        /**
         * As {@link #fmq(Path, Path)} with the given JVM options (FMQ_JAVA_OPTS); a profile already in {@code dir} (a
         * restart) is started as it is.
         */
        static Server fmq(Path dist, Path dir, String jvmOptions) throws Exception {
            Path profile = dir.resolve("profiles/Bench");
            Path cfg = profile.resolve("conf/Config.cfg");
            if (!Files.exists(cfg)) {
                Files.createDirectories(profile.resolve("conf"));
                for (String f : new String[] {"Config.cfg", "logback.xml", "jmx-users.properties"}) {
                    Files.copy(dist.resolve("profiles/FioranoMQ/conf").resolve(f), profile.resolve("conf").resolve(f));
                }
                int port = freePort();
                int rmi = freePort();
                String text = Files.readString(cfg).replace("#ServerPort=1856", "ServerPort=" + port).replace("#RMIServerPort=1858", "RMIServerPort=" + rmi);
                Files.writeString(cfg, text);
            }
            Matcher m = Pattern.compile("(?m)^ServerPort=(\\d+)").matcher(Files.readString(cfg));
            if (!m.find()) {
                throw new IllegalStateException("no ServerPort in " + cfg);
            }
            int port = Integer.parseInt(m.group(1));
            ProcessBuilder pb = new ProcessBuilder(dist.resolve("bin/fmq.sh").toAbsolutePath().toString(), "-profile",
                    profile.toAbsolutePath().toString(), "-nobackground").redirectErrorStream(true);
            if (jvmOptions != null) {
                pb.environment().put("FMQ_JAVA_OPTS", jvmOptions);
            }
            Process p = pb.start();
            awaitLine(p, "successfully deployed");
            return new Server(p, port);
        }

        /** An Artemis server (see {@link ArtemisServerMain}) with this JVM's class path. */
        static Server artemis(Path dir) throws Exception {
            return artemis(dir, null, null);
        }

        /**
         * As {@link #artemis(Path)} with a JVM option (a heap size) and, for a restart, the journal buffer timeout the
         * first start measured. A restart of the same folder keeps its port (recorded in the folder).
         */
        static Server artemis(Path dir, String jvmOption, String journalBufferTimeout) throws Exception {
            Path portFile = dir.resolve("bench.port");
            int port;
            if (Files.exists(portFile)) {
                port = Integer.parseInt(Files.readString(portFile).trim());
            } else {
                port = freePort();
                Files.createDirectories(dir);
                Files.writeString(portFile, Integer.toString(port));
            }
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = new ArrayList<>(List.of(java));
            if (jvmOption != null) {
                command.add(jvmOption);
            }
            if (journalBufferTimeout != null) {
                command.add("-Dbench.journalBufferTimeout=" + journalBufferTimeout);
            }
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), ArtemisServerMain.class.getName(), dir.toString(),
                    Integer.toString(port)));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String ready = awaitLine(p, "ready");
            System.err.println("artemis " + ready);
            Server s = new Server(p, port);
            Matcher m = Pattern.compile("journal-buffer-timeout=(\\d+)ns").matcher(ready);
            s.artemisTimeout = m.find() ? m.group(1) : null;
            return s;
        }

        /** The server process's peak resident memory so far (VmHWM), in MB. */
        double peakResidentMegabytes() throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
            throw new IOException("no VmHWM for process " + process.pid());
        }

        private static String awaitLine(Process p, String marker) throws Exception {
            BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            String line;
            StringBuilder seen = new StringBuilder();
            while ((line = in.readLine()) != null) {
                seen.append(line).append('\n');
                if (line.contains(marker)) {
                    Thread drain = new Thread(() -> {
                        try {
                            while (in.readLine() != null) {
                                // keep the pipe from filling up
                            }
                        } catch (IOException e) {
                            // the server stopped
                        }
                    }, "server-output");
                    drain.setDaemon(true);
                    drain.start();
                    return line;
                }
                if (System.nanoTime() > deadline) {
                    break;
                }
            }
            p.destroyForcibly();
            throw new IllegalStateException("the server did not start:\n" + seen);
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
