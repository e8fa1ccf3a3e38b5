package io.fmq.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fmq.client.FmqConnectionFactory;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Priority, expiry, dead-letter queue, shared subscriptions, noLocal, browsers and delivery delay, against a server process. */
class MessagingSemanticsIT {
    @TempDir
    static Path dir;

    static Installation fmq;
    static int clientPort;

    @BeforeAll
    static void start() throws Exception {
        fmq = Installation.copy(dir);
        clientPort = fmq.useFreePorts("FioranoMQ")[0];
        assertThat(fmq.run("fmq.sh", "-profile", "FioranoMQ").exitCode()).isZero();
    }

    @AfterAll
    static void stop() throws Exception {
        fmq.killServers();
    }

    static Connection connect() throws Exception {
        FmqConnectionFactory f = new FmqConnectionFactory("fmq://localhost:" + clientPort);
        f.setPrefetch(1); // so that what waits on the server shows the server's ordering
        return f.createConnection("admin", "passwd");
    }

    static String text(Message m) throws Exception {
        return m == null ? null : ((TextMessage) m).getText();
    }

    @Test
    void higherPriorityMessagesAreDeliveredFirst() throws Exception {
        try (Connection c = connect()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue("priorities");
            MessageProducer p = s.createProducer(q);
            p.send(s.createTextMessage("low"), DeliveryMode.PERSISTENT, 1, 0);
            p.send(s.createTextMessage("high"), DeliveryMode.PERSISTENT, 9, 0);
            p.send(s.createTextMessage("normal"), DeliveryMode.PERSISTENT, 4, 0);
            c.start();
            MessageConsumer consumer = s.createConsumer(q);
            assertThat(List.of(text(consumer.receive(10_000)), text(consumer.receive(10_000)), text(consumer.receive(10_000))))
                    .containsExactly("high", "normal", "low");
        }
    }

    @Test
    void expiredMessagesAreNotDeliveredAndAreCounted() throws Exception {
        try (Connection c = connect()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue("expiring");
            MessageProducer p = s.createProducer(q);
            p.send(s.createTextMessage("short-lived"), DeliveryMode.PERSISTENT, 4, 200);
            p.send(s.createTextMessage("kept"), DeliveryMode.PERSISTENT, 4, 0);
            long sent = System.currentTimeMillis();
            await().pollDelay(Duration.ofMillis(400)).atMost(Duration.ofSeconds(10))
                    .until(() -> System.currentTimeMillis() - sent >= 400); // the time to live runs out
            c.start();
            MessageConsumer consumer = s.createConsumer(q);
            assertThat(text(consumer.receive(10_000))).isEqualTo("kept");
            assertThat(consumer.receive(300)).isNull();
        }
        Installation.Result expired = fmq.run("fmq-admin.sh", "get", "-rmiPort", Integer.toString(rmiPort()),
                "fmq:type=Destination,kind=queue,name=expiring", "Expired");
        assertThat(expired.output().trim()).isEqualTo("1");
    }

    static int rmiPort() throws Exception {
        String cfg = java.nio.file.Files.readString(fmq.profile("FioranoMQ").resolve("conf/Config.cfg"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^RMIServerPort=(\\d+)").matcher(cfg);
        m.find();
        return Integer.parseInt(m.group(1));
    }

    @Test
    void aMessageThatKeepsFailingMovesToTheDeadLetterQueue() throws Exception {
        try (Connection c = connect()) {
            c.start();
            Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            Queue q = s.createQueue("poison");
            s.createProducer(q).send(s.createTextMessage("poison pill"));
            MessageConsumer consumer = s.createConsumer(q);
            for (int attempt = 1; attempt <= 10; attempt++) {
                Message m = consumer.receive(10_000);
                assertThat(m).as("attempt " + attempt).isNotNull();
                assertThat(m.getIntProperty("JMSXDeliveryCount")).isEqualTo(attempt);
                s.recover();
            }
            assertThat(consumer.receive(500)).isNull();
            MessageConsumer dlq = s.createConsumer(s.createQueue("DLQ"));
            Message dead = dlq.receive(10_000);
            assertThat(text(dead)).isEqualTo("poison pill");
            dead.acknowledge();
        }
    }

    @Test
    void sharedSubscriptionSplitsMessagesAndNoLocalSkipsOwnMessages() throws Exception {
        try (Connection c = connect(); Connection other = connect()) {
            c.start();
            other.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Session o = other.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Topic t = s.createTopic("shared-news");
            MessageConsumer a = s.createSharedConsumer(t, "workers");
            MessageConsumer b = o.createSharedConsumer(t, "workers");
            MessageConsumer notMine = s.createConsumer(t, null, true);
            MessageProducer p = s.createProducer(t);
            for (int i = 0; i < 10; i++) {
                p.send(s.createTextMessage("n" + i));
            }
            o.createProducer(t).send(o.createTextMessage("from other"));
            List<String> got = Collections.synchronizedList(new ArrayList<>());
            Message m;
            while ((m = a.receive(1000)) != null) {
                got.add(text(m));
            }
            while ((m = b.receive(1000)) != null) {
                got.add(text(m));
            }
            assertThat(got).hasSize(11).contains("n0", "n9", "from other");
            assertThat(text(notMine.receive(10_000))).isEqualTo("from other");
            assertThat(notMine.receive(300)).isNull();
        }
    }

    @Test
    void browserSeesWaitingMessagesWithoutTakingThem() throws Exception {
        try (Connection c = connect()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue("browsed");
            MessageProducer p = s.createProducer(q);
            for (int i = 0; i < 3; i++) {
                Message m = s.createTextMessage("b" + i);
                m.setIntProperty("n", i);
                p.send(m);
            }
            QueueBrowser browser = s.createBrowser(q, "n >= 1");
            List<String> seen = new ArrayList<>();
            for (Object o : Collections.list(browser.getEnumeration())) {
                seen.add(text((Message) o));
            }
            assertThat(seen).containsExactly("b1", "b2");
            c.start();
            MessageConsumer consumer = s.createConsumer(q);
            assertThat(text(consumer.receive(10_000))).isEqualTo("b0");
        }
    }

    @Test
    void deliveryDelayHoldsAMessageBack() throws Exception {
        try (Connection c = connect()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue("delayed");
            MessageProducer p = s.createProducer(q);
            p.setDeliveryDelay(1500);
            long sent = System.currentTimeMillis();
            p.send(s.createTextMessage("later"));
            MessageConsumer consumer = s.createConsumer(q);
            Message m = consumer.receive(15_000);
            assertThat(text(m)).isEqualTo("later");
            assertThat(System.currentTimeMillis() - sent).isGreaterThanOrEqualTo(1400);
        }
    }
}
