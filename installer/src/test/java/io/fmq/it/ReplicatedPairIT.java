package io.fmq.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fmq.client.FmqConnectionFactory;
import io.fmq.profile.ConfigKey;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A replicated HA pair of server processes on loopback: forming, failover, resync, refusals, lock loss, switchover. */
class ReplicatedPairIT {
    @TempDir
    Path dir;

    Installation fmq;

    @BeforeEach
    void copy() throws Exception {
        fmq = Installation.copy(dir);
    }

    @AfterEach
    void kill() throws Exception {
        fmq.killServers();
    }

    private Connection connect(HaPair pair, String profile) throws JMSException {
        return new FmqConnectionFactory("fmq://localhost:" + pair.client(profile)).createConnection("admin", "passwd");
    }

    /** Sends persistent messages "0", "1", ... until told to stop or the server goes; returns those whose send returned. */
    private static List<String> sendUntilFailure(Connection c, String queue, int max, AtomicBoolean stop) {
        List<String> confirmed = new ArrayList<>();
        try {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = s.createProducer(s.createQueue(queue));
            for (int i = 0; i < max && !stop.get(); i++) {
                p.send(s.createTextMessage(Integer.toString(i)));
                confirmed.add(Integer.toString(i));
            }
        } catch (JMSException e) {
            // the server went away under the producer: what was confirmed before counts
        }
        return confirmed;
    }

    private static List<String> receiveAll(Connection c, String queue) throws JMSException {
        c.start();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = s.createConsumer(s.createQueue(queue));
        List<String> got = new ArrayList<>();
        for (Message m = consumer.receive(5_000); m != null && got.size() < 1_000_000; m = consumer.receive(2_000)) {
            got.add(((TextMessage) m).getText());
        }
        return got;
    }

    @Test
    void thePairFormsWhicheverServerStartsFirst() throws Exception {
        HaPair pair = new HaPair(fmq);
        pair.start(HaPair.SECONDARY);
        pair.start(HaPair.PRIMARY);
        String active = pair.awaitActivePassive();
        assertThat(pair.attribute(active, "LockHeld")).isEqualTo("true");
        assertThat(pair.attribute(HaPair.other(active), "LockHeld")).isEqualTo("false");
        assertThat(pair.console(active)).contains("Successfully acquired lock on :: ")
                .contains((active.equals(HaPair.PRIMARY) ? "Primary" : "Secondary") + " Server switched to ACTIVE");
        assertThat(pair.console(HaPair.other(active))).contains("New status of remote server = ACTIVE");
        assertThat(Installation.listening(pair.client(active))).isTrue();
        assertThat(Installation.listening(pair.client(HaPair.other(active)))).as("a passive server accepts no clients").isFalse();
        Installation.Result viaManager = fmq.run("fmq-admin.sh", "get", "-rmiPort", Integer.toString(pair.rmi(active)),
                "HA/HAManager/FioranoHAManager", "State", "RemoteState", "PingInterval");
        assertThat(viaManager.output()).as(viaManager.toString()).contains("State = ACTIVE", "RemoteState = PASSIVE",
                "PingInterval = 1000");

        assertThat(fmq.run("shutdown-fmq.sh", "-rmiPort", Integer.toString(pair.rmi(HaPair.PRIMARY))).exitCode()).isZero();
        assertThat(fmq.run("shutdown-fmq.sh", "-rmiPort", Integer.toString(pair.rmi(HaPair.SECONDARY))).exitCode()).isZero();
        pair.start(HaPair.PRIMARY);
        pair.start(HaPair.SECONDARY);
        pair.awaitActivePassive();
    }

    @Test
    void killingTheActiveUnderLoadLosesNoConfirmedMessageAndTheRestartedServerResyncsAsPassive() throws Exception {
        HaPair pair = new HaPair(fmq);
        String active = pair.startPair();
        String passive = HaPair.other(active);

        AtomicBoolean stop = new AtomicBoolean();
        List<String> confirmed = new ArrayList<>();
        Thread producer;
        try (Connection c = connect(pair, active)) {
            producer = new Thread(() -> confirmed.addAll(sendUntilFailure(c, "orders", 200_000, stop)));
            producer.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> Long.parseLong(pair.attribute(active, "LastSequence")) > 500);
            pair.kill9(active);
            producer.join(60_000);
        }
        assertThat(producer.isAlive()).isFalse();
        assertThat(confirmed).hasSizeGreaterThan(100);

        pair.awaitState(passive, "STANDALONE");
        assertThat(pair.console(passive)).contains("New status of remote server = DEAD");
        List<String> received;
        try (Connection c = connect(pair, passive)) {
            received = receiveAll(c, "orders");
        }
        assertThat(new HashSet<>(received)).as("every confirmed message survived the failover").containsAll(confirmed);
        assertThat(received).as("no message twice").doesNotHaveDuplicates();

