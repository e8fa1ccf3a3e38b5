package io.fmq.client;

import io.fmq.protocol.Frame;
import io.fmq.protocol.WireMessage;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.DefaultThreadFactory;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The durable part of a connection: finds a server that accepts clients, notices the loss of the link, looks
 * for a server again (attempts scheduled on its event loop as the pure {@link ReconnectMachine} decides), re-creates the
 * connection's sessions and consumers there, and keeps what is sent meanwhile in the outboxes until it can send it.
 *
 * <p>States: {@code RESTORING} (a channel is up; sessions are re-created and the outboxes sent, in order)
 * → {@code ONLINE} (sends go straight to the server and are tracked until confirmed) → on loss {@code DISCONNECTED}
 * (sends go to the outboxes; unconfirmed sends are moved there, oldest first) → {@code RESTORING} again, or
 * {@code FAILED} when the reconnect timeout runs out. {@code CLOSED} when the application closes the connection.
 * The outboxes are emptied before the link is {@code ONLINE} again, so messages reach the server in the order
 * they were sent (per delivery mode: persistent and non-persistent messages wait in separate outboxes).
 *
 * <p>Threads: the event loop ({@code fmq-client-io}, a loop of the link's own from {@link ClientIo#acquireOwn}) runs the sockets and the reconnect timer and never waits;
 * the recovery thread ({@code fmq-recovery}) does what may block (re-creating sessions, writing and sending
 * the outboxes, calling the listeners). {@link #lock} guards the state, the outboxes and the moves.
 */
final class DurableLink implements ServerLink {
    private static final Logger LOG = Logger.getLogger(DurableLink.class.getName());
    /** The session the outboxes are sent on (session ids the application gets count up from 1). */
    static final int OUTBOX_SESSION = Integer.MAX_VALUE;
    private static final int DRAIN_BATCH = 256;
    /** How long the recovery thread waits for more work before it ends (a new one starts with the next task). */
    private static final long RECOVERY_IDLE_SECONDS = 10;


    record Server(String host, int port) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    /** A send the server has not confirmed yet. */
    private record InFlight(WireMessage message, CompletableFuture<Void> done) {
    }

    private final FmqConnection connection;
    private final List<Server> servers;
    private final ReconnectPlan plan;
    private final String user;
    private final String password;
    private final int heartbeatMillis;
    private final int connectTimeoutMillis;
    /** This connection's own I/O thread: every channel and timer of the link runs on its one loop. */
    private final ClientIo.Lease ioLease;
    private final EventLoop loop;
    private final ExecutorService recovery;
    private final Outbox persistentOutbox;
    private final Outbox memoryOutbox;
    private final ClientChannel.Listener channelListener;
    private final Object lock = new Object();
    /** Unconfirmed sends in the order they were made; removed without the lock when confirmed. */
    private final ConcurrentSkipListMap<Long, InFlight> inflight = new ConcurrentSkipListMap<>();
    private final AtomicLong inflightCounter = new AtomicLong();
    /** Unconfirmed sends of a lost channel, waiting to be written to the outboxes (before anything newer). Lock held. */
    private final List<InFlight> toMove = new ArrayList<>();
    /** The link's state and the reconnect decisions (pure; called under {@link #lock}). */
    private final ReconnectMachine machine;
    /** Ids of messages the application acknowledged lately, so a redelivery after a failover is not handed over again. */
    private final RecentIds acknowledged = new RecentIds(20_000);
    private JMSException lastFailure;
    private volatile ConnectionEventListener events;

    DurableLink(FmqConnection connection, List<Server> servers, ReconnectPlan plan, String user, String password, int heartbeatMillis,
                int connectTimeoutMillis, Outbox persistentOutbox, Outbox memoryOutbox, ClientChannel.Listener deliveries) {
        this.connection = connection;
        this.servers = List.copyOf(servers);
        this.plan = plan;
        this.machine = new ReconnectMachine(plan, this.servers.size());
        this.user = user;
        this.password = password;
        this.heartbeatMillis = heartbeatMillis;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.persistentOutbox = persistentOutbox;
        this.memoryOutbox = memoryOutbox;
        this.ioLease = ClientIo.acquireOwn();
        this.loop = ioLease.loop();
        // one thread, started when there is recovery work and ended after a while without any (an idle
        // connection holds no thread of its own)
        ThreadPoolExecutor oneThread = new ThreadPoolExecutor(1, 1, RECOVERY_IDLE_SECONDS, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                new DefaultThreadFactory("fmq-recovery", true));
        oneThread.allowCoreThreadTimeOut(true);
        this.recovery = oneThread;
        this.channelListener = new ClientChannel.Listener() {
            @Override
            public void delivered(Frame.Deliver deliver) {
                deliveries.delivered(deliver);
            }

            @Override
            public void lost(ClientChannel channel, JMSException cause) {
                channelLost(channel, cause);
            }
        };
    }

    @Override
    public void setEvents(ConnectionEventListener listener) {
        events = listener;
    }

    // ----------------------------------------------------------------------------------- first connect

    /**
     * Tries every server once, in the order given, and returns the first channel that a server accepted; the
     * caller installs it and then calls {@link #start}. Blocks the application's thread, not the event loop.
     */
    @Override
    public ClientChannel connectFirst(String clientId) throws JMSException {
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            Server s = servers.get(i);
            try {
                ClientChannel ch = connect(s, clientId);
                synchronized (lock) {
                    machine.firstConnected(i);
                }
                return ch;
            } catch (JMSSecurityException e) {
                close();
                throw e;
            } catch (JMSException e) {
                failures.add(s + ": " + e.getMessage());
            }
        }
        close();
        throw new JMSException("No FMQ server accepted the connection (tried " + servers + "; of an HA pair only the active server "
                + "accepts clients):\n  " + String.join("\n  ", failures));
    }

    /** Waits for one connect attempt (application thread). */
    private ClientChannel connect(Server s, String clientId) throws JMSException {
        CompletableFuture<ClientChannel> f = ClientChannel.connectAsync(loop, null, s.host(), s.port(), user, password, clientId,
                heartbeatMillis, connectTimeoutMillis, channelListener);
        try {
            return f.get(connectTimeoutMillis + 1000L, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JMSException("interrupted while connecting to " + s);
        } catch (TimeoutException e) {
            f.thenAccept(ClientChannel::abandon);
            throw new JMSException("no answer from " + s + " within " + connectTimeoutMillis + " ms");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof JMSException) {
                throw (JMSException) e.getCause();
            }
            throw new JMSException(String.valueOf(e.getCause()));
        }
    }

    /** Sends what earlier runs left in the outbox, then goes online (on the recovery thread). */
    @Override
    public void start() {
        ClientChannel ch = connection.channel;
        int index;
        synchronized (lock) {
            index = machine.serverIndex();
        }
        recovery.execute(() -> restore(ch, index, false));
    }

    // ----------------------------------------------------------------------------------- sending

    /**
     * Sends a message outside a transaction. Online it goes to the server and the future completes with the
     * server's confirmation (or its refusal); offline, or if the link breaks before the confirmation, the message
     * goes to the outbox and the future completes once it is there (on disk, for a persistent message).
     */
    @Override
    public CompletableFuture<Void> send(int sessionId, WireMessage m) throws JMSException {
        synchronized (lock) {
            checkUsable();
            if (machine.state() != ReconnectMachine.State.ONLINE) {
                flushMoves();
                outboxFor(m).add(m, false);
                return CompletableFuture.completedFuture(null);
            }
            long key = inflightCounter.incrementAndGet();
            InFlight f = new InFlight(m, new CompletableFuture<>());
            inflight.put(key, f);
            ClientChannel ch = connection.channel;
            ch.requestAsync(rid -> new Frame.Send(rid, sessionId, m), null).whenComplete((answer, e) -> {
                if (e != null && (ch.isBroken() || notActive(e))) {
                    // the loss moves it to the outbox and completes it there; a server that may no longer confirm
                    // (not the active one) closes the connection, which counts as a loss: the send is retried on the
                    // active server with the same message id, never reported to the application
                    return;
                }
                inflight.remove(key);
                if (e == null) {
                    f.done().complete(null);
                } else {
                    f.done().completeExceptionally(e);
                }
            });
            return f.done();
        }
    }

    /** Whether the server refused because it is not the active server (ErrorCode NOT_ACTIVE; it closes the connection). */
    static boolean notActive(Throwable e) {
        Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        return c instanceof JMSException && io.fmq.protocol.ErrorCode.NOT_ACTIVE.equals(((JMSException) c).getErrorCode());
    }

    private Outbox outboxFor(WireMessage m) {
        return m.persistent() ? persistentOutbox : memoryOutbox;
    }

    /** Writes the unconfirmed sends of a lost channel to the outboxes, oldest first. Lock held. */
    private void flushMoves() {
        for (InFlight f : toMove) {
            try {
                outboxFor(f.message()).add(f.message(), true); // accepted before the loss: never refused for space
                f.done().complete(null);
            } catch (JMSException e) {
                f.done().completeExceptionally(e);
            }
        }
        toMove.clear();
    }

    private void checkUsable() throws IllegalStateException {
        if (machine.state() == ReconnectMachine.State.CLOSED) {
            throw new IllegalStateException("the connection is closed");
        }
        if (machine.state() == ReconnectMachine.State.FAILED) {
            throw new IllegalStateException("the connection failed: no server could be reached within the reconnect timeout ("
                    + plan.timeout() + ")" + (lastFailure == null ? "" : "; last problem: " + lastFailure.getMessage()));
        }
    }

    @Override
    public boolean repairs(ClientChannel ch) {
        return ch.isBroken() || ch != connection.channel;
    }

    @Override
    public void acknowledged(String messageId) {
        acknowledged.add(messageId);
    }

    @Override
    public boolean wasAcknowledged(String messageId) {
        return acknowledged.contains(messageId);
    }

    @Override
    public boolean isOnline() {
        synchronized (lock) {
            return machine.state() == ReconnectMachine.State.ONLINE;
        }
    }

    /** Waits (bounded by the reconnect timeout) until the link is online, for operations that need the server. */
    @Override
    public void awaitOnline() throws JMSException {
        long deadline = System.nanoTime() + plan.timeout().toNanos();
        synchronized (lock) {
            while (machine.state() != ReconnectMachine.State.ONLINE) {
                checkUsable();
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new JMSException("no FMQ server accepted the connection within " + plan.timeout());
                }
                try {
                    lock.wait(Math.max(1, Math.min(1000, TimeUnit.NANOSECONDS.toMillis(left))));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new JMSException("interrupted while waiting for the connection to come back");
                }
            }
        }
    }

    // ----------------------------------------------------------------------------------- losing and finding a server

    /** The socket of {@code ch} is gone (event loop). */
    private void channelLost(ClientChannel ch, JMSException cause) {
        Server lost;
        synchronized (lock) {
            if (ch != connection.channel || !machine.lost(System.nanoTime())) {
                return;
            }
            lastFailure = cause;
            for (Map.Entry<Long, InFlight> e : inflight.entrySet()) {
                toMove.add(e.getValue());
            }
            inflight.clear();
            lost = servers.get(machine.serverIndex());
        }
        LOG.info("FMQ connection to " + lost + " lost (" + cause.getMessage() + "); looking for a server among " + servers);
        recovery.execute(() -> {
            synchronized (lock) {
                flushMoves();
            }
            connection.linkLost();
            ConnectionEventListener l = events;
            if (l != null) {
                try {
                    l.disconnected(lost.toString(), cause);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "connection event listener failed", e);
                }
            }
        });
        scheduleNextAttempt();
    }

    private void scheduleNextAttempt() {
        ReconnectMachine.Next next;
        synchronized (lock) {
            next = machine.next(System.nanoTime());
            if (next.kind() == ReconnectMachine.Next.Kind.GIVE_UP) {
                giveUp();
                return;
            }
        }
        if (next.kind() != ReconnectMachine.Next.Kind.ATTEMPT) {
            return;
        }
        try {
            loop.schedule(() -> tryServer(next.serverIndex()), next.delayMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    /** One attempt (event loop): connect without waiting; the outcome schedules the next step. */
    private void tryServer(int index) {
        String clientId;
        synchronized (lock) {
            if (!machine.attemptWanted()) {
                return;
            }
            clientId = connection.clientIdForHandshake();
        }
        Server s = servers.get(index);
        ClientChannel.connectAsync(loop, null, s.host(), s.port(), user, password, clientId, heartbeatMillis, connectTimeoutMillis,
                channelListener).whenComplete((ch, e) -> {
                    if (e != null) {
                        synchronized (lock) {
                            lastFailure = e instanceof JMSException ? (JMSException) e : new JMSException(String.valueOf(e));
                        }
                        scheduleNextAttempt();
                        return;
                    }
                    try {
                        recovery.execute(() -> restore(ch, index, true));
                    } catch (java.util.concurrent.RejectedExecutionException closing) {
                        ch.abandon();
                    }
                });
    }

    /** The reconnect timeout ran out (lock held): the connection fails and the application's ExceptionListener hears it. */
    private void giveUp() {
        lock.notifyAll();
        JMSException failure = new JMSException("The FMQ connection was lost and no server of " + servers + " accepted it again within "
                + plan.timeout() + (lastFailure == null ? "" : "; last problem: " + lastFailure.getMessage()));
        failure.setLinkedException(lastFailure);
        LOG.warning(failure.getMessage());
        recovery.execute(() -> connection.linkFailed(failure));
    }

    // ----------------------------------------------------------------------------------- restoring

    /** Recovery thread: installs the channel, re-creates sessions and consumers, sends the outboxes, goes online. */
    private void restore(ClientChannel ch, int index, boolean reconnect) {
        int from;
        synchronized (lock) {
            if (reconnect) {
                if (!machine.connected(index)) {
                    ch.abandon();
                    return;
                }
                connection.channel = ch;
                from = machine.previousIndex();
            } else {
                from = index;
            }
        }
        try {
            ch.request(rid -> new Frame.SessionOpen(rid, OUTBOX_SESSION, false, Session.AUTO_ACKNOWLEDGE), connectTimeoutMillis);
            if (reconnect) {
                connection.restoreOn(ch);
            }
            drain(ch);
        } catch (JMSException e) {
            boolean again = false;
            synchronized (lock) {
                if (connection.channel == ch && machine.restoreFailed(System.nanoTime())) {
                    lastFailure = e;
                    again = true;
                }
            }
            LOG.info("FMQ connection to " + servers.get(index) + " could not be restored (" + e.getMessage() + "); trying again");
            ch.abandon();
            if (again) {
                scheduleNextAttempt();
            }
            return;
        }
        if (reconnect) {
            String to = servers.get(index).toString();
            LOG.info("FMQ connection " + (from == index ? "re-established with " : "failed over from " + servers.get(from) + " to ") + to);
            ConnectionEventListener l = events;
            if (l != null) {
                try {
                    if (from == index) {
                        l.reconnected(to);
                    } else {
                        l.failedOver(servers.get(from).toString(), to);
                    }
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "connection event listener failed", e);
                }
            }
        }
    }

    /** Sends the outboxes in order, in batches; goes online once they are empty (recovery thread). */
    private void drain(ClientChannel ch) throws JMSException {
        while (true) {
            Outbox box;
            List<Outbox.Entry> batch;
            synchronized (lock) {
                if (machine.state() != ReconnectMachine.State.RESTORING || connection.channel != ch) {
                    throw new JMSException("the link was lost while the outbox was being sent");
                }
                flushMoves();
                box = !persistentOutbox.isEmpty() ? persistentOutbox : !memoryOutbox.isEmpty() ? memoryOutbox : null;
                if (box == null) {
                    machine.online();
                    lastFailure = null;
                    lock.notifyAll();
                    return;
                }
                batch = box.oldest(DRAIN_BATCH);
            }
            List<CompletableFuture<Frame>> answers = new ArrayList<>();
            for (Outbox.Entry e : batch) {
                answers.add(ch.requestAsync(rid -> new Frame.Send(rid, OUTBOX_SESSION, e.message()), null));
            }
            for (int i = 0; i < batch.size(); i++) {
                try {
                    answers.get(i).get(connection.timeoutMillis, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new JMSException("interrupted while sending the outbox");
                } catch (TimeoutException e) {
                    throw new JMSException("the server did not confirm a message of the outbox within " + connection.timeoutMillis + " ms");
                } catch (ExecutionException e) {
                    if (ch.isBroken() || !(e.getCause() instanceof JMSException)) {
                        throw new JMSException("the link was lost while the outbox was being sent");
                    }
                    // the server refused this message (no right to send, no such destination): it can never be sent
                    LOG.warning("FMQ server refused message " + batch.get(i).message().messageId() + " to "
                            + batch.get(i).message().destination() + " from the outbox; it is dropped: " + e.getCause().getMessage());
                }
            }
            synchronized (lock) {
                for (Outbox.Entry e : batch) {
                    box.remove(e);
                }
            }
        }
    }

    /** Messages waiting in the outboxes (persistent, non-persistent). */
    @Override
    public int[] outboxCounts() {
        synchronized (lock) {
            return new int[] {persistentOutbox.count() + (int) toMove.stream().filter(f -> f.message().persistent()).count(),
                memoryOutbox.count()};
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (!machine.close()) {
                return;
            }
            flushMoves();
            lock.notifyAll();
            persistentOutbox.close();
            memoryOutbox.close();
        }
        recovery.shutdown();
        ioLease.close();
    }
}
