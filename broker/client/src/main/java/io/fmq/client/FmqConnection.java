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
    final ClientChannel channel;
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
        this.channel = ClientChannel.connect(host, port, user, password, clientId, heartbeatMillis, (int) Math.min(timeoutMillis, 30_000),
                new ClientChannel.Listener() {
                    @Override
                    public void delivered(Frame.Deliver deliver) {
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

                    @Override
                    public void lost(JMSException cause) {
                        connectionLost(cause);
                    }
                });
        if (clientId != null) {
            used = true;
        }
    }

    FmqConnectionFactory factory() {
        return factory;
    }

    String newMessageId() {
        return "ID:" + channel.connectionId() + "-" + messageIds.incrementAndGet();
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

    /** Blocks while the connection is stopped; returns false when it closed meanwhile or the wait ran out. */
    boolean awaitStarted(long deadlineNanos) throws InterruptedException {
        synchronized (startLock) {
            while (!started && !closed) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                startLock.wait(Math.max(1, left / 1_000_000));
            }
            return !closed;
        }
    }

    boolean isStarted() {
        return started;
    }

    private void connectionLost(JMSException cause) {
        ExceptionListener l = exceptionListener;
        closed = true;
        synchronized (startLock) {
            startLock.notifyAll();
        }
        sessions.values().forEach(FmqSession::connectionClosed);
        if (l != null) {
            l.onException(cause);
        }
    }

    @Override
    public Session createSession(boolean transacted, int acknowledgeMode) throws JMSException {
        checkOpen();
        used = true;
        int mode = transacted ? Session.SESSION_TRANSACTED : acknowledgeMode;
        if (!transacted && mode != Session.AUTO_ACKNOWLEDGE && mode != Session.CLIENT_ACKNOWLEDGE && mode != Session.DUPS_OK_ACKNOWLEDGE) {
            throw new JMSException("unknown acknowledge mode " + acknowledgeMode);
        }
        int id = sessionIds.incrementAndGet();
        channel.request(rid -> new Frame.SessionOpen(rid, id, transacted, mode), timeoutMillis);
        FmqSession s = new FmqSession(this, id, transacted, mode);
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
        return (QueueSession) createSession(transacted, acknowledgeMode);
    }

    @Override
    public TopicSession createTopicSession(boolean transacted, int acknowledgeMode) throws JMSException {
        return (TopicSession) createSession(transacted, acknowledgeMode);
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

    @Override
    public void start() throws JMSException {
        checkOpen();
        used = true;
        synchronized (startLock) {
            started = true;
            startLock.notifyAll();
        }
        sessions.values().forEach(FmqSession::wakeUp);
    }

    @Override
    public void stop() throws JMSException {
        checkOpen();
        FmqSession.checkNotInListener(this);
        used = true;
        synchronized (startLock) {
            started = false;
        }
        for (FmqSession s : sessions.values()) {
            s.awaitListenerIdle();
        }
    }

    @Override
    public void close() throws JMSException {
        if (closed) {
            return;
        }
        FmqSession.checkNotInListener(this);
        for (FmqSession s : sessions.values()) {
            s.close();
        }
        closed = true;
        synchronized (startLock) {
            startLock.notifyAll();
        }
        channel.close();
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
            return java.util.Collections.enumeration(List.of("JMSXDeliveryCount"));
        }
    }
}
