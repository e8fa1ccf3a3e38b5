package io.fmq.client;

import io.fmq.protocol.Dest;
import io.fmq.protocol.Frame;
import io.fmq.protocol.FrameType;
import jakarta.jms.BytesMessage;
import jakarta.jms.Destination;
import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageListener;
import jakarta.jms.MessageProducer;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.QueueReceiver;
import jakarta.jms.QueueSender;
import jakarta.jms.QueueSession;
import jakarta.jms.Session;
import jakarta.jms.StreamMessage;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TemporaryTopic;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import jakarta.jms.TopicPublisher;
import jakarta.jms.TopicSession;
import jakarta.jms.TopicSubscriber;
import java.io.Serializable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A session: a single-threaded context for producing and consuming. Message listeners of a session
 * run one at a time on the session's own delivery thread.
 */
public class FmqSession implements QueueSession, TopicSession {
    private static final ThreadLocal<FmqSession> IN_LISTENER = new ThreadLocal<>();

    final FmqConnection connection;
    final int id;
    final boolean transacted;
    final int acknowledgeMode;
    private final List<FmqMessageConsumer> consumers = new CopyOnWriteArrayList<>();
    private final List<FmqMessageProducer> producers = new CopyOnWriteArrayList<>();
    /** Messages for consumers with listeners, in arrival order. */
    private final LinkedBlockingQueue<Object[]> listenerQueue = new LinkedBlockingQueue<>();
    private final Object listenerIdle = new Object();
    private volatile boolean listenerBusy;
    private Thread deliveryThread;
    /** The last delivery handed to the application (for CLIENT_ACKNOWLEDGE). */
    private volatile long lastDeliveredId;
    private volatile boolean closed;
    /** Transacted, durable connection: the transaction did work since its last commit or rollback. */
    private volatile boolean txDirty;
    /** Transacted, durable connection: the link broke during the transaction, so the server forgot it; the commit must fail. */
    private volatile boolean txLost;
    /** Durable connection, CLIENT_ACKNOWLEDGE: ids of the messages the next acknowledge() covers. */
    private final List<String> unacknowledgedIds = new CopyOnWriteArrayList<>();

    FmqSession(FmqConnection connection, int id, boolean transacted, int acknowledgeMode) {
        this.connection = connection;
        this.id = id;
        this.transacted = transacted;
        this.acknowledgeMode = acknowledgeMode;
    }

    void checkOpen() throws IllegalStateException {
        if (closed) {
            throw new IllegalStateException("the session is closed");
        }
        connection.checkOpen();
    }

    static void checkNotInListener(FmqConnection c) throws IllegalStateException {
        FmqSession s = IN_LISTENER.get();
        if (s != null && s.connection == c) {
            throw new IllegalStateException("a message listener may not stop or close its own connection");
        }
    }

    // ------------------------------------------------------------------------------- messages

    @Override
    public BytesMessage createBytesMessage() throws JMSException {
        checkOpen();
        return new FmqBytesMessage();
    }

    @Override
    public MapMessage createMapMessage() throws JMSException {
        checkOpen();
        return new FmqMapMessage();
    }

    @Override
    public Message createMessage() throws JMSException {
        checkOpen();
        return new FmqMessage();
    }

    @Override
    public ObjectMessage createObjectMessage() throws JMSException {
        checkOpen();
        return new FmqObjectMessage();
    }

    @Override
    public ObjectMessage createObjectMessage(Serializable object) throws JMSException {
        FmqObjectMessage m = (FmqObjectMessage) createObjectMessage();
        m.setObject(object);
        return m;
    }

    @Override
    public StreamMessage createStreamMessage() throws JMSException {
        checkOpen();
        return new FmqStreamMessage();
    }

    @Override
    public TextMessage createTextMessage() throws JMSException {
        checkOpen();
        return new FmqTextMessage();
    }

    @Override
    public TextMessage createTextMessage(String text) throws JMSException {
        TextMessage m = createTextMessage();
        m.setText(text);
        return m;
    }

    // ------------------------------------------------------------------------------- transactions and acknowledgement

    @Override
    public boolean getTransacted() throws JMSException {
        checkOpen();
        return transacted;
    }

    @Override
    public int getAcknowledgeMode() throws JMSException {
        checkOpen();
        return acknowledgeMode;
    }

