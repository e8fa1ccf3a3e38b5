package io.fmq.client;

import io.netty.channel.EventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The client library's I/O threads, shared by every connection of the process: a few event loops
 * ({@code fmq-client-io}, daemon threads; one per core, at most 8, or {@code -Dfmq.client.ioThreads=N}) started
 * with the first connection and stopped when the last one closes. An application with thousands of connections
 * then runs a handful of threads, not one per connection.
 *
 * <p>A plain connection takes one shared event loop for its whole life ({@link Lease}); a durable connection
 * keeps a loop of its own ({@link #acquireOwn}). so its channels, its heartbeat and
 * reconnect timers and its I/O callbacks all run on that one thread, in order, as they would on a loop of its own.
 * Nothing run on a loop may block: it would stall the other connections that share it.
 *
 * <p>Threads: {@link #acquire} and {@link Lease#close} may be called from any thread; the group and the lease count
 * are guarded by the class's lock and touched only there.
 */
final class ClientIo {
    /** Property naming the number of shared I/O threads. */
    static final String THREADS_PROPERTY = "fmq.client.ioThreads";

    private static final Object LOCK = new Object();
    private static NioEventLoopGroup group;
    private static int leases;
    /** Runs application callbacks that must not run on an I/O thread; its threads end after a minute without work. */
    private static final java.util.concurrent.ExecutorService CALLBACKS = new java.util.concurrent.ThreadPoolExecutor(0,
            Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new java.util.concurrent.SynchronousQueue<>(),
            new DefaultThreadFactory("fmq-client-events", true));

    private ClientIo() {
    }

    /** One connection's use of the shared threads: its event loop, until {@link #close}. */
    static final class Lease implements AutoCloseable {
        private final EventLoop loop;
        /** A loop of the lease's own (a durable connection), stopped when the lease closes; null for a shared one. */
        private final NioEventLoopGroup own;
        private boolean closed;

        private Lease(EventLoop loop, NioEventLoopGroup own) {
            this.loop = loop;
            this.own = own;
        }

        /** The event loop every channel and timer of the connection runs on. */
        EventLoop loop() {
            return loop;
        }

        /** Gives the loop back; the last lease of the process stops the threads (after what is queued on them). */
        @Override
        public void close() {
            if (own != null) {
                own.shutdownGracefully(0, 2, TimeUnit.SECONDS);
                return;
            }
            NioEventLoopGroup stop = null;
            synchronized (LOCK) {
                if (closed) {
                    return;
                }
                closed = true;
                if (--leases == 0) {
                    stop = group;
                    group = null;
                }
            }
            if (stop != null) {
                stop.shutdownGracefully(0, 2, TimeUnit.SECONDS);
            }
        }
    }

    /** Takes an event loop for a new connection, starting the shared threads if none run. */
    static Lease acquire() {
        synchronized (LOCK) {
            if (group == null) {
                group = new NioEventLoopGroup(threads(), new DefaultThreadFactory("fmq-client-io", true));
            }
            leases++;
            return new Lease(group.next(), null);
        }
    }

    /**
     * An event loop of its own, for a durable connection: its failure detection and reconnects keep their timing
     * whatever other connections of the process do on the shared loops (a stall there would otherwise look like a
     * silent server to it, and make it drop a healthy link).
     */
    static Lease acquireOwn() {
        NioEventLoopGroup own = new NioEventLoopGroup(1, new DefaultThreadFactory("fmq-client-io", true));
        return new Lease(own.next(), own);
    }

    /** How many I/O threads the shared group runs. */
    static int threads() {
        int cores = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), 8));
        String configured = System.getProperty(THREADS_PROPERTY);
        if (configured == null || configured.isBlank()) {
            return cores;
        }
        try {
            int n = Integer.parseInt(configured.trim());
            if (n >= 1 && n <= 256) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("-D" + THREADS_PROPERTY + "=" + configured
                + " is not a number of I/O threads; give a whole number from 1 to 256, or leave it unset for one per core");
    }

    /** Runs an application callback (an ExceptionListener) on a thread of its own, never on an I/O thread. */
    static void callback(Runnable task) {
        CALLBACKS.execute(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                java.util.logging.Logger.getLogger(ClientIo.class.getName()).log(java.util.logging.Level.WARNING,
                        "an ExceptionListener threw", e);
            }
        });
    }

    /** Checks {@code -Dfmq.client.ioThreads} before a connection takes anything (a bad value fails createConnection). */
    static void checkSettings() throws jakarta.jms.JMSException {
        try {
            threads();
        } catch (IllegalArgumentException e) {
            throw new jakarta.jms.JMSException(e.getMessage());
        }
    }

    /** How many connections hold a lease now (for tests). */
    static int leases() {
        synchronized (LOCK) {
            return leases;
        }
    }
}
