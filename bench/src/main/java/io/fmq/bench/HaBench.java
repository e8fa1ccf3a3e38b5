package io.fmq.bench;

import io.fmq.client.FmqConnectionFactory;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * The replicated-HA workloads of {@code ./bench.sh}: each runs against an FMQ pair (the distribution's
 * FioranoMQ_HA_rpl/HAPrimary and HASecondary profiles, copied, with free ports) and an Artemis replication
 * pair (two {@link ArtemisServerMain} processes, primary and backup), every server in its own process.
 *
 * <ul>
 *   <li>{@code ha-persistent-1x1|4x4}, {@code ha-transacted-1x1|4x4}: the messaging workloads of
 *       {@link Workload} through the pair (shipped HA settings), msgs/s.</li>
 *   <li>{@code ha-failover-default}, {@code ha-failover-lowlatency}: a producer sends a persistent message
 *       every millisecond (synchronous sends), a consumer receives them; the serving server is killed with
 *       SIGKILL; the figure is the time from the kill until the consumer received the first message whose
 *       send began after the kill, in seconds ({@code .takeover}: until the surviving server's client port
 *       accepted a TCP connection, the server's share of it). Also counted: messages received twice (duplicates) and
 *       messages whose send returned but that never arrived (lost). Default: shipped settings and client
 *       defaults; low latency: {@link #FMQ_LOW_LATENCY} and a 10..100 ms reconnect backoff for FMQ, a
 *       100 ms retry interval for Artemis; {@code ha-failover-guide}: the README HA guide's fast-failover
 *       values ({@link #FMQ_GUIDE}, backoff 20..500 ms) against the same Artemis client.</li>
 *   <li>{@code ha-resync}: the passive/backup is killed, {@code --resync-mb} MB of persistent messages
 *       accumulate on the active server, then the passive is started again; the figure is the time from
 *       its launch until the pair reports itself in sync (FMQ: restarted server PASSIVE and the other
 *       ACTIVE over JMX; Artemis: the backup's {@code isReplicaSync()}), in seconds, JVM start included.</li>
 * </ul>
 */
final class HaBench {
    static final List<String> THROUGHPUT = List.of("ha-persistent-1x1", "ha-persistent-4x4", "ha-transacted-1x1", "ha-transacted-4x4",
            "shared-persistent-1x1", "shared-persistent-4x4", "shared-transacted-1x1", "shared-transacted-4x4");
    static final List<String> ALL = List.of("ha-persistent-1x1", "ha-persistent-4x4", "ha-transacted-1x1", "ha-transacted-4x4",
            "ha-failover-default", "ha-failover-lowlatency", "ha-failover-guide", "ha-resync");
    /** The shared-store workloads ("shared"): the same measurements on an FMQ shared pair and an Artemis shared-store pair. */
    static final List<String> SHARED = List.of("shared-persistent-1x1", "shared-persistent-4x4", "shared-transacted-1x1",
            "shared-transacted-4x4", "shared-failover-default", "shared-failover-lowlatency");

    /** The low-latency HA settings of both FMQ servers (Config.cfg keys). */
    static final Map<String, String> FMQ_LOW_LATENCY = orderedMap(
            "FMQGroup.PingInterval", "200",
            "ActiveLockReAcquisitionInterval", "100",
            "PassiveLockAcquisitionInterval", "400",
            "FMQGroup.SocketCreationTimeout", "100");
    /** The fast-failover settings of the README's HA guide ("Settings that matter for failover speed"). */
    static final Map<String, String> FMQ_GUIDE = orderedMap(
            "FMQGroup.PingInterval", "1000",
            "ActiveLockReAcquisitionInterval", "1000",
            "PassiveLockAcquisitionInterval", "2000",
            "FMQGroup.SocketCreationTimeout", "1000");
    static final long ARTEMIS_LOW_LATENCY_RETRY_INTERVAL = 100;

    /**
     * HA settings of a run: FMQ Config.cfg values (null: shipped), FMQ client reconnect backoff (null: the
     * client's default), Artemis client retry interval (null: Artemis's default, 2000 ms).
     */
    record Variant(Map<String, String> fmqSettings, Duration backoffInitial, Duration backoffMax, Long artemisRetryInterval) {
        static final Variant DEFAULT = new Variant(null, null, null, null);

        static Variant of(String workload) {
            return switch (workload.replaceFirst("^shared-", "ha-")) {
                case "ha-failover-lowlatency" -> new Variant(FMQ_LOW_LATENCY, Duration.ofMillis(10), Duration.ofMillis(100),
                        ARTEMIS_LOW_LATENCY_RETRY_INTERVAL);
                case "ha-failover-guide" -> new Variant(FMQ_GUIDE, Duration.ofMillis(20), Duration.ofMillis(500),
                        ARTEMIS_LOW_LATENCY_RETRY_INTERVAL);
                default -> DEFAULT;
            };
        }
    }

    private static final ObjectName HA_STATUS = objectName("fmq:type=HA,name=HAStatus");

    record Options(Path dist, Path work, Integer messages, int size, String only, int rounds, int resyncMb) {
    }

    private HaBench() {
    }

    /**
     * Runs the named workloads, the brokers alternating round by round: for throughput both pairs run side by side (one
     * idle while the other is measured); each failover or resync round gets new pairs, FMQ's then Artemis's.
     */
    static void run(List<String> names, Options o, Tally tally, Limits limits) throws Exception {
        long journalBufferTimeout = ArtemisServerMain.journalBufferTimeout(Files.createDirectories(o.work().resolve("sync-test")));
        System.err.printf(Locale.ROOT, "disk: %.0f synchronous 4 KiB writes per second (Artemis journal buffer timeout %d ns)%n",
                1e9 / journalBufferTimeout, journalBufferTimeout);
        List<String> brokers = new ArrayList<>();
        for (String b : List.of("fmq", "artemis")) {
            if (o.only() == null || o.only().equals(b)) {
                brokers.add(b);
            }
        }
        int[] serial = {0};
        Map<String, int[]> lostAndDuplicated = new LinkedHashMap<>();
        for (boolean shared : new boolean[] {false, true}) {
            PairFactory pairs = (broker, variant) -> broker.equals("fmq")
                    ? new FmqPair(o.dist(), o.work().resolve("fmq-" + (shared ? "shared-" : "ha-") + serial[0]++), variant.fmqSettings(), shared)
                    : new ArtemisPair(o.work().resolve("artemis-" + (shared ? "shared-" : "ha-") + serial[0]++), journalBufferTimeout, shared);
            List<String> modeNames = names.stream().filter(n -> n.startsWith("shared-") == shared).toList();
            List<String> throughput = modeNames.stream().filter(THROUGHPUT::contains).toList();
            if (!throughput.isEmpty()) {
                Map<String, Pair> running = new LinkedHashMap<>();
                Map<String, ConnectionFactory> factories = new LinkedHashMap<>();
                try {
                    for (String broker : brokers) {
                        Pair pair = pairs.create(broker, Variant.DEFAULT);
                        running.put(broker, pair);
                        pair.start();
                        factories.put(broker, pair.factory(Variant.DEFAULT));
                    }
                    for (String name : throughput) {
                        Workload w = workload(name);
                        Tally.Limit limit = limits.of(name);
                        if (limit != null) {
                            tally.limit(name, limit);
                        }
                        int n = o.messages() != null ? o.messages() : w.mode() == Workload.Mode.PERSISTENT ? 5_000 * w.producers() : 30_000;
                        for (int r = 0; r < o.rounds(); r++) {
                            for (Map.Entry<String, ConnectionFactory> f : factories.entrySet()) {
                                if (r == 0) {
                                    w.run(f.getValue(), Math.max(w.producers(), n / 2), o.size(), "warmup." + name);
                                }
                                Bench.record(tally, f.getKey(), name, w.run(f.getValue(), n, o.size(), "bench." + name + "." + r));
                            }
                        }
                    }
                } finally {
                    factories.values().forEach(HaBench::closeFactory);
                    for (Pair p : running.values()) {
                        p.close();
                    }
                }
            }
            for (String name : modeNames) {
                if (name.startsWith("ha-failover-") || name.startsWith("shared-failover-")) {
                    Variant variant = Variant.of(name);
                    for (int r = 0; r < o.rounds(); r++) {
                        for (String broker : brokers) {
                            try (Pair pair = pairs.create(broker, variant)) {
                                pair.start();
                                ConnectionFactory f = pair.factory(variant);
                                FailoverResult fr = failover(pair, f, "failover." + r, o.size());
                                closeFactory(f);
                                tally.add(broker, name, fr.seconds(), "s", false);
                                tally.add(broker, name + ".takeover", fr.takeoverSeconds(), "s", false);
                                print("%s %s.round%d.lost %d msgs, duplicated %d msgs", broker, name, r + 1, fr.lost(), fr.duplicates());
                                int[] ld = lostAndDuplicated.computeIfAbsent(broker + " " + name, k -> new int[3]);
                                ld[0] += fr.lost();
                                ld[1] += fr.duplicates();
                                ld[2] = Math.max(ld[2], (int) Math.round(fr.seconds() * 1000));
                            }
                        }
                    }
                } else if (name.equals("ha-resync")) {
                    for (int r = 0; r < o.rounds(); r++) {
                        for (String broker : brokers) {
                            try (Pair pair = pairs.create(broker, Variant.DEFAULT)) {
                                pair.start();
                                ConnectionFactory f = pair.factory(Variant.DEFAULT);
                                pair.killPassive();
                                long messages = o.resyncMb() * 1024L * 1024L / o.size();
                                long loadStart = System.nanoTime();
                                load(f, "backlog", (int) messages, o.size());
                                double loadRate = messages / ((System.nanoTime() - loadStart) / 1e9);
                                closeFactory(f);
                                double seconds = pair.restartPassive() / 1e9;
                                tally.add(broker, name, seconds, "s", false);
                                print("%s %s.round%d.backlog %d MB loaded at %.0f msgs/s", broker, name, r + 1, o.resyncMb(), loadRate);
                            }
                        }
                    }
                }
            }
        }
        for (Map.Entry<String, int[]> e : lostAndDuplicated.entrySet()) {
            String[] bn = e.getKey().split(" ");
            print("%s %s.max %.3f s", bn[0], bn[1], e.getValue()[2] / 1000.0);
            print("%s %s.lost %d msgs", bn[0], bn[1], e.getValue()[0]);
            print("%s %s.duplicates %d msgs", bn[0], bn[1], e.getValue()[1]);
        }
        // shared against replicated, per broker, medians (x > 1: shared better)
        for (String name : names) {
            if (!name.startsWith("shared-")) {
                continue;
            }
            String replicated = name.replaceFirst("^shared-", "ha-");
            for (String broker : brokers) {
                Double sh = tally.median(broker, name);
                Double rp = tally.median(broker, replicated);
                if (sh != null && rp != null) {
                    print("%s shared-vs-replicated %s %.2f", broker, name.substring("shared-".length()),
                            THROUGHPUT.contains(name) ? sh / rp : rp / sh);
                }
            }
        }
    }

    static Workload workload(String name) {
        Workload.Mode mode = name.contains("-persistent-") ? Workload.Mode.PERSISTENT : Workload.Mode.TRANSACTED;
        int n = name.endsWith("4x4") ? 4 : 1;
        return new Workload(name, mode, n, n);
    }

    // ---------------------------------------------------------------------------------------------
    // failover

    record FailoverResult(double seconds, double takeoverSeconds, int duplicates, int lost) {
    }

    /**
     * A producer sends one persistent message about every millisecond; after 2 s the serving server is
     * killed; ends when a message sent after the kill has been received, then drains.
     */
    static FailoverResult failover(Pair pair, ConnectionFactory f, String queue, int size) throws Exception {
        Connection consumerConnection = f.createConnection();
        Connection producerConnection = f.createConnection();
        try {
            consumerConnection.start();
            Session cs = consumerConnection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = cs.createConsumer(cs.createQueue(queue));
            Session ps = producerConnection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = ps.createProducer(ps.createQueue(queue));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            BitSet seen = new BitSet();
            BitSet confirmed = new BitSet();
            AtomicInteger duplicates = new AtomicInteger();
            AtomicInteger received = new AtomicInteger();
            AtomicLong killAt = new AtomicLong(Long.MAX_VALUE);
            AtomicLong firstAfterKill = new AtomicLong();
            AtomicLong lastReceipt = new AtomicLong(System.nanoTime());
            AtomicBoolean stopProducer = new AtomicBoolean();
            AtomicBoolean stopConsumer = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicInteger sendErrors = new AtomicInteger();
            byte[] payload = new byte[size];
            Arrays.fill(payload, (byte) 'x');
            Thread consumerThread = new Thread(() -> {
                try {
                    while (!stopConsumer.get()) {
                        Message m;
                        try {
                            m = consumer.receive(50);
                        } catch (JMSException e) {
                            Thread.sleep(10); // Artemis may report the failover to a blocked receive
                            continue;
                        }
                        if (m == null) {
                            continue;
                        }
                        long now = System.nanoTime();
                        lastReceipt.set(now);
                        int seq = m.getIntProperty("seq");
                        synchronized (seen) {
                            if (seen.get(seq)) {
                                duplicates.incrementAndGet();
                            }
                            seen.set(seq);
                        }
                        received.incrementAndGet();
                        if (m.getLongProperty("sentAt") - killAt.get() >= 0) {
                            firstAfterKill.compareAndSet(0, now);
                        }
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }, "failover-consumer");
            Thread producerThread = new Thread(() -> {
                try {
                    for (int seq = 0; !stopProducer.get(); seq++) {
                        while (true) {
                            try {
                                BytesMessage m = ps.createBytesMessage();
                                m.writeBytes(payload);
                                m.setIntProperty("seq", seq);
                                m.setLongProperty("sentAt", System.nanoTime());
                                producer.send(m);
                                break;
                            } catch (JMSException e) {
                                // Artemis: a send in flight when the server died fails; the application sends again
                                sendErrors.incrementAndGet();
                                if (stopProducer.get()) {
                                    return;
                                }
                                Thread.sleep(10);
                            }
                        }
                        synchronized (confirmed) {
                            confirmed.set(seq);
                        }
                        Thread.sleep(1);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }, "failover-producer");
            consumerThread.start();
            producerThread.start();
            long warm = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (System.nanoTime() < warm || received.get() < 100) {
                check(failure);
                Thread.sleep(10);
                if (System.nanoTime() - warm > TimeUnit.SECONDS.toNanos(30)) {
                    throw new IllegalStateException("no messages flow before the kill (" + received.get() + ")");
                }
            }
            int survivor = pair.survivorPort();
            AtomicLong accepting = new AtomicLong();
            Thread probe = new Thread(() -> {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
                while (System.nanoTime() < end) {
                    try (Socket sock = new Socket()) {
                        sock.connect(new InetSocketAddress("localhost", survivor), 100);
                        accepting.set(System.nanoTime());
                        return;
                    } catch (IOException e) {
                        try {
                            Thread.sleep(2);
                        } catch (InterruptedException ie) {
                            return;
                        }
                    }
                }
            }, "takeover-probe");
            probe.setDaemon(true);
            long kill = System.nanoTime();
            killAt.set(kill);
            pair.killActive();
            probe.start();
            long deadline = kill + TimeUnit.SECONDS.toNanos(240);
            while (firstAfterKill.get() == 0) {
                check(failure);
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no message sent after the kill arrived within 240 s (received "
                            + received.get() + ", send errors " + sendErrors.get() + ")\n" + pair.diagnostics());
                }
                Thread.sleep(1);
            }
            double seconds = (firstAfterKill.get() - kill) / 1e9;
            probe.join(TimeUnit.SECONDS.toMillis(10));
            double takeover = accepting.get() == 0 ? Double.NaN : (accepting.get() - kill) / 1e9;
            Thread.sleep(1000);
            stopProducer.set(true);
            producerThread.join(TimeUnit.SECONDS.toMillis(60));
            // drain: until everything confirmed has arrived and nothing came for 2 s, at most 60 s
            long drainEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < drainEnd) {
                boolean complete;
                synchronized (confirmed) {
                    synchronized (seen) {
                        BitSet missing = (BitSet) confirmed.clone();
                        missing.andNot(seen);
                        complete = missing.isEmpty();
                    }
                }
                if (complete && System.nanoTime() - lastReceipt.get() > TimeUnit.SECONDS.toNanos(2)) {
                    break;
                }
                Thread.sleep(50);
            }
            stopConsumer.set(true);
            consumerThread.join(TimeUnit.SECONDS.toMillis(10));
            check(failure);
            int lost;
            synchronized (confirmed) {
                synchronized (seen) {
                    BitSet missing = (BitSet) confirmed.clone();
                    missing.andNot(seen);
                    lost = missing.cardinality();
                }
            }
            return new FailoverResult(seconds, takeover, duplicates.get(), lost);
        } finally {
            closeQuietly(producerConnection);
            closeQuietly(consumerConnection);
        }
    }

    /** Sends {@code messages} persistent messages with 4 transacted producers (commit every 100). */
    static void load(ConnectionFactory f, String queue, int messages, int size) throws Exception {
        int producers = 4;
        List<Thread> threads = new ArrayList<>();
        List<Connection> connections = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        byte[] payload = new byte[size];
        Arrays.fill(payload, (byte) 'x');
        try {
            for (int p = 0; p < producers; p++) {
                Connection c = f.createConnection();
                connections.add(c);
                Session s = c.createSession(true, Session.SESSION_TRANSACTED);
                MessageProducer producer = s.createProducer(s.createQueue(queue));
                producer.setDeliveryMode(DeliveryMode.PERSISTENT);
                int count = messages / producers + (p < messages % producers ? 1 : 0);
                threads.add(new Thread(() -> {
                    try {
                        for (int i = 0; i < count; i++) {
                            BytesMessage m = s.createBytesMessage();
                            m.writeBytes(payload);
                            producer.send(m);
                            if ((i + 1) % 100 == 0) {
                                s.commit();
                            }
                        }
                        s.commit();
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                    }
                }, "backlog-" + p));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join();
            }
            check(failure);
        } finally {
            connections.forEach(HaBench::closeQuietly);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // pairs

    interface PairFactory {
        Pair create(String broker, Variant variant) throws Exception;
    }

    interface Pair extends AutoCloseable {
        /** Starts both servers and returns once one serves and the other is in sync with it. */
        void start() throws Exception;

        ConnectionFactory factory(Variant variant) throws Exception;

        /** The client port of the server that takes over when the serving one dies. */
        int survivorPort();

        /** SIGKILL of the serving server. */
        void killActive() throws Exception;

        /** SIGKILL of the passive/backup server; returns once the other serves alone. */
        void killPassive() throws Exception;

        /** Starts the killed passive/backup again; nanoseconds from its launch until the pair is in sync. */
        long restartPassive() throws Exception;

        String diagnostics();

        @Override
        void close() throws Exception;
    }

    /**
     * Two FMQ servers from a copy of the FioranoMQ_HA_rpl profiles, or of the FioranoMQ_HA_shared ones started with
     * one {@code -dbPath} (their lock file is the shipped relative one, in the copy), with free ports.
     */
    static final class FmqPair implements Pair {
        private static final String[] NAMES = {"HAPrimary", "HASecondary"};
        private final Path dist;
        private final Path[] profiles = new Path[2];
        /** {client, rmi, ha} per server. */
        private final int[][] ports = new int[2][3];
        private final ServerProcess[] processes = new ServerProcess[2];
        private final JMXConnector[] jmx = new JMXConnector[2];
        private int active = -1;
        private final Path sharedStore;

        FmqPair(Path dist, Path dir, Map<String, String> settings, boolean shared) throws IOException {
            this.dist = dist;
            this.sharedStore = shared ? Files.createDirectories(dir.resolve("shared-db")) : null;
            String group = shared ? "FioranoMQ_HA_shared" : "FioranoMQ_HA_rpl";
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 3; j++) {
                    ports[i][j] = Bench.freePort();
                }
            }
            for (int i = 0; i < 2; i++) {
                Path profile = dir.resolve("profiles").resolve(group).resolve(NAMES[i]);
                profiles[i] = profile;
                Files.createDirectories(profile.resolve("conf"));
                Path source = dist.resolve("profiles").resolve(group).resolve(NAMES[i]).resolve("conf");
                try (var files = Files.list(source)) {
                    for (Path p : files.toList()) {
                        Files.copy(p, profile.resolve("conf").resolve(p.getFileName()));
                    }
                }
                int[] own = ports[i];
                int[] peer = ports[1 - i];
                Map<String, String> values = new LinkedHashMap<>();
                values.put("ServerPort", Integer.toString(own[0]));
                values.put("RMIServerPort", Integer.toString(own[1]));
                values.put("FMQGroup.Port", Integer.toString(own[2]));
                values.put("FMQGroup.BackupServerPort", Integer.toString(peer[0]));
                values.put("BackupRMIServerPort", Integer.toString(peer[1]));
                values.put("FMQGroup.BackupHAPort", Integer.toString(peer[2]));
                if (settings != null) {
                    values.putAll(settings);
                }
                Path cfg = profile.resolve("conf/Config.cfg");
                String text = Files.readString(cfg);
                for (Map.Entry<String, String> e : values.entrySet()) {
                    text = setKey(text, e.getKey(), e.getValue());
                }
                Files.writeString(cfg, text);
            }
        }

        static String setKey(String text, String key, String value) {
            Matcher m = Pattern.compile("(?m)^#?" + Pattern.quote(key) + "=.*$").matcher(text);
            if (m.find()) {
                return text.substring(0, m.start()) + key + "=" + value + text.substring(m.end());
            }
            return text + (text.endsWith("\n") ? "" : "\n") + key + "=" + value + "\n";
        }

        private void launch(int i) throws IOException {
            List<String> command = new java.util.ArrayList<>(List.of(dist.resolve("bin/fmq.sh").toAbsolutePath().toString(), "-profile",
                    profiles[i].toAbsolutePath().toString(), "-nobackground"));
            if (sharedStore != null) {
                command.addAll(List.of("-dbPath", sharedStore.toAbsolutePath().toString()));
            }
            processes[i] = ServerProcess.start(command, profiles[i].resolve("bench-console.log"));
        }

        @Override
        public void start() throws Exception {
            launch(0);
            launch(1);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (true) {
                String a = state(0);
                String b = state(1);
                if (a.equals("ACTIVE") && b.equals("PASSIVE")) {
                    active = 0;
                    break;
                }
                if (a.equals("PASSIVE") && b.equals("ACTIVE")) {
                    active = 1;
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the FMQ pair did not form (" + a + ", " + b + ")\n" + diagnostics());
                }
                Thread.sleep(100);
            }
            awaitListening(ports[active][0], 60);
        }

        @Override
        public ConnectionFactory factory(Variant variant) {
            FmqConnectionFactory f = new FmqConnectionFactory("fmq://localhost:" + ports[active][0]);
            f.setBackupURLs("fmq://localhost:" + ports[1 - active][0]);
            f.setDurableConnections(true);
            f.setUser("admin");
            f.setPassword("passwd");
            if (variant.backoffInitial() != null) {
                f.setReconnectBackoff(variant.backoffInitial(), variant.backoffMax());
            }
            return f;
        }

        @Override
        public int survivorPort() {
            return ports[1 - active][0];
        }

        @Override
        public void killActive() throws Exception {
            processes[active].kill9();
        }

        @Override
        public void killPassive() throws Exception {
            if (sharedStore != null) {
                throw new UnsupportedOperationException("a shared pair has no passive store to resynchronise");
            }
            processes[1 - active].kill9();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!state(active).equals("STANDALONE")) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the active server did not go STANDALONE\n" + diagnostics());
                }
                Thread.sleep(20);
            }
        }

        @Override
        public long restartPassive() throws Exception {
            int passive = 1 - active;
            long start = System.nanoTime();
            launch(passive);
            long deadline = start + TimeUnit.SECONDS.toNanos(600);
            while (!(state(passive).equals("PASSIVE") && state(active).equals("ACTIVE"))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the FMQ pair did not resynchronise\n" + diagnostics());
                }
                Thread.sleep(20);
            }
            return System.nanoTime() - start;
        }

        /** The server's HA state over JMX, or "DOWN". */
        String state(int i) {
            try {
                if (jmx[i] == null) {
                    JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://localhost:" + ports[i][1] + "/fmq");
                    jmx[i] = JMXConnectorFactory.connect(url, Map.of(JMXConnector.CREDENTIALS, new String[] {"admin", "passwd"}));
                }
                MBeanServerConnection c = jmx[i].getMBeanServerConnection();
                return String.valueOf(c.getAttribute(HA_STATUS, "State"));
            } catch (Exception e) {
                if (jmx[i] != null) {
                    try {
                        jmx[i].close();
                    } catch (Exception ignored) {
                        // the server is gone
                    }
                    jmx[i] = null;
                }
                return "DOWN";
            }
        }

        @Override
        public String diagnostics() {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < 2; i++) {
                b.append("--- ").append(NAMES[i]).append(" (").append(state(i)).append(")\n");
                if (processes[i] != null) {
                    b.append(processes[i].tail(40));
                }
            }
            return b.toString();
        }

        @Override
        public void close() {
            for (int i = 0; i < 2; i++) {
                if (jmx[i] != null) {
                    try {
                        jmx[i].close();
                    } catch (Exception ignored) {
                        // closing
                    }
                }
                if (processes[i] != null) {
                    processes[i].kill9();
                }
            }
        }
    }

    /**
     * An Artemis replication pair, or a shared-store pair (one data folder, the backup waits for its journal lock):
     * {@link ArtemisServerMain} primary and backup processes.
     */
    static final class ArtemisPair implements Pair {
        private final Path dir;
        private final long journalBufferTimeout;
        private final int[] ports = new int[2];
        private ServerProcess primary;
        private ServerProcess backup;
        private final boolean shared;

        ArtemisPair(Path dir, long journalBufferTimeout, boolean shared) throws IOException {
            this.dir = dir;
            this.shared = shared;
            this.journalBufferTimeout = journalBufferTimeout;
            ports[0] = Bench.freePort();
            ports[1] = Bench.freePort();
        }

        private ServerProcess launch(String role) throws IOException {
            int own = role.equals("primary") ? ports[0] : ports[1];
            int peer = role.equals("primary") ? ports[1] : ports[0];
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Files.createDirectories(dir);
            return ServerProcess.start(List.of(java, "-Dbench.journalBufferTimeout=" + journalBufferTimeout, "-cp",
                    System.getProperty("java.class.path"), ArtemisServerMain.class.getName(),
                    shared ? dir.resolve("shared-data").toString() : dir.resolve(role).toString(),
                    Integer.toString(own), shared ? "shared-" + role : role, Integer.toString(peer)), dir.resolve(role + "-console.log"));
        }

        @Override
        public void start() throws Exception {
            primary = launch("primary");
            primary.awaitLine("ready", 0, 120);
            backup = launch("backup");
            if (shared) {
                backup.awaitLine("ready", 0, 120);
                awaitBackupAnnounced();
            } else {
                backup.awaitLine("in-sync", 0, 180);
            }
        }

        /** Shared store: until the primary's topology lists the backup (clients learn where to fail over from it). */
        private void awaitBackupAnnounced() throws Exception {
            try (org.apache.activemq.artemis.api.core.client.ServerLocator locator =
                         org.apache.activemq.artemis.api.core.client.ActiveMQClient.createServerLocator(
                                 "tcp://localhost:" + ports[0] + "?useEpoll=false");
                 var sessions = locator.createSessionFactory()) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (locator.getTopology().getMembers().stream().noneMatch(m -> m.getBackup() != null)) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the Artemis backup did not announce itself\n" + diagnostics());
                    }
                    Thread.sleep(20);
                }
            }
        }

        @Override
        public ConnectionFactory factory(Variant variant) {
            return new ActiveMQConnectionFactory("(tcp://localhost:" + ports[0] + ",tcp://localhost:" + ports[1]
                    + ")?ha=true&reconnectAttempts=-1&useEpoll=false" + (variant.artemisRetryInterval() != null ? "&retryInterval=" + variant.artemisRetryInterval() : ""));
        }

        @Override
        public int survivorPort() {
            return ports[1];
        }

        @Override
        public void killActive() {
            primary.kill9();
        }

        @Override
        public void killPassive() throws Exception {
            backup.kill9();
            Thread.sleep(1000); // the primary serves on alone (no quorum vote in a pair)
        }

        @Override
        public long restartPassive() throws Exception {
            long start = System.nanoTime();
            backup = launch("backup");
            backup.awaitLine("in-sync", 0, 600);
            return System.nanoTime() - start;
        }

        @Override
        public String diagnostics() {
            return "--- artemis primary\n" + (primary == null ? "" : primary.tail(40)) + "--- artemis backup\n"
                    + (backup == null ? "" : backup.tail(40));
        }

        @Override
        public void close() {
            if (backup != null) {
                backup.kill9();
            }
            if (primary != null) {
                primary.kill9();
            }
        }
    }

    /** A server process whose output goes to a file and is watched for marker lines. */
    static final class ServerProcess {
        private static final Set<ServerProcess> LIVE = ConcurrentHashMap.newKeySet();

        static {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(ServerProcess::kill9), "kill-servers"));
        }

        private final Process process;
        private final List<String> lines = new CopyOnWriteArrayList<>();

        private ServerProcess(Process process, Path log) throws IOException {
            this.process = process;
            LIVE.add(this);
            PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true);
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        lines.add(line);
                        out.println(line);
                    }
                } catch (IOException e) {
                    // the process ended
                } finally {
                    out.close();
                }
            }, "server-output");
            reader.setDaemon(true);
            reader.start();
        }

        static ServerProcess start(List<String> command, Path log) throws IOException {
            return new ServerProcess(new ProcessBuilder(command).redirectErrorStream(true).start(), log);
        }

        /** Waits for a line containing the marker at or after line {@code from}. */
        void awaitLine(String marker, int from, int timeoutSeconds) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            int i = from;
            while (true) {
                while (i < lines.size()) {
                    if (lines.get(i++).contains(marker)) {
                        return;
                    }
                }
                if (!process.isAlive() && i >= lines.size()) {
                    throw new IllegalStateException("the server ended before printing '" + marker + "':\n" + tail(40));
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no '" + marker + "' within " + timeoutSeconds + " s:\n" + tail(40));
                }
                Thread.sleep(5);
            }
        }

        String tail(int n) {
            List<String> copy = new ArrayList<>(lines);
            StringBuilder b = new StringBuilder();
            for (String l : copy.subList(Math.max(0, copy.size() - n), copy.size())) {
                b.append(l).append('\n');
            }
            return b.toString();
        }

        void kill9() {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            LIVE.remove(this);
        }
    }

    // ---------------------------------------------------------------------------------------------

    static void awaitListening(int port, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("localhost", port), 500);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("nothing listens on port " + port);
                }
                Thread.sleep(20);
            }
        }
    }

    private static void check(AtomicReference<Throwable> failure) {
        if (failure.get() != null) {
            throw new IllegalStateException("the workload failed: " + failure.get(), failure.get());
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (Exception e) {
            // after the measurement
        }
    }

    private static void closeFactory(ConnectionFactory f) {
        if (f instanceof ActiveMQConnectionFactory a) {
            a.close();
        }
    }

    private static void print(String format, Object... args) {
        System.out.printf(Locale.ROOT, format + "%n", args);
        System.out.flush();
    }

    private static Map<String, String> orderedMap(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static ObjectName objectName(String name) {
        try {
            return new ObjectName(name);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
