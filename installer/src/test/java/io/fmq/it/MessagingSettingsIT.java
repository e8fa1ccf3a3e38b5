package io.fmq.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fmq.client.FmqConnectionFactory;
import io.fmq.profile.ConfigKey;
import jakarta.jms.CompletionListener;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The messaging keys of Config.cfg (MaxDeliveryAttempts, AutoCreateDestinations, MemoryLimitMB) on a server process. */
class MessagingSettingsIT {
    private static final int MEMORY_LIMIT_MB = 1;
    private static final int BODY_BYTES = 10 * 1024;

    @TempDir
    static Path dir;

    static Installation fmq;
    static int clientPort;
    static int rmiPort;

    @BeforeAll
    static void start() throws Exception {
        fmq = Installation.copy(dir);
        int[] ports = fmq.useFreePorts("FioranoMQ");
        clientPort = ports[0];
        rmiPort = ports[1];
        fmq.configure("FioranoMQ", Map.of(ConfigKey.MAX_DELIVERY_ATTEMPTS, "3", ConfigKey.AUTO_CREATE_DESTINATIONS, "false",
                ConfigKey.MEMORY_LIMIT_MB, Integer.toString(MEMORY_LIMIT_MB)));
        assertThat(fmq.run("fmq.sh", "-profile", "FioranoMQ").exitCode()).isZero();
    }

    @AfterAll
    static void stop() throws Exception {
        fmq.killServers();
    }

    static Connection connect() throws Exception {
        return new FmqConnectionFactory("fmq://localhost:" + clientPort).createConnection("admin", "passwd");
    }

    static void createQueue(String name) {
        assertThat(fmq.run("fmq-admin.sh", "invoke", "-rmiPort", Integer.toString(rmiPort), "fmq:type=Broker", "createQueue", name)
                .exitCode()).isZero();
    }

    static long brokerAttribute(String name) {
        Installation.Result r = fmq.run("fmq-admin.sh", "get", "-rmiPort", Integer.toString(rmiPort), "fmq:type=Broker", name);
        assertThat(r.exitCode()).as(r.output()).isZero();
        return Long.parseLong(r.output().trim());
    }

    @Test
    void anUnknownQueueIsRefusedUntilAnAdministratorCreatesIt() throws Exception {
        try (Connection c = connect()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue("not-created-yet");
            assertThatThrownBy(() -> s.createProducer(q).send(s.createTextMessage("x")))
                    .isInstanceOf(InvalidDestinationException.class)
                    .hasMessageContaining("not-created-yet").hasMessageContaining("administrator");
            createQueue("not-created-yet");
            s.createProducer(q).send(s.createTextMessage("now it exists"));
            c.start();
            assertThat(s.createConsumer(q).receive(10_000)).isNotNull();
        }
    }

    @Test
    void aMessageMovesToTheDeadLetterQueueAfterTheConfiguredAttempts() throws Exception {
        createQueue("poison-3");
        createQueue("DLQ");
        try (Connection c = connect()) {
            c.start();
            Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            Queue q = s.createQueue("poison-3");
            s.createProducer(q).send(s.createTextMessage("fails three times"));
            MessageConsumer consumer = s.createConsumer(q);
            for (int attempt = 1; attempt <= 3; attempt++) {
                Message m = consumer.receive(10_000);
                assertThat(m).as("attempt " + attempt).isNotNull();
                s.recover();
            }
            assertThat(consumer.receive(300)).isNull();
            Message dead = s.createConsumer(s.createQueue("DLQ")).receive(10_000);
            assertThat(dead).isNotNull();
            assertThat(((jakarta.jms.TextMessage) dead).getText()).isEqualTo("fails three times");
            dead.acknowledge();
        }
        assertThat(brokerAttribute("MaxDeliveryAttempts")).isEqualTo(3);
    }

