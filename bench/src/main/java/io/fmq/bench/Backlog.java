package io.fmq.bench;

import io.fmq.client.FmqConnectionFactory;
import jakarta.jms.BytesMessage;
import jakarta.jms.CompletionListener;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * The {@code backlog} workload: a consumer outage that leaves more messages waiting than the server's memory holds.
 * Each broker runs alone in its own process with {@code -Xmx256m}. A producer sends {@code --backlog-mb} (default
 * 2048) MB of persistent 1 KiB messages to one queue with no consumer, asynchronously (a window of
 * {@value #WINDOW} unconfirmed sends); a consumer then takes a tenth of them; the server is stopped and started
 * again with the rest waiting; a consumer takes the rest. Every message carries its number: the consumers check that
 * each arrives once and in order.
 *
 * <p>Printed per broker: the producer's rate and its longest wait for the window ({@code backlog-held-back-max}: how
 * long the server held it back at most), the server's peak resident memory while the backlog built up and while it
 * drained, the time from starting the server again until a client is connected ({@code backlog-restart}), the
 * consumers' rates, and the messages lost or out of order. Rounds alternate the brokers ({@code --backlog-rounds},
 * default 1: a round moves the backlog twice through the disk).
 */
final class Backlog {
    static final String NAME = "backlog";
    static final int WINDOW = 2000;
    static final String HEAP = "-Xmx256m";

    private Backlog() {
    }

    static void run(Path dist, Path work, int megabytes, int rounds, String only, boolean keep, Tally tally) throws Exception {
        int messages = megabytes * 1024;
        for (int r = 0; r < rounds; r++) {
            if (!"artemis".equals(only)) {
                round("fmq", dist, work.resolve("backlog-fmq-" + r), messages, keep, tally);
            }
            if (!"fmq".equals(only)) {
                round("artemis", dist, work.resolve("backlog-artemis-" + r), messages, keep, tally);
            }
        }
    }

    private static Bench.Server start(String broker, Path dist, Path dir, String artemisTimeout) throws Exception {
        return broker.equals("fmq") ? Bench.Server.fmq(dist, dir, HEAP) : Bench.Server.artemis(dir, HEAP, artemisTimeout);
    }

    /** A JMS connection factory for the broker's server on {@code port} (FMQ with the shipped account). */
    static ConnectionFactory factory(String broker, int port) {
        if (broker.equals("fmq")) {
            FmqConnectionFactory f = new FmqConnectionFactory("fmq://localhost:" + port);
            f.setUser("admin");
            f.setPassword("passwd");
            return f;
        }
        return new ActiveMQConnectionFactory("tcp://localhost:" + port);
    }

    private static void round(String broker, Path dist, Path dir, int messages, boolean keep, Tally tally) throws Exception {
        Files.createDirectories(dir);
        String queue = "backlog";
        Bench.Server server = start(broker, dist, dir, null);
        String artemisTimeout = server.artemisTimeout;
        long[] next = {0, 0, 0}; // the next number expected, messages received, messages out of order
        try {
            ConnectionFactory f = factory(broker, server.port);
            produce(broker, f, queue, messages, tally);
            tally.add(broker, NAME + "-rss-producing", server.peakResidentMegabytes(), "MB", false);
            int first = messages / 10;
            double rate = consume(f, queue, first, next);
            tally.add(broker, NAME + "-consume-before-restart", rate, "msgs/s", true);
            close(f);
        } finally {
            server.close();
        }
        long t0 = System.nanoTime();
        server = start(broker, dist, dir, artemisTimeout);
        try {
            ConnectionFactory f = factory(broker, server.port);
            connectOnce(f, t0 + TimeUnit.SECONDS.toNanos(600));
            tally.add(broker, NAME + "-restart", (System.nanoTime() - t0) / 1e9, "s", false);
            double rate = consume(f, queue, messages - (int) next[1], next);
            tally.add(broker, NAME + "-consume-after-restart", rate, "msgs/s", true);
            tally.add(broker, NAME + "-rss-draining", server.peakResidentMegabytes(), "MB", false);
            close(f);
        } finally {
            server.close();
        }
        Tally.print("%s %s-lost %d msgs", broker, NAME, messages - next[1]);
        Tally.print("%s %s-out-of-order %d msgs", broker, NAME, next[2]);
        if (!keep) {
            Bench.deleteTree(dir); // the store is as large as the backlog
        }
    }