    @Override
    public void commit() throws JMSException {
        checkOpen();
        if (!transacted) {
            throw new IllegalStateException("commit() on a session that is not transacted");
        }
        if (connection.link == null) {
            connection.channel.request(rid -> new Frame.SessionCommand(rid, FrameType.COMMIT, id), connection.timeoutMillis);
            return;
        }
        if (txLost || !connection.link.isOnline()) {
            txLost = false;
            txDirty = false;
            unacknowledgedIds.clear();
            throw new jakarta.jms.TransactionRolledBackException("The transaction was rolled back: the connection to the FMQ server "
                    + "was lost during it (the durable connection reconnected or failed over). Repeat the transaction's work.");
        }
        ClientChannel ch = connection.channel;
        try {
            ch.request(rid -> new Frame.SessionCommand(rid, FrameType.COMMIT, id), connection.timeoutMillis);
        } catch (JMSException e) {
            if (ch.isBroken() || ch != connection.channel) {
                txLost = false;
                txDirty = false;
                unacknowledgedIds.clear();
                jakarta.jms.TransactionRolledBackException t = new jakarta.jms.TransactionRolledBackException("The commit did not "
                        + "complete: the connection to the FMQ server was lost (the durable connection reconnects). Repeat the "
                        + "transaction's work.");
                t.setLinkedException(e);
                throw t;
            }
            throw e;
        }
        txDirty = false;
        unacknowledgedIds.forEach(connection.acknowledged::add);
        unacknowledgedIds.clear();
    }

    @Override
    public void rollback() throws JMSException {
        checkOpen();
        if (!transacted) {
            throw new IllegalStateException("rollback() on a session that is not transacted");
        }
        redeliverAll(FrameType.ROLLBACK);
    }

    @Override
    public void recover() throws JMSException {
        checkOpen();
        if (transacted) {
            throw new IllegalStateException("recover() on a transacted session: use rollback()");
        }
        redeliverAll(FrameType.RECOVER);
    }

    /** Asks the server to redeliver; what was prefetched is dropped when the answer arrives, before the redeliveries. */
    private void redeliverAll(FrameType command) throws JMSException {
        connection.awaitOnline();
        txLost = false;
        txDirty = false;
        unacknowledgedIds.clear();
        ClientChannel.await(connection.channel.requestAsync(rid -> new Frame.SessionCommand(rid, command, id), () -> {
            consumers.forEach(FmqMessageConsumer::dropPrefetched);
            listenerQueue.clear();
        }), connection.timeoutMillis);
    }

    /** CLIENT_ACKNOWLEDGE: acknowledges every message the session has delivered so far. */
    void acknowledgeUpTo(FmqMessage m) throws JMSException {
        checkOpen();
        if (acknowledgeMode != Session.CLIENT_ACKNOWLEDGE) {
            return;
        }
        long upTo = lastDeliveredId;
        if (upTo > 0) {
            connection.channel.request(rid -> new Frame.Ack(rid, id, upTo, true), connection.timeoutMillis);
            if (connection.link != null) {
                unacknowledgedIds.forEach(connection.acknowledged::add);
                unacknowledgedIds.clear();
            }
        }
    }

    /** Called when the application has received a message (receive returned it, or the listener got it). */
    void consumed(FmqMessageConsumer consumer, FmqMessage m) {
        lastDeliveredId = m.deliveryId;
        if (acknowledgeMode == Session.CLIENT_ACKNOWLEDGE) {
            m.session = this;
            if (connection.link != null) {
                unacknowledgedIds.add(m.messageId);
            }
            return;
        }
        // AUTO, DUPS_OK and transacted sessions tell the server at once; a transacted session's acknowledgements
        // take effect at commit
        connection.channel.send(new Frame.Ack(0, id, m.deliveryId, false));
        if (connection.link != null) {
            if (transacted) {
                txDirty = true;
                unacknowledgedIds.add(m.messageId);
            } else {
                connection.acknowledged.add(m.messageId);
            }
        }
    }

    /** Durable connection: a transacted send while offline, or in a transaction that the link already lost. */
    void transactedSendLost() {
        txDirty = true;
        txLost = true;
    }

    void transactedSendMade() {
        txDirty = true;
    }

    /** Durable connection: the link broke. The server redelivers what it sent and was not acknowledged (recovery thread). */
    void linkLost() {
        consumers.forEach(FmqMessageConsumer::dropPrefetched);
        listenerQueue.clear();
        lastDeliveredId = 0; // delivery ids belong to the lost link
        unacknowledgedIds.clear();
        if (transacted && txDirty) {
            txLost = true;
        }
    }

    /** Durable connection: opens the session and its consumers again on a new link (recovery thread). */
    void restoreOn(ClientChannel ch) throws JMSException {
        ch.request(rid -> new Frame.SessionOpen(rid, id, transacted, acknowledgeMode), connection.timeoutMillis);
        for (FmqMessageConsumer c : consumers) {
            c.restoreOn(ch);
        }
    }

    // ------------------------------------------------------------------------------- producers and consumers

    @Override
    public MessageProducer createProducer(Destination destination) throws JMSException {
        checkOpen();
        FmqMessageProducer p = new FmqMessageProducer(this, FmqDestination.cast(destination));
        producers.add(p);
        return p;
    }

