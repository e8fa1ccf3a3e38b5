package io.fmq.bench;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One workload: P producers and C consumers on one queue, each on its own connection, 1 KiB bytes
 * messages. Throughput is messages over the time from the first send to the last receipt; latency is
 * send to receipt of each message (producers and consumers share the JVM's clock).
 */
record Workload(String name, Mode mode, int producers, int consumers) {
    enum Mode { NON_PERSISTENT, PERSISTENT, TRANSACTED }

    static final int TRANSACTION_SIZE = 100;

    static List<Workload> all() {
        List<Workload> list = new ArrayList<>();
        for (Mode m : Mode.values()) {
            String prefix = m == Mode.NON_PERSISTENT ? "nonpersistent" : m == Mode.PERSISTENT ? "persistent" : "transacted";
            list.add(new Workload(prefix + "-1x1", m, 1, 1));
            list.add(new Workload(prefix + "-4x4", m, 4, 4));
        }
        return list;
    }

    /** The figures of one run. */
    record Result(double messagesPerSecond, double p50Millis, double p99Millis, double p999Millis) {
    }

    Result run(ConnectionFactory factory, int messages, int size, String queueName) throws Exception {
        return run(factory, messages, size, queueName, 0);
    }

    /**
     * Runs the workload; with {@code offeredRate > 0} the producers together send that many messages per second on a
     * fixed schedule (each waits for its next slot), and a message's latency counts from its slot, not from when its
     * send could begin, so a stall also counts for the messages it delayed.
     */
    Result run(ConnectionFactory factory, int messages, int size, String queueName, double offeredRate) throws Exception {
        int perProducer = messages / producers;
        int total = perProducer * producers;
        long[] latencies = new long[total];
        AtomicInteger received = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch consumersReady = new CountDownLatch(consumers);
        CountDownLatch done = new CountDownLatch(1);
        List<Connection> connections = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        byte[] payload = new byte[size];
        Arrays.fill(payload, (byte) 'x');
        long[] firstSend = {Long.MAX_VALUE};
        long[] lastReceive = {0};
        try {
            for (int c = 0; c < consumers; c++) {
                Connection conn = factory.createConnection();
                connections.add(conn);
                conn.start();
                boolean tx = mode == Mode.TRANSACTED;
                Session s = conn.createSession(tx, tx ? Session.SESSION_TRANSACTED : Session.AUTO_ACKNOWLEDGE);
                Queue q = s.createQueue(queueName);
                MessageConsumer consumer = s.createConsumer(q);
                threads.add(new Thread(() -> {
                    consumersReady.countDown();
                    int sinceCommit = 0;
                    try {
                        while (received.get() < total) {
                            Message m = consumer.receive(200);
                            if (m == null) {
                                if (tx && sinceCommit > 0) {
                                    s.commit();
                                    sinceCommit = 0;
                                }
                                continue;
                            }
                            long now = System.nanoTime();
                            int i = received.getAndIncrement();
                            if (i < total) {
                                latencies[i] = now - m.getLongProperty("sentAt");
                            }
                            if (tx && ++sinceCommit == TRANSACTION_SIZE) {
                                s.commit();
                                sinceCommit = 0;
                            }
                            if (i == total - 1) {
                                if (tx) {
                                    s.commit();
                                }
                                synchronized (lastReceive) {
                                    lastReceive[0] = now;
                                }
                                done.countDown();
                            }
                        }
                        if (tx && sinceCommit > 0) {
                            s.commit();
                        }
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                        done.countDown();
                    }
                }, "consumer-" + c));
            }
            threads.forEach(Thread::start);
            consumersReady.await(30, TimeUnit.SECONDS);
            List<Thread> producerThreads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                Connection conn = factory.createConnection();
                connections.add(conn);
                boolean tx = mode == Mode.TRANSACTED;
                Session s = conn.createSession(tx, tx ? Session.SESSION_TRANSACTED : Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = s.createProducer(s.createQueue(queueName));
                producer.setDeliveryMode(mode == Mode.NON_PERSISTENT ? DeliveryMode.NON_PERSISTENT : DeliveryMode.PERSISTENT);
                producerThreads.add(new Thread(() -> {
                    try {
                        long start = System.nanoTime();
                        synchronized (firstSend) {
                            firstSend[0] = Math.min(firstSend[0], start);
                        }
                        long interval = offeredRate > 0 ? (long) (1e9 * producers / offeredRate) : 0;
                        for (int i = 0; i < perProducer; i++) {
                            long slot = start + i * interval;
                            if (interval > 0) {
                                for (long wait = slot - System.nanoTime(); wait > 0; wait = slot - System.nanoTime()) {
                                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                                }
                            }
                            BytesMessage m = s.createBytesMessage();
                            m.writeBytes(payload);
                            m.setLongProperty("sentAt", interval > 0 ? slot : System.nanoTime());
                            producer.send(m);
                            if (tx && (i + 1) % TRANSACTION_SIZE == 0) {
                                s.commit();
                            }
                        }
                        if (tx) {
                            s.commit();
                        }
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                        done.countDown();
                    }
                }, "producer-" + p));
            }
            producerThreads.forEach(Thread::start);
            if (!done.await(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException("the workload did not finish within 10 minutes (" + received.get() + " of " + total + ")");
            }
            if (failure.get() != null) {
                throw new IllegalStateException("the workload failed: " + failure.get(), failure.get());
            }
            for (Thread t : producerThreads) {
                t.join(TimeUnit.MINUTES.toMillis(1));
            }
        } finally {
            for (Connection c : connections) {
                try {
                    c.close();
                } catch (Exception e) {
                    // closing after the measurement; a failure here does not change the figures
                }
            }
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(10));
            }
        }
        Arrays.sort(latencies);
        double seconds = (lastReceive[0] - firstSend[0]) / 1e9;
        return new Result(total / seconds, percentile(latencies, 0.50), percentile(latencies, 0.99), percentile(latencies, 0.999));
    }

    private static double percentile(long[] sorted, double p) {
        int i = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1e6;
    }
}
