package io.fmq.client;

import io.fmq.protocol.Dest;
import io.fmq.protocol.Frame;
import io.fmq.protocol.FrameType;
import jakarta.jms.ConnectionConsumer;
import jakarta.jms.ConnectionMetaData;
import jakarta.jms.Destination;
import jakarta.jms.ExceptionListener;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.QueueConnection;
import jakarta.jms.QueueSession;
import jakarta.jms.ServerSessionPool;
import jakarta.jms.Session;
import jakarta.jms.Topic;
import jakarta.jms.TopicConnection;
import jakarta.jms.TopicSession;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** A connection to one FMQ server. */
public final class FmqConnection implements QueueConnection, TopicConnection {
    /** The current link to the server; a durable connection replaces it after a reconnect. */
    volatile ClientChannel channel;
    /** How the server is reached: one channel for a plain connection, a reconnecting link for a durable one. */
    final ServerLink link;
    final int prefetch;
    final long timeoutMillis;
    private final FmqConnectionFactory factory;
    private final Map<Integer, FmqSession> sessions = new ConcurrentHashMap<>();
    private final Map<Integer, FmqMessageConsumer> consumers = new ConcurrentHashMap<>();
    private final Map<Integer, List<jakarta.jms.Message>> browsers = new ConcurrentHashMap<>();
    private final List<FmqDestination> temporaries = new CopyOnWriteArrayList<>();
    private final AtomicInteger sessionIds = new AtomicInteger();
    private final AtomicInteger consumerIds = new AtomicInteger();
    private final AtomicLong messageIds = new AtomicLong();
    /** Makes message ids unique across connections and servers (a resend after a failover keeps its id). */
    private final String messageIdPrefix = "ID:" + java.util.UUID.randomUUID().toString().replace("-", "") + "-";
    private final Object startLock = new Object();
    private volatile boolean started;
    private volatile boolean closed;
    private volatile boolean used;
    private volatile String clientId;
    private volatile ExceptionListener exceptionListener;

    FmqConnection(FmqConnectionFactory factory, String host, int port, String user, String password, String clientId, int prefetch,
                  int heartbeatMillis, long timeoutMillis) throws JMSException {
        this.factory = factory;
        this.prefetch = prefetch;
        this.timeoutMillis = timeoutMillis;
        this.clientId = clientId;
        ClientChannel.Listener listener = new ClientChannel.Listener() {
            @Override
            public void delivered(Frame.Deliver deliver) {
                dispatch(deliver);
            }

            @Override
            public void lost(ClientChannel ch, JMSException cause) {
                connectionLost(cause);
            }
        };
        int connectTimeout = (int) Math.min(timeoutMillis, 30_000);
        ClientIo.checkSettings();
        if (factory.isDurableConnections()) {
            Outbox persistent = FileOutbox.open(outboxFolder(factory, clientId), factory.outboxMaxMessages(), factory.outboxMaxBytes());
            Outbox memory = new MemoryOutbox(factory.memoryOutboxMaxMessages(), factory.memoryOutboxMaxBytes());
            this.link = new DurableLink(this, factory.servers(), factory.reconnectPlan(), user, password, heartbeatMillis, connectTimeout,
                    persistent, memory, listener);
        } else {
            this.link = new PlainLink(this, host, port, user, password, heartbeatMillis, connectTimeout, listener);
        }
        this.channel = link.connectFirst(clientId);
        link.start();
        if (clientId != null) {
            used = true;
        }
    }

    /** The outbox folder of a durable connection: per client id (so it outlives the process), else private to this connection. */
    private static java.nio.file.Path outboxFolder(FmqConnectionFactory factory, String clientId) {
        String name = clientId == null ? "connection-" + java.util.UUID.randomUUID()
                : "client-" + clientId.replaceAll("[^A-Za-z0-9._-]", "_");
        return java.nio.file.Path.of(factory.getOutboxDirectory()).resolve(name);
    }

    private void dispatch(Frame.Deliver deliver) {
        List<jakarta.jms.Message> browsed = browsers.get(deliver.consumerId());
        if (browsed != null) {
            try {
                browsed.add(FmqMessage.fromWire(deliver.message()));
            } catch (JMSException e) {
                // a message the client cannot read is left out of the snapshot
            }
            return;
        }
        FmqMessageConsumer c = consumers.get(deliver.consumerId());
        if (c != null) {
            c.delivered(deliver);
        }
    }