    @Override
    public MessageConsumer createConsumer(Destination destination) throws JMSException {
        return createConsumer(destination, null, false);
    }

    @Override
    public MessageConsumer createConsumer(Destination destination, String messageSelector) throws JMSException {
        return createConsumer(destination, messageSelector, false);
    }

    @Override
    public MessageConsumer createConsumer(Destination destination, String messageSelector, boolean noLocal) throws JMSException {
        return openConsumer(destination, messageSelector, noLocal, null, false, false);
    }

    FmqMessageConsumer openConsumer(Destination destination, String selector, boolean noLocal, String subscription, boolean durable,
                                    boolean shared) throws JMSException {
        checkOpen();
        connection.awaitOnline();
        if (destination == null) {
            throw new InvalidDestinationException("a consumer needs a destination");
        }
        FmqDestination d = FmqDestination.cast(destination);
        if (d.toDest().kind().isTemporary() && !connection.owns(d)) {
            throw new InvalidDestinationException("only the connection that created the temporary destination " + d + " may consume from it");
        }
        int consumerId = connection.newConsumerId();
        FmqMessageConsumer c = new FmqMessageConsumer(this, consumerId, d, selector, noLocal, connection.prefetch);
        c.subscription = subscription;
        c.durable = durable;
        c.shared = shared;
        connection.register(c);
        try {
            connection.channel.request(rid -> new Frame.ConsumerOpen(rid, id, consumerId, d.toDest(), selector, noLocal, subscription,
                    durable, shared, connection.prefetch, false), connection.timeoutMillis);
        } catch (JMSException e) {
            connection.unregister(c);
            throw e;
        }
        consumers.add(c);
        return c;
    }

    void removed(FmqMessageConsumer c) {
        consumers.remove(c);
        listenerQueue.removeIf(pair -> pair[0] == c);
    }

    void removed(FmqMessageProducer p) {
        producers.remove(p);
    }

    @Override
    public Queue createQueue(String queueName) throws JMSException {
        checkOpen();
        if (queueName == null || queueName.isBlank()) {
            throw new InvalidDestinationException("a queue needs a name");
        }
        return new FmqDestination.FmqQueue(queueName);
    }

    @Override
    public Topic createTopic(String topicName) throws JMSException {
        checkOpen();
        if (topicName == null || topicName.isBlank()) {
            throw new InvalidDestinationException("a topic needs a name");
        }
        return new FmqDestination.FmqTopic(topicName);
    }

    @Override
    public TopicSubscriber createDurableSubscriber(Topic topic, String name) throws JMSException {
        return createDurableSubscriber(topic, name, null, false);
    }

    @Override
    public TopicSubscriber createDurableSubscriber(Topic topic, String name, String messageSelector, boolean noLocal) throws JMSException {
        checkName(name);
        return openConsumer(topic, messageSelector, noLocal, name, true, false);
    }

    @Override
    public MessageConsumer createDurableConsumer(Topic topic, String name) throws JMSException {
        return createDurableSubscriber(topic, name, null, false);
    }

    @Override
    public MessageConsumer createDurableConsumer(Topic topic, String name, String messageSelector, boolean noLocal) throws JMSException {
        return createDurableSubscriber(topic, name, messageSelector, noLocal);
    }

    @Override
    public MessageConsumer createSharedConsumer(Topic topic, String sharedSubscriptionName) throws JMSException {
        return createSharedConsumer(topic, sharedSubscriptionName, null);
    }

    @Override
    public MessageConsumer createSharedConsumer(Topic topic, String sharedSubscriptionName, String messageSelector) throws JMSException {
        checkName(sharedSubscriptionName);
        return openConsumer(topic, messageSelector, false, sharedSubscriptionName, false, true);
    }

    @Override
    public MessageConsumer createSharedDurableConsumer(Topic topic, String name) throws JMSException {
        return createSharedDurableConsumer(topic, name, null);
    }

    @Override
    public MessageConsumer createSharedDurableConsumer(Topic topic, String name, String messageSelector) throws JMSException {
        checkName(name);
        return openConsumer(topic, messageSelector, false, name, true, true);
    }

    private static void checkName(String name) throws JMSException {
        if (name == null || name.isBlank()) {
            throw new JMSException("a subscription needs a name");
        }
    }

    @Override
    public void unsubscribe(String name) throws JMSException {
        checkOpen();
        connection.unsubscribe(name);
    }

    @Override
    public QueueBrowser createBrowser(Queue queue) throws JMSException {
        return createBrowser(queue, null);
    }

    @Override
    public QueueBrowser createBrowser(Queue queue, String messageSelector) throws JMSException {
        checkOpen();
        if (queue == null) {
            throw new InvalidDestinationException("a browser needs a queue");
        }
        return new FmqQueueBrowser(this, (Queue) FmqDestination.cast(queue), messageSelector);
    }

