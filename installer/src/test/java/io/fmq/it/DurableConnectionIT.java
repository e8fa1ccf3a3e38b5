package io.fmq.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fmq.client.ConnectionEventListener;
import io.fmq.client.FmqConnection;
import io.fmq.client.FmqConnectionFactory;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durable connections against a replicated HA pair in separate processes: the active server is killed (-9) while a
 * producer and a consumer are working, and no message is lost or delivered twice; messages sent while no server is
 * up wait in the client's outbox; the ExceptionListener hears only when the reconnect timeout runs out.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DurableConnectionIT {
    static final String PRIMARY = HaPair.PRIMARY;
    static final String SECONDARY = HaPair.SECONDARY;

    @TempDir
    static Path dir;

    static Installation fmq;
    static HaPair pair;
    /** {client, rmi, ha} ports. */
    static int[] primary;
    static int[] secondary;

    @BeforeAll
    static void setUp() throws Exception {
        fmq = Installation.copy(dir);
        pair = new HaPair(fmq);
        primary = pair.primary;
        secondary = pair.secondary;
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (fmq != null) {
            fmq.killServers();
        }
    }

    static void start(String profile) {
        pair.start(profile);
    }

    static String log(String profile) {
        try {
            return pair.console(profile);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    static void kill9(String profile) {
        pair.kill9(profile);
    }

    static FmqConnectionFactory factory(String clientId) {
        FmqConnectionFactory f = new FmqConnectionFactory("fmq://localhost:" + primary[0]);
        f.setBackupURLs("fmq://localhost:" + secondary[0]);
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
    @Order(1)
    void killingTheActiveMidStreamLosesNothingAndDuplicatesNothing() throws Exception {
        start(PRIMARY);
        start(SECONDARY);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> log(PRIMARY).contains("Primary Server switched to ACTIVE") && log(SECONDARY).contains("switched to PASSIVE")
                        && Installation.listening(primary[0]));

        int total = 600;
        Map<Integer, AtomicInteger> received = new ConcurrentHashMap<>();
        AtomicInteger redelivered = new AtomicInteger();
        List<String> events = new CopyOnWriteArrayList<>();
        AtomicReference<JMSException> consumerFailure = new AtomicReference<>();
        try (Connection consumerConnection = factory("durable-consumer").createConnection();
             Connection producerConnection = factory("durable-producer").createConnection()) {
            ((FmqConnection) producerConnection).setConnectionEventListener(recorder("producer", events));
            ((FmqConnection) consumerConnection).setConnectionEventListener(recorder("consumer", events));
            consumerConnection.setExceptionListener(consumerFailure::set);
            Session cs = consumerConnection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue queue = cs.createQueue("durable.failover");
            MessageConsumer consumer = cs.createConsumer(queue);
            consumer.setMessageListener(m -> {
                try {
                    received.computeIfAbsent(m.getIntProperty("n"), k -> new AtomicInteger()).incrementAndGet();
                    if (m.getJMSRedelivered()) {
                        redelivered.incrementAndGet();
                    }
                } catch (JMSException e) {
                    throw new IllegalStateException(e);
                }
            });
            consumerConnection.start();

            Session ps = producerConnection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = ps.createProducer(queue);
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            for (int n = 1; n <= total; n++) {
                Message m = ps.createTextMessage("message " + n);
                m.setIntProperty("n", n);
                producer.send(m); // must not throw across the failover
                if (n == total / 3) {
                    kill9(PRIMARY);
                }
            }
            assertThat(events).as("the producer noticed the failover").anyMatch(e -> e.startsWith("producer disconnected"));
            try {
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                        .until(() -> received.size() == total);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError(received.size() + " of " + total + " received; consoles:\n" + pair.consoles(), e);
            }
            // no late duplicate may arrive: the count stays exact for a while
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> received.size() == total
                    && received.values().stream().allMatch(c -> c.get() == 1));
            assertThat(received).hasSize(total);
            assertThat(received.entrySet()).as("each message exactly once")
                    .allSatisfy(e -> assertThat(e.getValue().get()).as("message %d", e.getKey()).isEqualTo(1));
            assertThat(consumerFailure.get()).isNull();
            assertThat(events).anyMatch(e -> e.startsWith("producer failedOver"));
            assertThat(((FmqConnection) producerConnection).outboxCounts()).containsExactly(0, 0);
            System.out.println("durable failover: " + total + " messages, " + redelivered.get() + " marked redelivered, events " + events);
        }
    }

    private static ConnectionEventListener recorder(String who, List<String> events) {
        return new ConnectionEventListener() {
            @Override
            public void disconnected(String server, Exception cause) {
                events.add(who + " disconnected " + server);
            }

            @Override
            public void reconnected(String server) {
                events.add(who + " reconnected " + server);
            }

            @Override
            public void failedOver(String fromServer, String toServer) {
                events.add(who + " failedOver " + fromServer + " -> " + toServer);
            }
        };
    }

    @Test
    @Order(2)
    void messagesSentWhileNoServerIsUpAreDeliveredWhenOneComesBack() throws Exception {
        // after test 1 the secondary is the only server (STANDALONE)
        await().atMost(Duration.ofSeconds(60)).until(() -> Installation.listening(secondary[0]));
        int total = 50;
        try (Connection producerConnection = factory("offline-producer").createConnection()) {
            Session ps = producerConnection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue queue = ps.createQueue("durable.offline");
            MessageProducer producer = ps.createProducer(queue);
            kill9(SECONDARY);
            await().atMost(Duration.ofSeconds(20)).until(() -> !((FmqConnection) producerConnection).isOnline());
            for (int n = 1; n <= total; n++) {
                Message m = ps.createTextMessage("offline " + n);
                m.setIntProperty("n", n);
                producer.send(m);
            }
            Message np = ps.createTextMessage("non-persistent");
            np.setIntProperty("n", 0);
            producer.send(np, DeliveryMode.NON_PERSISTENT, 4, 0);
            assertThat(((FmqConnection) producerConnection).outboxCounts()).containsExactly(total, 1);

            start(SECONDARY);
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(() -> ((FmqConnection) producerConnection).isOnline());
            assertThat(((FmqConnection) producerConnection).outboxCounts()).containsExactly(0, 0);
        }
        FmqConnectionFactory plain = new FmqConnectionFactory("fmq://localhost:" + secondary[0]);
        plain.setUser("admin");
        plain.setPassword("passwd");
        try (Connection c = plain.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue("durable.offline"));
            c.start();
            Map<Integer, Integer> got = new HashMap<>();
            for (int i = 0; i < total + 5; i++) {
                Message m = consumer.receive(got.size() > total ? 500 : 10_000);
                if (m == null) {
                    break;
                }
                got.merge(m.getIntProperty("n"), 1, Integer::sum);
            }
            assertThat(got).hasSize(total + 1).allSatisfy((n, count) -> assertThat(count).isEqualTo(1));
        }
    }

    @Test
    @Order(3)
    void theExceptionListenerHearsOnlyWhenTheReconnectTimeoutRunsOut() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> Installation.listening(secondary[0]));
        FmqConnectionFactory f = factory("timeout-client");
        Duration timeout = Duration.ofSeconds(4);
        f.setReconnectTimeout(timeout);
        AtomicLong firedAt = new AtomicLong();
        AtomicBoolean disconnected = new AtomicBoolean();
        try (Connection c = f.createConnection()) {
            c.setExceptionListener(e -> firedAt.set(System.nanoTime()));
            ((FmqConnection) c).setConnectionEventListener(new ConnectionEventListener() {
                @Override
                public void disconnected(String server, Exception cause) {
                    disconnected.set(true);
                }
            });
            c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            long killedAt = System.nanoTime();
            kill9(SECONDARY);
            await().atMost(Duration.ofSeconds(20)).untilTrue(disconnected);
            assertThat(firedAt.get()).as("not told of the loss itself").isZero();
            await().atMost(Duration.ofSeconds(30)).until(() -> firedAt.get() != 0);
            // told only once the reconnect timeout (measured from the loss, which follows the kill) has run out
            assertThat(Duration.ofNanos(firedAt.get() - killedAt)).isGreaterThanOrEqualTo(timeout);
            assertThat(((FmqConnection) c).isOnline()).isFalse();
        }
    }
}
