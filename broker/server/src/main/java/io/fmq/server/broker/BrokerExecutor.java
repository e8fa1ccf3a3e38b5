package io.fmq.server.broker;

import java.util.LinkedHashSet;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's owner: one thread that runs everything touching the broker's state (destinations, queues, sessions,
 * deliveries, users and grants). Other threads never touch that state; they hand work to the owner with
 * {@link #execute} and get answers back as futures. Tasks run one at a time, in the order they were handed over.
 *
 * <p>The owner works in bursts: it runs every task waiting (up to a bound), then the actions registered with
 * {@link #atEndOfBurst} (the client channels' flushes: what a burst wrote to a channel goes out in one system call).
 */
interface BrokerExecutor extends Executor {
    /** Runs {@code task} on the owner once {@code delayMillis} have passed (by the broker's clock where it is manual). */
    void schedule(Runnable task, long delayMillis);

    /** Owner only: runs {@code action} once when the current burst of tasks ends (the same action once per burst). */
    void atEndOfBurst(Runnable action);

    /** Whether the calling thread is the owner. */
    boolean inOwner();

    /**
     * Where the broker's reads of its data store run ({@link Pager}): a thread of its own, {@code fmq-pager}, so that
     * the owner never waits for the disk; they hand their results back with {@link #execute}.
     */
    Executor reader();

    /** Stops the owner; tasks not yet run are dropped. */
    void shutdown();

    /** The production owner: the daemon thread {@code fmq-broker} (and {@code fmq-broker-timer}, which only hands tasks to it). */
    static BrokerExecutor thread() {
        return new OwnerThread();
    }

    /** See {@link BrokerExecutor#thread()}. */
    final class OwnerThread implements BrokerExecutor {
        private static final Logger LOG = LoggerFactory.getLogger(OwnerThread.class);
        /** Tasks run before the burst's end actions at the latest: bounds the delay of a flush under a steady load. */
        private static final int MAX_BURST = 256;
        private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fmq-broker-timer");
            t.setDaemon(true);
            return t;
        });
        private final java.util.concurrent.ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fmq-pager");
            t.setDaemon(true);
            return t;
        });
        /** Owner only. */
        private final LinkedHashSet<Runnable> endOfBurst = new LinkedHashSet<>();
        private final Thread thread = new Thread(this::loop, "fmq-broker");
        private volatile boolean stopped;

        private OwnerThread() {
            thread.setDaemon(true);
            thread.start();
        }

        private void loop() {
            while (!stopped) {
                Runnable task;
                try {
                    task = queue.take();
                } catch (InterruptedException e) {
                    break;
                }
                for (int n = 0; task != null && !stopped; n++) {
                    run(task);
                    task = n < MAX_BURST ? queue.poll() : null;
                }
                while (!endOfBurst.isEmpty()) {
                    Runnable[] actions = endOfBurst.toArray(new Runnable[0]);
                    endOfBurst.clear();
                    for (Runnable a : actions) {
                        run(a);
                    }
                }
            }
        }

        private static void run(Runnable task) {
            try {
                task.run();
            } catch (Throwable t) {
                LOG.error("A broker task failed", t);
            }
        }

        @Override
        public void execute(Runnable task) {
            if (stopped) {
                throw new RejectedExecutionException("the broker is stopped");
            }
            queue.add(task);
        }

        @Override
        public void schedule(Runnable task, long delayMillis) {
            if (stopped) {
                return;
            }
            timer.schedule(() -> {
                if (!stopped) {
                    queue.add(task);
                }
            }, delayMillis, TimeUnit.MILLISECONDS);
        }

        @Override
        public void atEndOfBurst(Runnable action) {
            assert inOwner() : "on the broker's thread";
            endOfBurst.add(action);
        }

        @Override
        public boolean inOwner() {
            return Thread.currentThread() == thread;
        }

        @Override
        public Executor reader() {
            return reader;
        }

        @Override
        public void shutdown() {
            stopped = true;
            thread.interrupt();
            timer.shutdownNow();
            reader.shutdownNow();
            queue.clear();
        }
    }
}