    /** Closes what a factory of {@link #factory} holds (Artemis's keeps thread pools). */
    static void close(ConnectionFactory f) {
        if (f instanceof ActiveMQConnectionFactory a) {
            a.close();
        }
    }

    /** Connects (the server may still be starting): until a connection starts, or the deadline. */
    private static void connectOnce(ConnectionFactory f, long deadline) throws Exception {
        for (int attempt = 0; ; attempt++) {
            try (Connection c = f.createConnection()) {
                c.start();
                return;
            } catch (JMSException e) {
                if (System.nanoTime() > deadline || attempt > 100_000) {
                    throw e;
                }
                Thread.onSpinWait();
            }
        }
    }

    private static void produce(String broker, ConnectionFactory f, String queueName, int messages, Tally tally) throws Exception {
        Semaphore window = new Semaphore(WINDOW);
        AtomicReference<Exception> failure = new AtomicReference<>();
        AtomicLong confirmed = new AtomicLong();
        long longestWait = 0;
        byte[] body = new byte[1024];
        try (Connection c = f.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue(queueName);
            MessageProducer p = s.createProducer(q);
            p.setDeliveryMode(DeliveryMode.PERSISTENT);
            CompletionListener listener = new CompletionListener() {
                @Override
                public void onCompletion(Message message) {
                    confirmed.incrementAndGet();
                    window.release();
                }

                @Override
                public void onException(Message message, Exception exception) {
                    failure.compareAndSet(null, exception);
                    window.release();
                }
            };
            long start = System.nanoTime();
            for (int i = 0; i < messages; i++) {
                long before = System.nanoTime();
                if (!window.tryAcquire(600, TimeUnit.SECONDS)) {
                    throw new IllegalStateException(broker + ": no send confirmed for 600 s");
                }
                longestWait = Math.max(longestWait, System.nanoTime() - before);
                BytesMessage m = s.createBytesMessage();
                m.writeBytes(body);
                m.setLongProperty("n", i);
                p.send(m, listener);
                if (failure.get() != null) {
                    throw failure.get();
                }
            }
            if (!window.tryAcquire(WINDOW, 600, TimeUnit.SECONDS)) {
                throw new IllegalStateException(broker + ": the last sends were not confirmed within 600 s");
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (failure.get() != null) {
                throw failure.get();
            }
            tally.add(broker, NAME + "-produce", confirmed.get() / seconds, "msgs/s", true);
            tally.add(broker, NAME + "-held-back-max", longestWait / 1e6, "ms", false);
        }
    }

    /**
     * Receives {@code count} messages in transactions of 1,000, checking each one's number against {@code next[0]} (the
     * next expected): {@code next[1]} counts those received, {@code next[2]} those out of order. Returns the rate. Stops
     * early when nothing arrives for 30 s.
     */
    private static double consume(ConnectionFactory f, String queueName, int count, long[] next) throws Exception {
        try (Connection c = f.createConnection()) {
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer consumer = s.createConsumer(s.createQueue(queueName));
            c.start();
            long start = System.nanoTime();
            int got = 0;
            while (got < count) {
                Message m = consumer.receive(30_000);
                if (m == null) {
                    break;
                }
                long n = m.getLongProperty("n");
                if (n != next[0]) {
                    next[2]++;
                    if (next[2] <= 5) {
                        System.err.println("message " + n + " arrived where " + next[0] + " was expected");
                    }
                }
                next[0] = n + 1;
                next[1]++;
                got++;
                if (got % 1000 == 0) {
                    s.commit();
                }
            }
            s.commit();
            return got / ((System.nanoTime() - start) / 1e9);
        }
    }
}