        pair.start(active);
        pair.awaitState(active, "PASSIVE");
        pair.awaitState(passive, "ACTIVE");
        pair.awaitIdenticalStores();
    }

    @Test
    void aPagedBacklogIsInThePassivesStoreAndArrivesInOrderFromTheNewActiveAfterAKill() throws Exception {
        HaPair pair = new HaPair(fmq, Map.of(ConfigKey.MEMORY_LIMIT_MB, "1")); // pages from 0.5 MB held
        String active = pair.startPair();
        String passive = HaPair.other(active);
        int total = 2_000; // 20 MB of persistent bodies, no consumer
        try (Connection c = connect(pair, active)) {
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer p = s.createProducer(s.createQueue("paged"));
            for (int i = 0; i < total; i++) {
                var m = s.createBytesMessage();
                m.writeBytes(new byte[10 * 1024]);
                m.setIntProperty("n", i);
                p.send(m);
                if (i % 100 == 99) {
                    s.commit();
                }
            }
            s.commit();
        }
        assertThat(Long.parseLong(pair.attribute(active, "MemoryUsedBytes", io.fmq.management.ObjectNames.BROKER)))
                .as("the backlog waits in the store").isLessThan(1024 * 1024);
        pair.awaitIdenticalStores();

        pair.kill9(active);
        pair.awaitState(passive, "STANDALONE");
        try (Connection c = connect(pair, passive)) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer consumer = s.createConsumer(s.createQueue("paged"));
            for (int i = 0; i < total; i++) {
                Message m = consumer.receive(30_000);
                assertThat(m).as("message " + i).isNotNull();
                assertThat(m.getIntProperty("n")).as("in order").isEqualTo(i);
                if (i % 100 == 99) {
                    s.commit();
                }
            }
            s.commit();
        }
    }

    @Test
    void settingsThatDifferBetweenThePeersStopTheServerWithEachDifference() throws Exception {
        HaPair pair = new HaPair(fmq);
        fmq.configure(HaPair.SECONDARY, Map.of(ConfigKey.PING_INTERVAL, "2000", ConfigKey.ACTIVE_LOCK_REACQUISITION_INTERVAL, "2000",
                ConfigKey.PASSIVE_LOCK_ACQUISITION_INTERVAL, "4000"));
        pair.start(HaPair.PRIMARY);
        pair.start(HaPair.SECONDARY);
        await().atMost(Duration.ofSeconds(60)).until(() -> fmq.serverPid(HaPair.SECONDARY) <= 0
                || !ProcessHandle.of(fmq.serverPid(HaPair.SECONDARY)).map(ProcessHandle::isAlive).orElse(false));
        String console = pair.console(HaPair.SECONDARY) + pair.console(HaPair.PRIMARY);
        assertThat(console).contains("FMQGroup.PingInterval").contains("1000").contains("2000")
                .contains("ActiveLockReAcquisitionInterval").contains("PassiveLockAcquisitionInterval");
        assertThat(console).doesNotContain("switched to ACTIVE");
    }

    @Test
    void whenBothWaitTheServerWithTheNewerStoreBecomesActive() throws Exception {
        HaPair pair = new HaPair(fmq);
        // the secondary serves alone and takes messages
        pair.start(HaPair.SECONDARY);
        pair.awaitState(HaPair.SECONDARY, "STANDALONE");
        try (Connection c = connect(pair, HaPair.SECONDARY)) {
            assertThat(sendUntilFailure(c, "kept", 50, new AtomicBoolean())).hasSize(50);
        }
        assertThat(fmq.run("shutdown-fmq.sh", "-rmiPort", Integer.toString(pair.rmi(HaPair.SECONDARY))).exitCode()).isZero();

        // the primary, with an older store, starts first: it must not serve on its own
        pair.start(HaPair.PRIMARY);
        // for two passive-lock intervals it must keep waiting, never serving
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
                .until(() -> pair.state(HaPair.PRIMARY).equals("WAITING") && !Installation.listening(pair.client(HaPair.PRIMARY)));

        pair.start(HaPair.SECONDARY);
        pair.awaitState(HaPair.SECONDARY, "ACTIVE");
        pair.awaitState(HaPair.PRIMARY, "PASSIVE");
        pair.awaitIdenticalStores();
        try (Connection c = connect(pair, HaPair.SECONDARY)) {
            assertThat(receiveAll(c, "kept")).hasSize(50);
        }
    }

    @Test
    void anActiveThatCannotProveItHoldsTheLockStopsServing() throws Exception {
        HaPair pair = new HaPair(fmq);
        String active = pair.startPair();
        Path lockFile = fmq.profile("FioranoMQ_HA_rpl").resolve("lock.dat");
        Files.delete(lockFile); // the active's next check finds another file (or none) under the lock's path

        // the second WAITING line of its console (the first one is from its start)
        String waiting = (active.equals(HaPair.PRIMARY) ? "Primary" : "Secondary") + " Server switched to WAITING";
        await().atMost(Duration.ofSeconds(30)).until(() -> pair.console(active).split(waiting, -1).length > 2);
        // the pair recovers on its own: one serves, the other follows, with the same store
        pair.awaitActivePassive();
        pair.awaitIdenticalStores();
    }

    @Test
    void theFailoverDemoSampleCarriesOnThroughAKillOfTheActiveWithNothingLostOrDuplicated() throws Exception {
        HaPair pair = new HaPair(fmq);
        String active = pair.startPair();
        pair.failoverDemoThroughKill(active, dir.resolve("demo.out"));
    }

    @Test
    void switchoverHandsTheActiveRoleToThePassiveWithoutLosingAMessage() throws Exception {
        HaPair pair = new HaPair(fmq);
        String active = pair.startPair();
        String passive = HaPair.other(active);
        try (Connection c = connect(pair, active)) {
            assertThat(sendUntilFailure(c, "moved", 100, new AtomicBoolean())).hasSize(100);
        }
        assertThat(pair.invoke(active, "switchover")).startsWith("Switchover done");
        pair.awaitState(passive, "ACTIVE");
        pair.awaitState(active, "PASSIVE");
        pair.awaitIdenticalStores();
        Set<String> got;
        try (Connection c = connect(pair, passive)) {
            got = new HashSet<>(receiveAll(c, "moved"));
        }
        assertThat(got).hasSize(100);
        assertThat(pair.invoke(passive, "switchover")).startsWith("Switchover done");
        pair.awaitState(active, "ACTIVE");
    }
}
