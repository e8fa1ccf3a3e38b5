package io.fmq.server;

import io.fmq.profile.Profile;
import io.fmq.server.broker.Broker;
import io.fmq.server.jmx.MessagingMBeans;
import io.fmq.server.net.ClientAcceptor;
import io.fmq.server.net.ClientChannelInitializer;
import io.fmq.server.net.PortInUseException;
import io.fmq.store.FileJournal;
import io.fmq.store.Journal;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part of a server that serves clients: the broker restored from the journal, its compaction, its MBeans and
 * the client port. A standalone server runs it from start to stop; a server of an HA pair runs it only while it
 * is the one serving (ACTIVE_SYNC, ACTIVE, STANDALONE) and stops it the moment it must not.
 */
final class MessagingService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MessagingService.class);
    /** How long a stop waits for a running compaction to reach its next segment before interrupting it. */
    private static final long COMPACTION_STOP_SECONDS = 10;
    /** The longest heartbeat interval the server agrees to on client connections. */
    static final int CLIENT_HEARTBEAT_MILLIS = 30_000;

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final Broker broker;
    private final ClientAcceptor acceptor;

    private MessagingService(Broker broker, ClientAcceptor acceptor, Deque<AutoCloseable> parts) {
        this.broker = broker;
        this.acceptor = acceptor;
        this.started.addAll(parts);
    }

    /**
     * Restores the broker from {@code journal} and opens the client port; {@code beforeAccepting} runs in between
     * (an HA server installs its confirm gate there). On failure nothing is left running.
     */
    static MessagingService start(Profile profile, Path storeDir, FileJournal journal, Clock clock, MBeanServer mbeans,
                                  String version, Broker.SelectorCompiler selectors, ConsoleLog console, Runnable beforeAccepting)
            throws StartupException, InterruptedException {
        Restored restored = restore(profile, storeDir, journal, clock, mbeans, version, selectors, console);
        try {
            beforeAccepting.run();
        } catch (RuntimeException e) {
            restored.discard();
            throw e;
        }
        return restored.open();
    }

    /**
     * Restores the broker from {@code journal} and starts its compaction and MBeans, without opening the client
     * port: the slow half of a start, which an HA server runs off its controller thread. On failure nothing is left
     * running.
     */
    static Restored restore(Profile profile, Path storeDir, FileJournal journal, Clock clock, MBeanServer mbeans,
                            String version, Broker.SelectorCompiler selectors, ConsoleLog console) throws StartupException {
        Deque<AutoCloseable> parts = new ArrayDeque<>();
        try {
            Broker broker;
            try {
                Profile.Messaging m = profile.messaging();
                long memoryLimit = m.memoryLimitMb() > 0 ? m.memoryLimitMb() * 1024L * 1024L : Runtime.getRuntime().maxMemory() / 4;
                broker = Broker.open(journal, clock, new Broker.Settings(m.maxDeliveryAttempts(), m.autoCreateDestinations(),
                        memoryLimit, version), selectors);
            } catch (IOException | RuntimeException e) {
                throw new StartupException(StartupException.FAILED, "Cannot restore the broker's state from the data store in "
                        + storeDir + ": " + e.getMessage(), e);
            }
            parts.push(broker::close);
            ScheduledExecutorService compactor = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "fmq-compactor");
                t.setDaemon(true);
                return t;
            });
            compactor.scheduleWithFixedDelay(() -> compact(broker), 30, 30, TimeUnit.SECONDS);
            parts.push(() -> { // a running compaction ends at its next segment, every segment whole
                broker.stopCompaction();
                compactor.shutdown();
                if (!compactor.awaitTermination(COMPACTION_STOP_SECONDS, TimeUnit.SECONDS)) {
                    compactor.shutdownNow();
                }
            });
            MessagingMBeans messaging = new MessagingMBeans(mbeans, broker, () -> journal.stats().bytes());
            messaging.start();
            parts.push(messaging);
            return new Restored(profile, broker, parts, version, console);
        } catch (StartupException | RuntimeException e) {
            closeAll(parts);
            throw e;
        }
    }

    /**
     * A broker restored from the journal, its client port not open yet. Either {@link #open} or {@link #discard}
     * ends it, once (whichever comes first; the other then does nothing or is refused).
     */
    static final class Restored {
        private final Profile profile;
        private final Broker broker;
        private final Deque<AutoCloseable> parts;
        private final String version;
        private final ConsoleLog console;
        private final java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();

        private Restored(Profile profile, Broker broker, Deque<AutoCloseable> parts, String version, ConsoleLog console) {
            this.profile = profile;
            this.broker = broker;
            this.parts = parts;
            this.version = version;
            this.console = console;
        }

        /** Opens the client port: the broker serves from here on. On failure the broker is closed too. */
        MessagingService open() throws StartupException, InterruptedException {
            if (!ended.compareAndSet(false, true)) {
                throw new IllegalStateException("this restored broker was already opened or discarded");
            }
            try {
                int port = profile.connectionManager().serverPort();
                ClientAcceptor acceptor;
                try {
                    acceptor = ClientAcceptor.bind(port, new ClientChannelInitializer(broker, profile.configLoader().pingEnabled(),
                            CLIENT_HEARTBEAT_MILLIS, version));
                } catch (PortInUseException e) {
                    throw new StartupException(StartupException.FAILED, "Cannot start: the client port " + port + " (ServerPort in "
                            + profile.configFile() + ") is already in use by another program. Stop that program or set another "
                            + "ServerPort (and the peer's FMQGroup.BackupServerPort).");
                }
                parts.push(acceptor);
                console.plain("Max Memory Allocated to the Server : " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MB.");
                console.plain("Server accepting connections at tcp://0.0.0.0:" + acceptor.localAddress().getPort());
                return new MessagingService(broker, acceptor, parts);
            } catch (StartupException | InterruptedException | RuntimeException e) {
                closeAll(parts);
                throw e;
            }
        }

        /** Closes the broker unopened (it is no longer wanted); nothing if it was opened. */
        void discard() {
            if (ended.compareAndSet(false, true)) {
                closeAll(parts);
            }
        }
    }

    private static void compact(Broker broker) {
        try {
            Journal.CompactionResult r = broker.compactIfChanged();
            if (r.segmentsDeleted() > 0) {
                LOG.info("Data store compacted: {} segment(s) deleted, {} record(s) copied, {} bytes reclaimed",
                        r.segmentsDeleted(), r.recordsCopied(), r.bytesReclaimed());
            }
        } catch (IOException | RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) { // a stop that did not wait for the next segment
                LOG.info("Data store compaction stopped with the server; it goes on after the next start");
                return;
            }
            LOG.warn("Data store compaction failed: {}", e.toString());
        }
    }

    Broker broker() {
        return broker;
    }

    int clientPort() {
        return acceptor.localAddress().getPort();
    }

    /** Closes the client port (and every client connection), then the MBeans, compaction and the broker. */
    @Override
    public void close() {
        closeAll(started);
    }

    private static void closeAll(Deque<AutoCloseable> parts) {
        while (!parts.isEmpty()) {
            AutoCloseable part = parts.pop();
            try {
                part.close();
            } catch (Exception e) {
                LOG.warn("Error while stopping {}: {}", part.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