    /** An FMQ extension: hears when a durable connection loses its server and when it is back. */
    public void setConnectionEventListener(ConnectionEventListener listener) throws JMSException {
        checkOpen();
        link.setEvents(listener);
    }

    /** Whether this is a durable connection that has a server right now (always true for a plain open connection). */
    public boolean isOnline() {
        return link.isOnline();
    }

    /** Durable connections: messages waiting in the outboxes, {@code [persistent, non-persistent]}. */
    public int[] outboxCounts() {
        return link.outboxCounts();
    }

    /** The client id to present when (re)connecting. */
    String clientIdForHandshake() {
        return clientId;
    }

    /** Durable: waits until the link is online (for operations that need the server). */
    void awaitOnline() throws JMSException {
        link.awaitOnline();
    }

    /** Durable: the link broke; what was prefetched will come again from the server (recovery thread). */
    void linkLost() {
        sessions.values().forEach(FmqSession::linkLost);
    }

    /** Durable: re-creates the sessions and consumers on a new channel, and starts it if this connection is started (recovery thread). */
    void restoreOn(ClientChannel ch) throws JMSException {
        List<FmqSession> ordered = new java.util.ArrayList<>(sessions.values());
        ordered.sort(java.util.Comparator.comparingInt(x -> x.id));
        for (FmqSession s : ordered) {
            if (!s.isClosed()) {
                s.restoreOn(ch);
            }
        }
        synchronized (startLock) {
            if (started) {
                ch.request(rid -> new Frame.Flow(rid, true, new int[0], new long[0]), timeoutMillis);
            }
        }
    }

    /** Durable: no server could be reached within the reconnect timeout (recovery thread). */
    void linkFailed(JMSException cause) {
        connectionLost(cause);
    }

    FmqConnectionFactory factory() {
        return factory;
    }

    String newMessageId() {
        return messageIdPrefix + messageIds.incrementAndGet();
    }

    int newConsumerId() {
        return consumerIds.incrementAndGet();
    }

    void register(FmqMessageConsumer c) {
        consumers.put(c.id, c);
    }

    void registerBrowser(int id, List<jakarta.jms.Message> sink) {
        browsers.put(id, sink);
    }

    void unregisterBrowser(int id) {
        browsers.remove(id);
    }

    void unregister(FmqMessageConsumer c) {
        consumers.remove(c.id);
    }

    void unregister(FmqSession s) {
        sessions.remove(s.id);
    }

    void checkOpen() throws IllegalStateException {
        if (closed) {
            throw new IllegalStateException("the connection is closed");
        }
    }

    boolean isStarted() {
        return started;
    }

    private void connectionLost(JMSException cause) {
        ExceptionListener l = exceptionListener;
        if (closed) {
            return;
        }
        closed = true;
        synchronized (startLock) {
            startLock.notifyAll();
        }
        sessions.values().forEach(FmqSession::connectionClosed);
        channel.abandon();
        link.close();
        if (l != null) {
            // not on the I/O thread that noticed the loss: that thread serves other connections too, and a listener
            // may well block (close other connections, reconnect)
            ClientIo.callback(() -> l.onException(cause));
        }
    }

    @Override
    public Session createSession(boolean transacted, int acknowledgeMode) throws JMSException {
        return createSession(transacted, acknowledgeMode, FmqSession.Domain.ANY);
    }

    private FmqSession createSession(boolean transacted, int acknowledgeMode, FmqSession.Domain domain) throws JMSException {
        checkOpen();
        used = true;
        int mode = transacted ? Session.SESSION_TRANSACTED : acknowledgeMode;
        if (!transacted && mode != Session.AUTO_ACKNOWLEDGE && mode != Session.CLIENT_ACKNOWLEDGE && mode != Session.DUPS_OK_ACKNOWLEDGE) {
            throw new JMSException("unknown acknowledge mode " + acknowledgeMode);
        }
        awaitOnline();
        int id = sessionIds.incrementAndGet();
        channel.request(rid -> new Frame.SessionOpen(rid, id, transacted, mode), timeoutMillis);
        FmqSession s = new FmqSession(this, id, transacted, mode, domain);
        sessions.put(id, s);
        return s;
    }

    @Override
    public Session createSession(int sessionMode) throws JMSException {
        return createSession(sessionMode == Session.SESSION_TRANSACTED, sessionMode);
    }

