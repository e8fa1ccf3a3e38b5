package io.fmq.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fmq.client.FmqConnection;
import io.fmq.client.FmqConnectionFactory;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A durable-connection producer keeps its promise while the active server of a replicated pair is frozen (SIGSTOP)
 * and then resumed: no exception reaches the application, no send() blocks longer than the bound the heartbeat
 * gives (the client notices a silent server after two heartbeats and moves what it sends to its outbox), and every
 * message arrives exactly once.
 */
class FrozenActiveIT {
    /** The client's and the pair's heartbeat (ms): a silent server is noticed after two of them. */
    static final int HEARTBEAT = 1000;
    /** The longest a send may take: silence detection (2 heartbeats) plus a generous margin for a loaded machine. */
    static final Duration SEND_BOUND = Duration.ofMillis(2L * HEARTBEAT + 3000);

    @TempDir
    Path dir;

    Installation fmq;
    HaPair pair;
    long frozenPid = -1;

    @AfterEach
    void thawAndKill() throws Exception {
        if (frozenPid > 0) {
            signal("CONT", frozenPid);
        }
        if (fmq != null) {
            fmq.killServers();
        }
    }

    static void signal(String name, long pid) throws Exception {
        Process p = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("kill -" + name + " " + pid).isZero();
    }

    FmqConnectionFactory factory(String clientId) {
        FmqConnectionFactory f = new FmqConnectionFactory("fmq://localhost:" + pair.primary[0]);
        f.setBackupURLs("fmq://localhost:" + pair.secondary[0]);
        f.setDurableConnections(true);
        f.setUser("admin");
        f.setPassword("passwd");
        f.setClientID(clientId);
        f.setHeartbeatMillis(HEARTBEAT);
        f.setOutboxDirectory(dir.resolve("outbox").toString());
        f.setReconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));
        f.setReconnectTimeout(Duration.ofMinutes(2));
        return f;
    }

    @Test
    void aFrozenActiveCostsTheApplicationNoExceptionAndNoLongSend() throws Exception {
        fmq = Installation.copy(dir);
        pair = new HaPair(fmq);
        String active = pair.startPair();
        long pid = fmq.serverPid(active);

        int total = 4000; // 200 msgs/s for 20 s; the freeze starts after 4 s and lasts 10 s
        Map<Integer, AtomicInteger> received = new ConcurrentHashMap<>();
        AtomicReference<JMSException> consumerFailure = new AtomicReference<>();
        List<Throwable> sendFailures = new CopyOnWriteArrayList<>();
        long longestSendNanos = 0;
        try (Connection consumerConnection = factory("frozen-consumer").createConnection();
             Connection producerConnection = factory("frozen-producer").createConnection()) {
            consumerConnection.setExceptionListener(consumerFailure::set);
            Session cs = consumerConnection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue queue = cs.createQueue("frozen.active");
            cs.createConsumer(queue).setMessageListener(m -> {
                try {
                    received.computeIfAbsent(m.getIntProperty("n"), k -> new AtomicInteger()).incrementAndGet();
                } catch (JMSException e) {
                    throw new IllegalStateException(e);
                }
            });
            consumerConnection.start();

            Session ps = producerConnection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = ps.createProducer(queue);
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            long start = System.nanoTime();
            long thawAt = Long.MAX_VALUE;
            for (int n = 1; n <= total; n++) {
                long due = start + TimeUnit.MILLISECONDS.toNanos(n * 5L); // paced at 200 msgs/s
                while (System.nanoTime() < due) {
                    java.util.concurrent.locks.LockSupport.parkNanos(due - System.nanoTime());
                }
                if (n == 800) {
                    signal("STOP", pid);
                    frozenPid = pid;
                    thawAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                }
                if (frozenPid > 0 && System.nanoTime() >= thawAt) {
                    signal("CONT", pid);
                    frozenPid = -1;
                }
                Message m = ps.createTextMessage("message " + n);
                m.setIntProperty("n", n);
                long before = System.nanoTime();
                try {
                    producer.send(m);
                } catch (JMSException | RuntimeException e) {
                    sendFailures.add(e);
                }
                longestSendNanos = Math.max(longestSendNanos, System.nanoTime() - before);
            }
            if (frozenPid > 0) {
                signal("CONT", pid);
                frozenPid = -1;
            }
            try {
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> received.size() == total);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError(received.size() + " of " + total + " received; consoles:\n" + pair.consoles(), e);
            }
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                    .until(() -> received.values().stream().allMatch(c -> c.get() == 1));
            System.out.println("frozen active: longest send " + TimeUnit.NANOSECONDS.toMillis(longestSendNanos) + " ms, "
                    + total + " messages");
            assertThat(sendFailures).as("exceptions thrown by send()").isEmpty();
            assertThat(Duration.ofNanos(longestSendNanos)).as("the longest send()").isLessThan(SEND_BOUND);
            assertThat(received.entrySet()).as("each message exactly once")
                    .allSatisfy(e -> assertThat(e.getValue().get()).as("message %d", e.getKey()).isEqualTo(1));
            assertThat(consumerFailure.get()).isNull();
            assertThat(((FmqConnection) producerConnection).outboxCounts()).containsExactly(0, 0);
        }
    }
}
