package io.fmq.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fmq.client.FmqConnectionFactory;
import io.fmq.profile.ConfigKey;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A shared HA pair of server processes on loopback over one store folder: forming, failover, switchover, lock loss, refusals. */
class SharedPairIT {
    @TempDir
    Path dir;

    Installation fmq;
    Path store;

    @BeforeEach
    void copy() throws Exception {
        fmq = Installation.copy(dir);
        store = dir.resolve("shared-db");
    }

    @AfterEach
    void kill() throws Exception {
        fmq.killServers();
    }

    /** The files a server process has open under {@code folder} (from /proc). */
    private static List<Path> openFilesUnder(long pid, Path folder) throws IOException {
        List<Path> open = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    Path target = Files.readSymbolicLink(fd);
                    if (target.startsWith(folder.toRealPath())) {
                        open.add(target);
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        return open;
    }

    private FmqConnectionFactory durable(HaPair pair, String clientId) {
        FmqConnectionFactory f = new FmqConnectionFactory("fmq://localhost:" + pair.client(pair.primaryName));
        f.setBackupURLs("fmq://localhost:" + pair.client(pair.secondaryName));
        f.setDurableConnections(true);
        f.setUser("admin");
        f.setPassword("passwd");
        f.setClientID(clientId);
        f.setOutboxDirectory(dir.resolve("outbox").toString());
        f.setReconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));
        f.setReconnectTimeout(Duration.ofMinutes(2));
        return f;
    }

    @Test
    void thePairFormsInEitherOrderAndOnlyTheActiveHasTheStoreOpen() throws Exception {
        HaPair pair = HaPair.shared(fmq, store, Map.of());
        pair.start(pair.secondaryName);
        pair.awaitState(pair.secondaryName, "ACTIVE"); // the first to take the lock does not wait for its peer
        pair.start(pair.primaryName);
        String active = pair.awaitActivePassive();
        assertThat(active).isEqualTo(pair.secondaryName);
        String passive = HaPair.other(active);
        assertThat(pair.console(active)).contains("Successfully acquired lock on :: ", "Secondary Server switched to ACTIVATING",
                "Secondary Server switched to ACTIVE");
        assertThat(pair.console(passive)).contains("Primary Server switched to PASSIVE", "Trying to establish connection with localhost:",
                "New status of remote server = ACTIVE");
        assertThat(Installation.listening(pair.client(passive))).as("a passive server accepts no clients").isFalse();
        assertThat(openFilesUnder(fmq.serverPid(passive), store)).as("the passive never opens the shared store").isEmpty();
        assertThat(openFilesUnder(fmq.serverPid(active), store)).as("the active writes its segment").isNotEmpty();
        try (Stream<Path> s = Files.walk(store)) {
            assertThat(s.filter(p -> p.toString().endsWith(".log") || p.toString().endsWith(".out")).toList())
                    .as("logs stay in each profile, never in the shared folder").isEmpty();
        }
        Installation.Result status = fmq.run("server-status.sh", "-rmiPort", Integer.toString(pair.rmi(active)));
        assertThat(status.output()).as(status.toString()).contains("ACTIVE", "PASSIVE", store.toString(), "none (one shared store)");

        assertThat(fmq.run("shutdown-fmq.sh", "-rmiPort", Integer.toString(pair.rmi(passive))).exitCode()).isZero();
        assertThat(fmq.run("shutdown-fmq.sh", "-rmiPort", Integer.toString(pair.rmi(active))).exitCode()).isZero();
        pair.start(pair.primaryName);
        pair.awaitState(pair.primaryName, "ACTIVE");
        pair.start(pair.secondaryName);
        assertThat(pair.awaitActivePassive()).isEqualTo(pair.primaryName);
    }

    @Test
    void killingTheActiveUnderDurableLoadLosesAndDuplicatesNothingAndTheKilledOneRejoinsAsPassive() throws Exception {
        HaPair pair = HaPair.shared(fmq, store, Map.of());
        String active = pair.startPair();
        String passive = HaPair.other(active);
        int total = 600;
        Map<Integer, AtomicInteger> received = new ConcurrentHashMap<>();
        AtomicReference<JMSException> failure = new AtomicReference<>();
        try (HaPair.Subscription notifications = pair.subscribe(passive);
             Connection consumerConnection = durable(pair, "shared-consumer").createConnection();
             Connection producerConnection = durable(pair, "shared-producer").createConnection()) {
            consumerConnection.setExceptionListener(failure::set);
            Session cs = consumerConnection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = cs.createConsumer(cs.createQueue("shared.failover"));
            consumer.setMessageListener(m -> {
                try {
                    received.computeIfAbsent(m.getIntProperty("n"), k -> new AtomicInteger()).incrementAndGet();
                } catch (JMSException e) {
                    throw new IllegalStateException(e);
                }
            });
            consumerConnection.start();
            Session ps = producerConnection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = ps.createProducer(ps.createQueue("shared.failover"));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            for (int i = 0; i < total; i++) {
                Message m = ps.createTextMessage("m" + i);
                m.setIntProperty("n", i);
                producer.send(m);
                if (i == total / 3) {
                    pair.kill9(active);
                }
            }
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(() -> received.size() == total);
            // JMX listeners (JConsole, monitoring) hear the passive's takeover as it happens
            await().atMost(Duration.ofSeconds(30)).until(() -> notifications.changes().contains("ACTIVATING->ACTIVE"));
            assertThat(notifications.changes()).containsSubsequence("PASSIVE->ACTIVATING", "ACTIVATING->ACTIVE");
        }
        assertThat(failure.get()).isNull();
        assertThat(received).hasSize(total);
        assertThat(received.values().stream().filter(c -> c.get() > 1).count()).as("delivered twice").isZero();
        assertThat(pair.state(passive)).isEqualTo("ACTIVE");

        pair.start(active);
        pair.awaitState(active, "PASSIVE");
        assertThat(pair.console(active)).contains("New status of remote server = ACTIVE");
    }

    @Test
    void switchoverHandsTheActiveRoleToThePassiveWithoutLosingAMessage() throws Exception {
        HaPair pair = HaPair.shared(fmq, store, Map.of());
        String active = pair.startPair();
        String passive = HaPair.other(active);
        try (Connection c = new FmqConnectionFactory("fmq://localhost:" + pair.client(active)).createConnection("admin", "passwd")) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = s.createProducer(s.createQueue("moved"));
            for (int i = 0; i < 100; i++) {
                p.send(s.createTextMessage(Integer.toString(i)));
            }
        }
        assertThat(pair.invoke(active, "switchover")).startsWith("Switchover done");
        pair.awaitState(passive, "ACTIVE");
        pair.awaitState(active, "PASSIVE");
        List<String> got = new ArrayList<>();
        try (Connection c = new FmqConnectionFactory("fmq://localhost:" + pair.client(passive)).createConnection("admin", "passwd")) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue("moved"));
            for (Message m = consumer.receive(5_000); m != null && got.size() < 1_000; m = consumer.receive(1_000)) {
                got.add(m.getBody(String.class));
            }
        }
        assertThat(got).hasSize(100).doesNotHaveDuplicates();
        assertThat(pair.invoke(passive, "switchover")).startsWith("Switchover done");
        pair.awaitState(active, "ACTIVE");
    }

    @Test
    void anActiveThatLosesItsLockStepsDownAndThePairRecovers() throws Exception {
        HaPair pair = HaPair.shared(fmq, store, Map.of());
        String active = pair.startPair();
        // the same lock (same identity) as another file: the active's lock is on the old file, which is gone
        Path lockFile = fmq.profile("FioranoMQ_HA_shared").resolve("lock.dat");
        Path copy = lockFile.resolveSibling("lock.dat.copy");
        Files.copy(lockFile, copy);
        Files.move(copy, lockFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        String passiveLine = (active.equals(pair.primaryName) ? "Primary" : "Secondary") + " Server switched to PASSIVE";
        await().atMost(Duration.ofSeconds(30)).until(() -> pair.console(active).split(passiveLine, -1).length > 2);
        pair.awaitActivePassive();
    }

    @Test
    void serversWhoseLockFilesDifferAreRefusedBeforeEitherServes() throws Exception {
        HaPair pair = HaPair.shared(fmq, store, Map.of());
        fmq.configure(pair.secondaryName, Map.of(ConfigKey.LOCK_FILE, dir.resolve("other-lock.dat").toString()));
        pair.start(pair.primaryName);
        pair.awaitState(pair.primaryName, "ACTIVE");
        Installation.Result second = fmq.run("fmq.sh", "-profile", pair.secondaryName, "-dbPath", store.toString());
        assertThat(second.exitCode()).as(second.output()).isNotZero();
        assertThat(second.output()).contains("different lock files", "FMQGroup.LockFile").doesNotContain("\tat ");
        assertThat(pair.state(pair.primaryName)).isEqualTo("ACTIVE");
    }

    @Test
    void aMissingOrWrongDbPathIsRefusedWithOneSentence() throws Exception {
        HaPair pair = HaPair.shared(fmq, store, Map.of());
        Installation.Result missing = fmq.run("fmq.sh", "-profile", pair.primaryName, "-dbPath", dir.resolve("not-mounted").toString());
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.output()).contains("does not exist", "Mount the shared storage").doesNotContain("\tat ");
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        Installation.Result notFolder = fmq.run("fmq.sh", "-profile", pair.primaryName, "-dbPath", file.toString());
        assertThat(notFolder.exitCode()).isNotZero();
        assertThat(notFolder.output()).contains("is not a folder");
        Installation.Result none = fmq.run("fmq.sh", "-profile", pair.primaryName);
        assertThat(none.exitCode()).isNotZero();
        assertThat(none.output()).contains("-dbPath");
        assertThat(Installation.listening(pair.client(pair.primaryName))).isFalse();
    }

    /**
     * The stale writer: the active is frozen (SIGSTOP) under durable load, and while it is frozen its lock is taken
     * from it (the lock file is replaced by a copy, as a lock lease that lapses at the file server would leave it).
     * The passive takes over, fences the store and serves. Then the frozen server resumes with client work in hand:
     * it must confirm nothing, step down, and leave a store that holds every message sent exactly once; a server
     * started on the store afterwards finds nothing the stale writer wrote.
     */
    @Test
    void aFrozenActiveWhoseLockIsTakenConfirmsNothingWhenItResumesAndTheStoreKeepsEveryMessageOnce() throws Exception {
        HaPair pair = HaPair.shared(fmq, store, Map.of());
        String active = pair.startPair();
        String passive = HaPair.other(active);
        long frozen = fmq.serverPid(active);
        int total = 400;
        AtomicInteger sent = new AtomicInteger();
        AtomicReference<Throwable> producerFailure = new AtomicReference<>();
        Map<Integer, AtomicInteger> received = new ConcurrentHashMap<>();
        FmqConnectionFactory pf = durable(pair, "stale-producer");
        pf.setHeartbeatMillis(1000);
        Thread producerThread;
        try (Connection producerConnection = pf.createConnection()) {
            Session ps = producerConnection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = ps.createProducer(ps.createQueue("shared.stale"));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            producerThread = new Thread(() -> {
                try {
                    for (int i = 0; i < total; i++) {
                        Message m = ps.createTextMessage("m" + i);
                        m.setIntProperty("n", i);
                        producer.send(m);
                        sent.incrementAndGet();
                    }
                } catch (Throwable e) {
                    producerFailure.set(e);
                }
            }, "stale-producer");
            producerThread.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> sent.get() >= total / 4 || producerFailure.get() != null);
            // a plain (not durable) client of the old active, whose send reaches it while it is frozen
            Connection plain = new FmqConnectionFactory("fmq://localhost:" + pair.client(active)).createConnection("admin", "passwd");
            Session plainSession = plain.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer plainProducer = plainSession.createProducer(plainSession.createQueue("shared.stale"));
            plainProducer.setDeliveryMode(DeliveryMode.PERSISTENT);
            AtomicReference<Object> plainOutcome = new AtomicReference<>();
            Thread plainThread = new Thread(() -> {
                try {
                    Message m = plainSession.createTextMessage("to the frozen server");
                    m.setIntProperty("n", -1);
                    plainProducer.send(m);
                    plainOutcome.set("confirmed");
                } catch (Throwable e) {
                    plainOutcome.set(e);
                }
            }, "plain-producer");
            signal("STOP", frozen);
            plainThread.start();
            try {
                Path lockFile = fmq.profile("FioranoMQ_HA_shared").resolve("lock.dat");
                Path copy = lockFile.resolveSibling("lock.dat.copy");
                Files.copy(lockFile, copy);
                Files.move(copy, lockFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                pair.awaitState(passive, "ACTIVE");
            } finally {
                signal("CONT", frozen);
            }
            pair.awaitState(active, "PASSIVE");
            plainThread.join(Duration.ofSeconds(60).toMillis());
            assertThat(plainOutcome.get()).as("a send the frozen server took in: never confirmed").isInstanceOf(JMSException.class);
            try {
                plain.close();
            } catch (JMSException e) {
                // the old active dropped it
            }
            producerThread.join(Duration.ofSeconds(120).toMillis());
            assertThat(producerThread.isAlive()).as("the producer finished").isFalse();
            // the producer's connection stays open until everything is consumed: what it still holds in its outbox
            // is sent on from there
            try (Connection c = new FmqConnectionFactory("fmq://localhost:" + pair.client(passive)).createConnection("admin", "passwd")) {
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                s.createConsumer(s.createQueue("shared.stale")).setMessageListener(m -> {
                    try {
                        received.computeIfAbsent(m.getIntProperty("n"), k -> new AtomicInteger()).incrementAndGet();
                    } catch (JMSException e) {
                        throw new IllegalStateException(e);
                    }
                });
                c.start();
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> received.size() == total);
            }
        }
        assertThat(producerFailure.get()).as("what the producer's application saw").isNull();
        assertThat(sent.get()).isEqualTo(total);
        assertThat(received).as("every message sent, and nothing the frozen server was sent").hasSize(total).doesNotContainKey(-1);
        assertThat(received.values().stream().filter(c -> c.get() > 1).count()).as("delivered twice").isZero();
        String staleLog = Files.readString(fmq.profile(active).resolve("logs/fmq.log"));
        System.out.println("stale writer: " + count(staleLog, "taken over by a server of epoch") + " writes refused by the fence, "
                + count(staleLog, "cannot prove it still holds the HA lock") + " by its serving lease");

        // a server that opens the store next finds nothing the stale writer wrote: no message comes back
        assertThat(fmq.run("shutdown-fmq.sh", "-rmiPort", Integer.toString(pair.rmi(passive))).exitCode()).isZero();
        pair.awaitState(active, "ACTIVE");
        Map<Integer, AtomicInteger> again = new ConcurrentHashMap<>();
        drain(pair.client(active), "shared.stale", again);
        assertThat(again).as("messages read back after everything was consumed").isEmpty();
    }

    /** The README's path through a shared pair: the HA failover demo carries on through a kill -9 of the active. */
    @Test
    void theFailoverDemoSampleCarriesOnThroughAKillOfTheActiveWithNothingLostOrDuplicated() throws Exception {
        HaPair pair = HaPair.shared(fmq, store, Map.of());
        String active = pair.startPair();
        pair.failoverDemoThroughKill(active, dir.resolve("demo.out"));
        assertThat(pair.state(HaPair.other(active))).isEqualTo("ACTIVE");
    }

    private static int count(String text, String what) {
        return text.split(java.util.regex.Pattern.quote(what), -1).length - 1;
    }

    private static void drain(int port, String queue, Map<Integer, AtomicInteger> into) throws JMSException {
        try (Connection c = new FmqConnectionFactory("fmq://localhost:" + port).createConnection("admin", "passwd")) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue(queue));
            int bound = 100_000;
            for (Message m = consumer.receive(5_000); m != null && bound-- > 0; m = consumer.receive(2_000)) {
                into.computeIfAbsent(m.getIntProperty("n"), k -> new AtomicInteger()).incrementAndGet();
            }
        }
    }

    private static void signal(String name, long pid) throws Exception {
        Process p = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
        assertThat(p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("kill -" + name + " " + pid).isZero();
    }
}