    @Override
    public Session createSession() throws JMSException {
        return createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    @Override
    public QueueSession createQueueSession(boolean transacted, int acknowledgeMode) throws JMSException {
        return createSession(transacted, acknowledgeMode, FmqSession.Domain.QUEUE);
    }

    @Override
    public TopicSession createTopicSession(boolean transacted, int acknowledgeMode) throws JMSException {
        return createSession(transacted, acknowledgeMode, FmqSession.Domain.TOPIC);
    }

    @Override
    public String getClientID() throws JMSException {
        checkOpen();
        return clientId;
    }

    @Override
    public void setClientID(String newClientId) throws JMSException {
        checkOpen();
        if (clientId != null || used) {
            throw new IllegalStateException("the client id can only be set once, before the connection is used");
        }
        if (newClientId == null || newClientId.isEmpty()) {
            throw new jakarta.jms.InvalidClientIDException("a client id cannot be empty");
        }
        channel.request(rid -> new Frame.ClientId(rid, newClientId), timeoutMillis);
        clientId = newClientId;
        used = true;
    }

    @Override
    public ConnectionMetaData getMetaData() throws JMSException {
        checkOpen();
        used = true;
        return new MetaData();
    }

    @Override
    public ExceptionListener getExceptionListener() throws JMSException {
        checkOpen();
        return exceptionListener;
    }

    @Override
    public void setExceptionListener(ExceptionListener listener) throws JMSException {
        checkOpen();
        used = true;
        exceptionListener = listener;
    }

    /**
     * Starts delivery: the server begins to send this connection's consumers messages (a new connection is
     * stopped, and the server sends it nothing until it starts).
     */
    @Override
    public void start() throws JMSException {
        checkOpen();
        used = true;
        synchronized (startLock) {
            if (!started) {
                started = true;
                tellServer(new int[0], new long[0]);
            }
            startLock.notifyAll();
        }
        sessions.values().forEach(FmqSession::wakeUp);
    }

    /**
     * Stops delivery: refused inside a message listener of this connection. Waits for running message listeners
     * and receives, then tells the server, which stops sending and takes back every prefetched message the
     * application has not received (it goes back to its destination for other consumers, as never delivered).
     * Receives block and listeners are not called until {@link #start()}; sending goes on.
     */
    @Override
    public void stop() throws JMSException {
        checkOpen();
        for (FmqSession s : sessions.values()) {
            if (s.callbackOfCurrentThread() == SessionDispatcher.Callback.MESSAGE_LISTENER) {
                throw new IllegalStateException("a message listener may not stop its own connection");
            }
        }
        used = true;
        synchronized (startLock) {
            if (!started) {
                return;
            }
            started = false;
        }
        List<FmqMessageConsumer> open = new java.util.ArrayList<>();
        for (FmqSession s : sessions.values()) {
            s.awaitListenerIdle();
            open.addAll(s.consumers());
        }
        int[] ids = new int[open.size()];
        long[] last = new long[open.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = open.get(i).id;
            last[i] = open.get(i).lastConsumed(); // final now: nothing consumes while stopped
        }
        synchronized (startLock) {
            if (!started) {
                tellServer(ids, last);
            }
        }
    }

    /** Sends a start (no consumers listed) or a stop to the server; a durable connection that is offline tells the next server when it restores. */
    private void tellServer(int[] consumerIds, long[] lastConsumed) throws JMSException {
        boolean start = started;
        ClientChannel ch = channel;
        if (link.repairs(ch)) {
            return; // the durable link restores the state on its next channel (restoreOn); a channel being restored gets it here
        }
        try {
            ClientChannel.await(ch.requestAsync(rid -> new Frame.Flow(rid, start, consumerIds, lastConsumed), answer -> {
                if (!start) {
                    long watermark = ((Frame.Ok) answer).value();
                    sessions.values().forEach(s -> s.dropDeliveredUpTo(watermark));
                }
            }), timeoutMillis);
        } catch (JMSException e) {
            if (!link.repairs(ch)) {
                throw e;
            }
            // the durable link broke meanwhile: the restored connection gets the current state
        }
    }

    /**
     * Closes the connection: refused inside a message listener or completion listener of this connection.
     * Closes every session (each waits for its listener and its unconfirmed asynchronous sends), then the link.
     */
    @Override
    public void close() throws JMSException {
        if (closed) {
            return;
        }
        for (FmqSession s : sessions.values()) {
            SessionDispatcher.Callback inside = s.callbackOfCurrentThread();
            if (inside == SessionDispatcher.Callback.MESSAGE_LISTENER) {
                throw new IllegalStateException("a message listener may not close its own connection");
            }
            if (inside == SessionDispatcher.Callback.COMPLETION_LISTENER) {
                throw new IllegalStateException("a completion listener may not close its own connection");
            }
        }
        for (FmqSession s : sessions.values()) {
            s.close();
        }
        closed = true;
        synchronized (startLock) {
            startLock.notifyAll();
        }
        channel.close();
        link.close();
    }

    boolean isClosed() {
        return closed;
    }

    FmqDestination createTemporary(Dest.Kind kind) throws JMSException {
        checkOpen();
        Frame.Ok ok = (Frame.Ok) channel.request(rid -> new Frame.DestinationCommand(rid, FrameType.TEMP_CREATE,
                new Dest(kind, "new"), null), timeoutMillis);
        FmqDestination d = kind == Dest.Kind.TEMP_QUEUE ? new FmqDestination.FmqTemporaryQueue(ok.text(), this)
                : new FmqDestination.FmqTemporaryTopic(ok.text(), this);
        temporaries.add(d);
        return d;
    }

    void deleteTemporary(FmqDestination d) throws JMSException {
        checkOpen();
        channel.request(rid -> new Frame.DestinationCommand(rid, FrameType.TEMP_DELETE, d.toDest(), null), timeoutMillis);
        temporaries.remove(d);
    }

    boolean owns(FmqDestination d) {
        return temporaries.contains(d);
    }

    void unsubscribe(String name) throws JMSException {
        checkOpen();
        channel.request(rid -> new Frame.DestinationCommand(rid, FrameType.UNSUBSCRIBE, null, name), timeoutMillis);
    }

    private static final String UNSUPPORTED_POOL = "connection consumers (application-server session pools) are not offered by FMQ";

    @Override
    public ConnectionConsumer createConnectionConsumer(Destination destination, String messageSelector, ServerSessionPool sessionPool,
                                                       int maxMessages) throws JMSException {
        throw new JMSException(UNSUPPORTED_POOL);
    }

    @Override
    public ConnectionConsumer createSharedConnectionConsumer(Topic topic, String subscriptionName, String messageSelector,
                                                             ServerSessionPool sessionPool, int maxMessages) throws JMSException {
        throw new JMSException(UNSUPPORTED_POOL);
    }

    @Override
    public ConnectionConsumer createDurableConnectionConsumer(Topic topic, String subscriptionName, String messageSelector,
                                                              ServerSessionPool sessionPool, int maxMessages) throws JMSException {
        throw new JMSException(UNSUPPORTED_POOL);
    }

    @Override
    public ConnectionConsumer createSharedDurableConnectionConsumer(Topic topic, String subscriptionName, String messageSelector,
                                                                    ServerSessionPool sessionPool, int maxMessages) throws JMSException {
        throw new JMSException(UNSUPPORTED_POOL);
    }

    @Override
    public ConnectionConsumer createConnectionConsumer(jakarta.jms.Queue queue, String messageSelector, ServerSessionPool sessionPool,
                                                       int maxMessages) throws JMSException {
        throw new JMSException(UNSUPPORTED_POOL);
    }

    @Override
    public ConnectionConsumer createConnectionConsumer(Topic topic, String messageSelector, ServerSessionPool sessionPool,
                                                       int maxMessages) throws JMSException {
        throw new JMSException(UNSUPPORTED_POOL);
    }

    /** What the connection tells about FMQ and the JMS version it implements. */
    private static final class MetaData implements ConnectionMetaData {
        @Override
        public String getJMSVersion() {
            return "3.1";
        }

        @Override
        public int getJMSMajorVersion() {
            return 3;
        }

        @Override
        public int getJMSMinorVersion() {
            return 1;
        }

        @Override
        public String getJMSProviderName() {
            return "FMQ";
        }

        @Override
        public String getProviderVersion() {
            return Version.VERSION;
        }

        @Override
        public int getProviderMajorVersion() {
            return 0;
        }

        @Override
        public int getProviderMinorVersion() {
            return 1;
        }

        @Override
        public Enumeration<String> getJMSXPropertyNames() {
            return java.util.Collections.enumeration(List.of("JMSXDeliveryCount", "JMSXGroupID", "JMSXGroupSeq"));
        }
    }
}