    @Override
    public TemporaryQueue createTemporaryQueue() throws JMSException {
        checkOpen();
        return (TemporaryQueue) connection.createTemporary(Dest.Kind.TEMP_QUEUE);
    }

    @Override
    public TemporaryTopic createTemporaryTopic() throws JMSException {
        checkOpen();
        return (TemporaryTopic) connection.createTemporary(Dest.Kind.TEMP_TOPIC);
    }

    @Override
    public QueueReceiver createReceiver(Queue queue) throws JMSException {
        return (QueueReceiver) createConsumer(queue);
    }

    @Override
    public QueueReceiver createReceiver(Queue queue, String messageSelector) throws JMSException {
        return (QueueReceiver) createConsumer(queue, messageSelector);
    }

    @Override
    public QueueSender createSender(Queue queue) throws JMSException {
        return (QueueSender) createProducer(queue);
    }

    @Override
    public TopicSubscriber createSubscriber(Topic topic) throws JMSException {
        return (TopicSubscriber) createConsumer(topic);
    }

    @Override
    public TopicSubscriber createSubscriber(Topic topic, String messageSelector, boolean noLocal) throws JMSException {
        return (TopicSubscriber) createConsumer(topic, messageSelector, noLocal);
    }

    @Override
    public TopicPublisher createPublisher(Topic topic) throws JMSException {
        return (TopicPublisher) createProducer(topic);
    }

    // ------------------------------------------------------------------------------- listeners

    @Override
    public MessageListener getMessageListener() throws JMSException {
        checkOpen();
        return null;
    }

    @Override
    public void setMessageListener(MessageListener listener) throws JMSException {
        checkOpen();
        throw new IllegalStateException("session-level message listeners are for application servers; set the listener on a consumer");
    }

    @Override
    public void run() {
        throw new java.lang.IllegalStateException("session-level message listeners are for application servers");
    }

    /** A message arrived for a consumer with a listener: queue it for the session's delivery thread. */
    void forListener(FmqMessageConsumer c, FmqMessage m) {
        listenerQueue.add(new Object[] {c, m});
        startDeliveryThread();
    }

    private synchronized void startDeliveryThread() {
        if (deliveryThread == null && !closed) {
            deliveryThread = new Thread(this::deliveryLoop, "fmq-session-" + connection.channel.connectionId() + "-" + id);
            deliveryThread.setDaemon(true);
            deliveryThread.start();
        }
    }

    private void deliveryLoop() {
        IN_LISTENER.set(this);
        while (!closed) {
            try {
                if (!connection.awaitStarted(System.nanoTime() + TimeUnit.SECONDS.toNanos(1))) {
                    continue;
                }
                Object[] next = listenerQueue.poll(200, TimeUnit.MILLISECONDS);
                if (next == null) {
                    continue;
                }
                listenerBusy = true;
                try {
                    if (connection.isStarted() && !closed) {
                        ((FmqMessageConsumer) next[0]).deliverToListener((FmqMessage) next[1]);
                    } else {
                        // stopped meanwhile: keep the order by putting it back in front
                        List<Object[]> rest = new java.util.ArrayList<>();
                        listenerQueue.drainTo(rest);
                        listenerQueue.add(next);
                        listenerQueue.addAll(rest);
                    }
                } finally {
                    listenerBusy = false;
                    synchronized (listenerIdle) {
                        listenerIdle.notifyAll();
                    }
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Waits until no listener of this session is running (for stop() and close()). */
    void awaitListenerIdle() {
        if (IN_LISTENER.get() == this) {
            return;
        }
        synchronized (listenerIdle) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (listenerBusy && System.nanoTime() < deadline) {
                try {
                    listenerIdle.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    void wakeUp() {
        consumers.forEach(FmqMessageConsumer::wakeUp);
    }

    boolean inOwnListener() {
        return IN_LISTENER.get() == this;
    }

    // ------------------------------------------------------------------------------- closing

    @Override
    public void close() throws JMSException {
        if (closed) {
            return;
        }
        for (FmqMessageConsumer c : consumers) {
            c.close();
        }
        awaitListenerIdle();
        closed = true;
        for (FmqMessageProducer p : producers) {
            p.closeQuietly();
        }
        connection.unregister(this);
        if (!connection.isClosed()) {
            try {
                connection.channel.request(rid -> new Frame.SessionCommand(rid, FrameType.SESSION_CLOSE, id), connection.timeoutMillis);
            } catch (JMSException e) {
                // the connection is going away: the server closes the session with it
            }
        }
        Thread t = deliveryThread;
        if (t != null && t != Thread.currentThread()) {
            t.interrupt();
        }
    }

    void connectionClosed() {
        closed = true;
        consumers.forEach(FmqMessageConsumer::wakeUp);
    }

    boolean isClosed() {
        return closed;
    }
}