    @Test
    void aProducerWaitsWhileTheBrokerHoldsMoreThanItsMemoryLimitAndGoesOnWhenConsumersCatchUp() throws Exception {
        createQueue("backlog");
        assertThat(brokerAttribute("MemoryLimitBytes")).isEqualTo(MEMORY_LIMIT_MB * 1024L * 1024L);
        int total = 3000; // 30 MB of bodies against a 1 MB limit
        AtomicInteger confirmed = new AtomicInteger();
        AtomicInteger returned = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (Connection producing = connect(); Connection consuming = connect()) {
            Session ps = producing.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = ps.createProducer(ps.createQueue("backlog"));
            producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
            CompletionListener counter = new CompletionListener() {
                public void onCompletion(Message message) {
                    confirmed.incrementAndGet();
                }

                public void onException(Message message, Exception exception) {
                    failure.set(exception);
                }
            };
            Thread sender = new Thread(() -> {
                try {
                    for (int i = 0; i < total; i++) {
                        var m = ps.createBytesMessage();
                        m.writeBytes(new byte[BODY_BYTES]);
                        producer.send(m, counter);
                        returned.incrementAndGet();
                    }
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                }
            }, "backlog-producer");
            sender.start();

            // the producer fills its window of unconfirmed sends (512) and stops, because the server holds the confirmations back
            await().atMost(Duration.ofSeconds(60)).until(() -> returned.get() >= 500
                    && (sender.getState() == Thread.State.TIMED_WAITING || sender.getState() == Thread.State.WAITING));
            assertThat(failure.get()).isNull();
            assertThat(returned.get()).isLessThan(total);
            assertThat(confirmed.get()).as("confirmed sends while over the limit").isLessThan(300);
            long held = brokerAttribute("MemoryUsedBytes");
            assertThat(held).isGreaterThan(MEMORY_LIMIT_MB * 1024L * 1024L).isLessThan(2000L * (BODY_BYTES + 200));

            consuming.start();
            Session cs = consuming.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = cs.createConsumer(cs.createQueue("backlog"));
            for (int i = 0; i < total; i++) {
                assertThat(consumer.receive(30_000)).as("message " + i).isNotNull();
            }
            sender.join(30_000);
            assertThat(returned.get()).isEqualTo(total);
            await().atMost(Duration.ofSeconds(30)).until(() -> confirmed.get() == total);
            assertThat(failure.get()).isNull();
        }
    }

    @Test
    void persistentMessagesBeyondTheMemoryLimitArePagedToTheStoreWithoutHoldingTheProducerBackAndArriveInOrder() throws Exception {
        createQueue("paged");
        int total = 3000; // 30 MB of persistent bodies against a 1 MB limit, no consumer
        try (Connection producing = connect(); Connection consuming = connect()) {
            Session ps = producing.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = ps.createProducer(ps.createQueue("paged"));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            AtomicInteger confirmed = new AtomicInteger();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            CompletionListener counter = new CompletionListener() {
                public void onCompletion(Message message) {
                    confirmed.incrementAndGet();
                }

                public void onException(Message message, Exception exception) {
                    failure.set(exception);
                }
            };
            for (int i = 0; i < total; i++) {
                var m = ps.createBytesMessage();
                m.writeBytes(new byte[BODY_BYTES]);
                m.setIntProperty("n", i);
                producer.send(m, counter);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> confirmed.get() == total || failure.get() != null);
            assertThat(failure.get()).isNull();
            assertThat(brokerAttribute("MemoryUsedBytes")).as("the backlog waits in the store").isLessThan(MEMORY_LIMIT_MB * 1024L * 1024L);

            consuming.start();
            Session cs = consuming.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = cs.createConsumer(cs.createQueue("paged"));
            for (int i = 0; i < total; i++) {
                Message m = consumer.receive(30_000);
                assertThat(m).as("message " + i).isNotNull();
                assertThat(m.getIntProperty("n")).isEqualTo(i);
            }
            assertThat(brokerAttribute("MemoryUsedBytes")).isLessThan(MEMORY_LIMIT_MB * 1024L * 1024L);
        }
    }
}
