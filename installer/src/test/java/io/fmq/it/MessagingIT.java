package io.fmq.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fmq.client.FmqConnectionFactory;
import io.fmq.protocol.Dest;
import io.fmq.protocol.Frame;
import io.fmq.protocol.FrameCodec;
import io.fmq.protocol.WireMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.StreamMessage;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** JMS through the client library against a server process: queues, topics, acknowledgement, transactions, restarts, crashes. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MessagingIT {
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
        startServer();
    }

    static void startServer() {
        Installation.Result r = fmq.run("fmq.sh", "-profile", "FioranoMQ");
        assertThat(r.exitCode()).as(r.toString()).isZero();
    }

    static void stopServer() {
        assertThat(fmq.run("shutdown-fmq.sh", "-rmiPort", Integer.toString(rmiPort)).exitCode()).isZero();
    }

    @AfterAll
    static void cleanUp() throws Exception {
        fmq.killServers();
    }

    static FmqConnectionFactory factory() {
        FmqConnectionFactory f = new FmqConnectionFactory("fmq://localhost:" + clientPort);
        f.setUser("admin");
        f.setPassword("passwd");
        return f;
    }

    @Test
    @Order(1)
    void everyBodyTypeAndPropertyArrivesIntact() throws Exception {
        try (Connection c = factory().createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue("bodies");
            MessageProducer p = s.createProducer(q);
            TextMessage text = s.createTextMessage("h\u00e9llo");
            text.setIntProperty("n", 7);
            text.setStringProperty("who", "me");
            p.send(text);
            BytesMessage bytes = s.createBytesMessage();
            bytes.writeInt(42);
            bytes.writeUTF("x");
            p.send(bytes);
            MapMessage map = s.createMapMessage();
            map.setLong("l", 5L);
            map.setString("s", "v");
            p.send(map);
            StreamMessage stream = s.createStreamMessage();
            stream.writeDouble(1.5);
            stream.writeString("t");
            p.send(stream);
            ObjectMessage object = s.createObjectMessage(new java.util.ArrayList<>(List.of("a", "b")));
            p.send(object);

            c.start();
            MessageConsumer consumer = s.createConsumer(q);
            TextMessage t = (TextMessage) consumer.receive(10_000);
            assertThat(t.getText()).isEqualTo("h\u00e9llo");
            assertThat(t.getIntProperty("n")).isEqualTo(7);
            assertThat(t.getLongProperty("n")).isEqualTo(7L);
            assertThat(t.getStringProperty("who")).isEqualTo("me");
            assertThat(t.getJMSMessageID()).startsWith("ID:");
            assertThat(t.getJMSDeliveryMode()).isEqualTo(DeliveryMode.PERSISTENT);
            BytesMessage b = (BytesMessage) consumer.receive(10_000);
            assertThat(b.readInt()).isEqualTo(42);
            assertThat(b.readUTF()).isEqualTo("x");
            MapMessage m = (MapMessage) consumer.receive(10_000);
            assertThat(m.getLong("l")).isEqualTo(5L);
            assertThat(m.getString("l")).isEqualTo("5");
            StreamMessage st = (StreamMessage) consumer.receive(10_000);
            assertThat(st.readDouble()).isEqualTo(1.5);
            assertThat(st.readString()).isEqualTo("t");
            ObjectMessage o = (ObjectMessage) consumer.receive(10_000);
            assertThat(o.getObject()).isEqualTo(List.of("a", "b"));
            assertThat(consumer.receiveNoWait()).isNull();
        }
    }

    @Test
    @Order(2)
    void competingConsumersShareAQueueAndEachMessageGoesToOne() throws Exception {
        try (Connection c = factory().createConnection()) {
            c.start();
            Session s1 = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Session s2 = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s1.createQueue("work");
            Set<String> seen = ConcurrentHashMap.newKeySet();
            CountDownLatch all = new CountDownLatch(200);
            int[] perConsumer = new int[2];
            s1.createConsumer(q).setMessageListener(m -> {
                perConsumer[0]++;
                seen.add(text(m));
                all.countDown();
            });
            s2.createConsumer(q).setMessageListener(m -> {
                perConsumer[1]++;
                seen.add(text(m));
                all.countDown();
            });
            Session ps = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = ps.createProducer(q);
            p.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
            for (int i = 0; i < 200; i++) {
                p.send(ps.createTextMessage("job-" + i));
            }
            assertThat(all.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(seen).hasSize(200);
            assertThat(perConsumer[0]).isPositive();
            assertThat(perConsumer[1]).isPositive();
        }
    }

    static String text(Message m) {
        try {
            return ((TextMessage) m).getText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @Order(3)
    void clientAcknowledgeAndRecoverRedeliverWithTheRedeliveredFlag() throws Exception {
        try (Connection c = factory().createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            Queue q = s.createQueue("acks");
            MessageProducer p = s.createProducer(q);
            p.send(s.createTextMessage("one"));
            p.send(s.createTextMessage("two"));
            MessageConsumer consumer = s.createConsumer(q);
            Message first = consumer.receive(10_000);
            assertThat(first.getJMSRedelivered()).isFalse();
            s.recover();
            Message again = consumer.receive(10_000);
            assertThat(text(again)).isEqualTo("one");
            assertThat(again.getJMSRedelivered()).isTrue();
            assertThat(again.getIntProperty("JMSXDeliveryCount")).isEqualTo(2);
            Message second = consumer.receive(10_000);
            assertThat(text(second)).isEqualTo("two");
            second.acknowledge();
            s.recover();
            assertThat(consumer.receive(500)).isNull();
        }
    }

    @Test
    @Order(4)
    void transactionsCommitAtomicallyAndRollbackRedelivers() throws Exception {
        try (Connection c = factory().createConnection()) {
            c.start();
            Session tx = c.createSession(true, Session.SESSION_TRANSACTED);
            Queue q = tx.createQueue("tx");
            MessageProducer p = tx.createProducer(q);
            Session plain = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer watcher = plain.createConsumer(q);
            p.send(tx.createTextMessage("a"));
            p.send(tx.createTextMessage("b"));
            assertThat(watcher.receive(500)).as("nothing before commit").isNull();
            tx.commit();
            watcher.close();

            MessageConsumer consumer = tx.createConsumer(q);
            assertThat(text(consumer.receive(10_000))).isEqualTo("a");
            tx.rollback();
            Message redelivered = consumer.receive(10_000);
            assertThat(text(redelivered)).isEqualTo("a");
            assertThat(redelivered.getJMSRedelivered()).isTrue();
            assertThat(text(consumer.receive(10_000))).isEqualTo("b");
            tx.commit();
            assertThat(consumer.receive(500)).isNull();

            try (Connection other = factory().createConnection()) {
                jakarta.jms.TemporaryQueue gone = other.createSession(false, Session.AUTO_ACKNOWLEDGE).createTemporaryQueue();
                gone.delete();
                p.send(tx.createTextMessage("kept back"));
                tx.createProducer(null).send(gone, tx.createTextMessage("nowhere to go"));
                assertThatThrownBy(tx::commit).isInstanceOf(jakarta.jms.TransactionRolledBackException.class);
            }
            assertThat(consumer.receive(500)).as("the whole transaction was rolled back").isNull();
        }
    }

    @Test
    @Order(5)
    void selectorsPickMessagesAndTopicsReachEverySubscriber() throws Exception {
        try (Connection c = factory().createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Topic t = s.createTopic("prices");
            MessageConsumer all = s.createConsumer(t);
            MessageConsumer expensive = s.createConsumer(t, "price > 100 AND symbol LIKE 'F%'");
            MessageProducer p = s.createProducer(t);
            for (int price : new int[] {50, 150, 250}) {
                Message m = s.createTextMessage("p" + price);
                m.setIntProperty("price", price);
                m.setStringProperty("symbol", price == 250 ? "XYZ" : "FMQ");
                p.send(m);
            }
            assertThat(List.of(text(all.receive(10_000)), text(all.receive(10_000)), text(all.receive(10_000))))
                    .containsExactly("p50", "p150", "p250");
            assertThat(text(expensive.receive(10_000))).isEqualTo("p150");
            assertThat(expensive.receive(500)).isNull();
            assertThatThrownBy(() -> s.createConsumer(t, "price >")).isInstanceOf(jakarta.jms.InvalidSelectorException.class);
        }
    }

    @Test
    @Order(6)
    void requestReplyThroughATemporaryQueue() throws Exception {
        try (JMSContext server = factory().createContext(); JMSContext client = factory().createContext()) {
            Queue requests = server.createQueue("requests");
            server.createConsumer(requests).setMessageListener(m -> {
                try {
                    server.createProducer().send(m.getJMSReplyTo(), "echo:" + text(m));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            TemporaryQueue replies = client.createTemporaryQueue();
            client.createProducer().setJMSReplyTo(replies).send(requests, "ping");
            assertThat(client.createConsumer(replies).receiveBody(String.class, 10_000)).isEqualTo("echo:ping");
        }
    }

    @Test
    @Order(7)
    void wrongCredentialsAreRefused() {
        assertThatThrownBy(() -> factory().createConnection("admin", "wrong")).isInstanceOf(JMSSecurityException.class)
                .hasMessageContaining("Invalid user name or password");
        assertThatThrownBy(() -> factory().createConnection(null, null)).isInstanceOf(JMSSecurityException.class);
    }

    @Test
    @Order(8)
    void malformedFramesCloseOnlyTheirConnection() throws Exception {
        Random random = new Random(42);
        for (int i = 0; i < 50; i++) {
            try (Socket socket = new Socket("localhost", clientPort)) {
                socket.setSoTimeout(5000);
                OutputStream out = socket.getOutputStream();
                byte[] garbage = new byte[4 + random.nextInt(200)];
                random.nextBytes(garbage);
                if (i % 2 == 0) {
                    garbage[0] = 0;
                    garbage[1] = 0;
                    garbage[2] = 0;
                    if (garbage.length > 3) {
                        garbage[3] = (byte) Math.min(garbage.length - 4, 120);
                    }
                }
                out.write(garbage);
                out.flush();
                int read = 0;
                try {
                    while (socket.getInputStream().read() >= 0 && read++ < 100_000) {
                        // the server answers with an error frame and closes
                    }
                } catch (java.net.SocketTimeoutException e) {
                    // an incomplete frame: the server waits for the rest; closing our side ends it
                }
            }
        }
        // after a valid handshake too: the connection is registered, then broken by garbage, then cleaned up
        for (int i = 0; i < 20; i++) {
            try (Socket socket = new Socket("localhost", clientPort)) {
                socket.setSoTimeout(5000);
                io.netty.buffer.ByteBuf hello = io.netty.buffer.Unpooled.buffer();
                io.fmq.protocol.FrameCodec.encode(new io.fmq.protocol.Frame.Hello(1, io.fmq.protocol.FrameCodec.PROTOCOL_VERSION, "fuzz",
                        "admin", "passwd", null, 0), hello);
                byte[] helloBytes = new byte[hello.readableBytes()];
                hello.readBytes(helloBytes);
                hello.release();
                OutputStream out = socket.getOutputStream();
                out.write(helloBytes);
                byte[] garbage = new byte[32];
                random.nextBytes(garbage);
                garbage[0] = 0;
                garbage[1] = 0;
                garbage[2] = 0;
                garbage[3] = 28;
                out.write(garbage);
                out.flush();
                int read = 0;
                try {
                    while (socket.getInputStream().read() >= 0 && read++ < 100_000) {
                        // welcome, then an error frame, then the server closes
                    }
                } catch (java.net.SocketTimeoutException e) {
                    // closed from our side below
                }
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> fmq.run("fmq-admin.sh", "get", "-rmiPort", Integer.toString(rmiPort),
                "fmq:type=Broker", "Connections").output().trim().equals("0"));
        try (JMSContext ctx = factory().createContext()) {
            Queue q = ctx.createQueue("after-fuzz");
            ctx.createProducer().send(q, "still serving");
            assertThat(ctx.createConsumer(q).receiveBody(String.class, 10_000)).isEqualTo("still serving");
        }
    }

    /** Writes frames in one socket write, as a client that does not wait for the welcome would. */
    private static void writeFrames(Socket socket, Frame... frames) throws Exception {
        ByteBuf out = Unpooled.buffer();
        for (Frame f : frames) {
            FrameCodec.encode(f, out);
        }
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        out.release();
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    /** A text message's body as the client library encodes it: a byte saying it is not null, then the UTF-8 text. */
    private static byte[] textBody(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[utf8.length + 1];
        body[0] = 1;
        System.arraycopy(utf8, 0, body, 1, utf8.length);
        return body;
    }

    /** The next frame from the server, skipping pings (null when it closes the connection). */
    private static Frame readFrame(DataInputStream in) throws Exception {
        while (true) {
            int length;
            try {
                length = in.readInt();
            } catch (EOFException e) {
                return null;
            }
            byte[] body = new byte[length];
            in.readFully(body);
            Frame f = FrameCodec.decode(Unpooled.wrappedBuffer(body));
            if (!(f instanceof Frame.Ping)) {
                return f;
            }
        }
    }

    /**
     * Connects and writes, in one socket write, a hello of user admin with this password, a session and a persistent
     * text message to queue "pipelined" (request ids 1, 2, 3).
     */
    private static Socket pipelined(String password, String messageId, String text) throws Exception {
        WireMessage m = new WireMessage(messageId, Dest.queue("pipelined"), true, 4, System.currentTimeMillis(), 0, 0, null, null,
                null, false, 0, Map.of(), WireMessage.BODY_TEXT, textBody(text));
        Socket socket = new Socket("localhost", clientPort);
        try {
            socket.setSoTimeout(10_000);
            writeFrames(socket, new Frame.Hello(1, FrameCodec.PROTOCOL_VERSION, "pipelining", "admin", password, null, 0),
                    new Frame.SessionOpen(2, 1, false, 1), new Frame.Send(3, 1, m));
            return socket;
        } catch (Exception e) {
            socket.close();
            throw e;
        }
    }

    @Test
    @Order(8)
    void framesSentBeforeTheWelcomeAreServedAfterTheLoginAndNotBeforeIt() throws Exception {
        try (Socket socket = pipelined("passwd", "ID:pipelined-1", "sent with the hello")) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            assertThat(readFrame(in)).isInstanceOf(Frame.Welcome.class).extracting(Frame::requestId).isEqualTo(1);
            assertThat(readFrame(in)).isInstanceOf(Frame.Ok.class).extracting(Frame::requestId).isEqualTo(2);
            assertThat(readFrame(in)).isInstanceOf(Frame.Ok.class).extracting(Frame::requestId).isEqualTo(3);
        }
        try (JMSContext ctx = factory().createContext()) {
            assertThat(ctx.createConsumer(ctx.createQueue("pipelined")).receiveBody(String.class, 10_000)).isEqualTo("sent with the hello");
        }
        // a wrong password: the frames behind the hello are never served, the message is not stored
        try (Socket socket = pipelined("wrong", "ID:pipelined-2", "must not arrive")) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            Frame answer = readFrame(in);
            assertThat(answer).isInstanceOf(Frame.Error.class);
            assertThat(((Frame.Error) answer).fatal()).isTrue();
            assertThat(readFrame(in)).isNull(); // closed, nothing else answered
        }
        try (JMSContext ctx = factory().createContext()) {
            assertThat(ctx.createConsumer(ctx.createQueue("pipelined")).receiveNoWait()).isNull();
            assertThat(ctx.createBrowser(ctx.createQueue("pipelined")).getEnumeration().hasMoreElements()).isFalse();
        }
    }

    @Test
    @Order(9)
    void persistentMessagesAndDurableSubscriptionsSurviveARestart() throws Exception {
        FmqConnectionFactory f = factory();
        try (Connection c = f.createConnection()) {
            c.setClientID("durable-client");
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Topic news = s.createTopic("news");
            s.createDurableSubscriber(news, "reader").close();
            MessageProducer topicProducer = s.createProducer(news);
            topicProducer.send(s.createTextMessage("while away"));
            MessageProducer p = s.createProducer(s.createQueue("kept"));
            p.send(s.createTextMessage("persistent"));
            p.send(s.createTextMessage("transient"), DeliveryMode.NON_PERSISTENT, 4, 0);
        }
        stopServer();
        startServer();
        try (Connection c = f.createConnection()) {
            c.setClientID("durable-client");
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer kept = s.createConsumer(s.createQueue("kept"));
            assertThat(text(kept.receive(10_000))).isEqualTo("persistent");
            assertThat(kept.receive(500)).as("non-persistent messages do not survive").isNull();
            MessageConsumer reader = s.createDurableSubscriber(s.createTopic("news"), "reader");
            assertThat(text(reader.receive(10_000))).isEqualTo("while away");
            reader.close();
            s.unsubscribe("reader");
        }
    }

    @Test
    @Order(10)
    void killMinus9UnderLoadLosesNoConfirmedMessage() throws Exception {
        FmqConnectionFactory f = factory();
        List<String> confirmed = new ArrayList<>();
        Thread producer = new Thread(() -> {
            try (Connection c = f.createConnection()) {
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer p = s.createProducer(s.createQueue("crash"));
                for (int i = 0; i < 1_000_000; i++) {
                    p.send(s.createTextMessage("m" + i));
                    synchronized (confirmed) {
                        confirmed.add("m" + i);
                    }
                }
            } catch (Exception e) {
                // the server was killed under the producer
            }
        });
        producer.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            synchronized (confirmed) {
                return confirmed.size() >= 500;
            }
        });
        long pid = fmq.serverPid("FioranoMQ");
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        producer.join(TimeUnit.SECONDS.toMillis(60));
        await().atMost(Duration.ofSeconds(30)).until(() -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        startServer();
        Set<String> received = new HashSet<>();
        try (Connection c = f.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue("crash"));
            Message m;
            while ((m = consumer.receive(2000)) != null) {
                received.add(text(m));
            }
        }
        synchronized (confirmed) {
            assertThat(received).containsAll(confirmed);
        }
    }

    @Test
    @Order(11)
    void hundredsOfPlainConnectionsShareAFewClientThreadsAndEachStillWorks() throws Exception {
        int plain = 150;
        int durable = 50;
        int ioLimit = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), 8));
        List<Connection> open = new ArrayList<>();
        try {
            for (int i = 0; i < plain; i++) {
                open.add(factory().createConnection());
            }
            for (int i = 0; i < durable; i++) {
                FmqConnectionFactory f = factory();
                f.setDurableConnections(true);
                f.setClientID("shared-io-" + i);
                f.setOutboxDirectory(dir.resolve("outbox").toString());
                open.add(f.createConnection());
            }
            // every connection sends one message and the last one receives them all
            for (int i = 0; i < open.size(); i++) {
                Session s = open.get(i).createSession(false, Session.AUTO_ACKNOWLEDGE);
                s.createProducer(s.createQueue("shared-io")).send(s.createTextMessage(Integer.toString(i)));
            }
            Connection last = open.get(open.size() - 1);
            last.start();
            Session s = last.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue("shared-io"));
            Set<String> received = new HashSet<>();
            for (int i = 0; i < open.size(); i++) {
                Message m = consumer.receive(10_000);
                assertThat(m).as("message %d of %d", i, open.size()).isNotNull();
                received.add(text(m));
            }
            assertThat(received).hasSize(open.size());
            // threads of an earlier test's connections may still be ending: the count settles at the shared few for
            // the plain connections, plus one of its own per durable connection
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(threadsNamed("fmq-client-io"))
                    .isLessThanOrEqualTo(ioLimit + durable));
        } finally {
            for (Connection c : open) {
                c.close();
            }
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(threadsNamed("fmq-client-io")).isZero());
    }

    private static long threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().startsWith(prefix)).count();
    }
}
