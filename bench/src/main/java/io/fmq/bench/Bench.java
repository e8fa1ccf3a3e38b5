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
import java.util.stream.Stream;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * {@code ./bench.sh [WORKLOAD...] [--messages N] [--size BYTES] [--only fmq|artemis]}: runs each workload
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
        int rounds = 1;
        int resyncMb = 100;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--dist": dist = Path.of(args[++i]); break;
                case "--messages": messages = Integer.parseInt(args[++i]); break;
                case "--size": size = Integer.parseInt(args[++i]); break;
                case "--only": only = args[++i]; break;
                case "--rounds": rounds = Integer.parseInt(args[++i]); break;
                case "--resync-mb": resyncMb = Integer.parseInt(args[++i]); break;
                default:
                    if (args[i].startsWith("-")) {
                        System.err.println("usage: bench.sh [WORKLOAD...|messaging|ha|shared] [--messages N] [--size BYTES] [--only fmq|artemis]"
                                + " [--rounds N] [--resync-mb MB]");
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
            boolean known = name.equals("messaging") || name.equals("ha") || name.equals("shared") || HaBench.ALL.contains(name)
                    || HaBench.SHARED.contains(name)
                    || Workload.all().stream().anyMatch(w -> w.name().equals(name));
            if (!known) {
                System.err.println("no such workload: " + name + "; known: messaging (" + Workload.all().stream().map(Workload::name).toList()
                        + "), ha (" + HaBench.ALL + "), shared (" + HaBench.SHARED + ")");
                System.exit(2);
            }
        }
        Map<String, Workload.Result> fmq = new LinkedHashMap<>();
        Map<String, Workload.Result> artemis = new LinkedHashMap<>();
        Path work = Files.createTempDirectory("fmq-bench");
        try {
            if (!ha.isEmpty()) {
                HaBench.run(ha, new HaBench.Options(dist, work, messages, size, only, rounds, resyncMb));
            }
            if (workloads.isEmpty()) {
                return;
            }
            if (!"artemis".equals(only)) {
                try (Server s = Server.fmq(dist, work.resolve("fmq"))) {
                    FmqConnectionFactory f = new FmqConnectionFactory("fmq://localhost:" + s.port);
                    f.setUser("admin");
                    f.setPassword("passwd");
                    runAll("fmq", f, workloads, messages, size, fmq);
                }
            }
            if (!"fmq".equals(only)) {
                try (Server s = Server.artemis(work.resolve("artemis"))) {
                    ActiveMQConnectionFactory f = new ActiveMQConnectionFactory("tcp://localhost:" + s.port);
                    runAll("artemis", f, workloads, messages, size, artemis);
                    f.close();
                }
            }
        } finally {
            deleteTree(work);
        }
        for (Workload w : workloads) {
            Workload.Result a = fmq.get(w.name());
            Workload.Result b = artemis.get(w.name());
            if (a != null && b != null) {
                System.out.printf(Locale.ROOT, "ratio %s %.2f%n", w.name(), a.messagesPerSecond() / b.messagesPerSecond());
            }
        }
    }

    private static void runAll(String broker, ConnectionFactory f, List<Workload> workloads, Integer messages, int size,
                               Map<String, Workload.Result> results) throws Exception {
        for (Workload w : workloads) {
            int n = messages != null ? messages : w.mode() == Workload.Mode.PERSISTENT ? 10_000 * w.producers()
                    : w.mode() == Workload.Mode.TRANSACTED ? 50_000 : 100_000;
            w.run(f, Math.max(w.producers(), n / 10), size, "warmup." + w.name()); // warm up the JIT and the broker
            Workload.Result r = w.run(f, n, size, "bench." + w.name());
            results.put(w.name(), r);
            System.out.printf(Locale.ROOT, "%s %s %.0f msgs/s%n", broker, w.name(), r.messagesPerSecond());
            System.out.printf(Locale.ROOT, "%s %s.p50 %.3f ms%n", broker, w.name(), r.p50Millis());
            System.out.printf(Locale.ROOT, "%s %s.p99 %.3f ms%n", broker, w.name(), r.p99Millis());
            System.out.printf(Locale.ROOT, "%s %s.p99.9 %.3f ms%n", broker, w.name(), r.p999Millis());
            System.out.flush();
        }
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

        private Server(Process process, int port) {
            this.process = process;
            this.port = port;
        }

        /** The FMQ distribution's server on a copy of the standalone profile with free ports. */
        static Server fmq(Path dist, Path dir) throws Exception {
            Path profile = dir.resolve("profiles/Bench");
            Files.createDirectories(profile.resolve("conf"));
            for (String f : new String[] {"Config.cfg", "logback.xml", "jmx-users.properties"}) {
                Files.copy(dist.resolve("profiles/FioranoMQ/conf").resolve(f), profile.resolve("conf").resolve(f));
            }
            int port = freePort();
            int rmi = freePort();
            Path cfg = profile.resolve("conf/Config.cfg");
            String text = Files.readString(cfg).replace("#ServerPort=1856", "ServerPort=" + port).replace("#RMIServerPort=1858", "RMIServerPort=" + rmi);
            Files.writeString(cfg, text);
            Process p = new ProcessBuilder(dist.resolve("bin/fmq.sh").toAbsolutePath().toString(), "-profile",
                    profile.toAbsolutePath().toString(), "-nobackground").redirectErrorStream(true).start();
            awaitLine(p, "successfully deployed");
            return new Server(p, port);
        }

        /** An Artemis server (see {@link ArtemisServerMain}) with this JVM's class path. */
        static Server artemis(Path dir) throws Exception {
            int port = freePort();
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), ArtemisServerMain.class.getName(),
                    dir.toString(), Integer.toString(port)).redirectErrorStream(true).start();
            String ready = awaitLine(p, "ready");
            System.err.println("artemis " + ready);
            return new Server(p, port);
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
