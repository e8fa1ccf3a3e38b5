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

/**
 * A session: a single-threaded context for producing and consuming.
 *
 * <p>Callbacks: message listeners and completion listeners of a session run one at a time, in order, on the
 * session's own delivery thread ({@link SessionDispatcher}), never on the client's I/O thread. Inside a callback
 * the calls the specification forbids throw {@link IllegalStateException}: a message listener may not close its
 * own session or stop or close its own connection; a completion listener may not close its own producer,
 * session or connection, nor commit or roll back its own session.
 *
 * <p>Acknowledgement (CLIENT_ACKNOWLEDGE): {@link Message#acknowledge()} acknowledges exactly the messages the
 * application consumed in this session (received or given to a listener) since the last acknowledgement or
 * recovery, whatever their consumer; messages still prefetched are not acknowledged and come back after
 * {@link #recover()}, the session's close or the loss of the connection.
 */
public class FmqSession implements QueueSession, TopicSession {
    /** Which messaging domain a session was created for: a classic domain session refuses the other domain. */
    enum Domain { ANY, QUEUE, TOPIC }

    final FmqConnection connection;
    final int id;
    final boolean transacted;
    final int acknowledgeMode;
    final Domain domain;
    private final List<FmqMessageConsumer> consumers = new CopyOnWriteArrayList<>();
    private final List<FmqMessageProducer> producers = new CopyOnWriteArrayList<>();
    /** Runs the listeners and completion listeners of this session. */
    final SessionDispatcher dispatcher;
    /** CLIENT_ACKNOWLEDGE: delivery ids the application consumed since the last acknowledge (guarded by itself). */
    private final DeliveryIds consumedIds = new DeliveryIds();
    /**
     * Deliveries up to this id were taken back by the server (recover, rollback, stop); one that arrives late is
     * dropped. Written on the I/O thread (and by the recovery thread when a durable link is replaced).
     */
    volatile long discardUpTo;
    /** The producer whose completion listener runs now on the delivery thread, or null. */
    volatile FmqMessageProducer completing;
    private volatile boolean closed;
    /** Transacted: the transaction did work since its last commit or rollback. */
    private volatile boolean txDirty;
    /** Transacted: a link that repairs itself broke during the transaction, so the server forgot it; the commit must fail. */
    private volatile boolean txLost;
    /** CLIENT_ACKNOWLEDGE or transacted: ids of the messages the next acknowledge() or commit covers (told to the link then). */
    private final java.util.Queue<String> unacknowledgedIds = new java.util.concurrent.ConcurrentLinkedQueue<>();

    FmqSession(FmqConnection connection, int id, boolean transacted, int acknowledgeMode, Domain domain) {
        this.connection = connection;
        this.id = id;
        this.transacted = transacted;
        this.acknowledgeMode = acknowledgeMode;
        this.domain = domain;
        this.dispatcher = new SessionDispatcher("fmq-session-" + connection.channel.connectionId() + "-" + id, connection::isStarted);
    }

    void checkOpen() throws IllegalStateException {
        if (closed) {
            throw new IllegalStateException("the session is closed");
        }
        connection.checkOpen();
    }

    /** The callback of this session running on the calling thread (NONE when the caller is not inside one). */
    SessionDispatcher.Callback callbackOfCurrentThread() {
        return dispatcher.callbackOfCurrentThread();
    }

    private void checkNotInCompletionListener(String what) throws IllegalStateException {
        if (callbackOfCurrentThread() == SessionDispatcher.Callback.COMPLETION_LISTENER) {
            throw new IllegalStateException("a completion listener may not " + what + " its own session");
        }
    }

    private void checkDomain(Domain wanted, String what) throws IllegalStateException {
        if (domain != Domain.ANY && domain != wanted) {
            throw new IllegalStateException("a " + (domain == Domain.QUEUE ? "QueueSession" : "TopicSession") + " cannot " + what
                    + ": create a " + (wanted == Domain.QUEUE ? "QueueSession" : "TopicSession") + " or a plain Session for that");
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
        checkNotInCompletionListener("commit");
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
            if (connection.link.repairs(ch)) {
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
        unacknowledgedIds.forEach(connection.link::acknowledged);
        unacknowledgedIds.clear();
    }

    @Override
    public void rollback() throws JMSException {
        checkOpen();
        if (!transacted) {
            throw new IllegalStateException("rollback() on a session that is not transacted");
        }
        checkNotInCompletionListener("roll back");
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

    /**
     * Asks the server to redeliver everything unacknowledged, naming per consumer the last message the application
     * got (later ones were only prefetched and go back as never delivered). The answer carries the last delivery id
     * issued before the redeliveries; what this session holds up to it is dropped when the answer arrives.
     */
    private void redeliverAll(FrameType command) throws JMSException {
        connection.awaitOnline();
        txLost = false;
        txDirty = false;
        unacknowledgedIds.clear();
        consumedIds.clear();
        List<FmqMessageConsumer> open = new java.util.ArrayList<>(consumers);
        int[] ids = new int[open.size()];
        long[] last = new long[open.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = open.get(i).id;
            last[i] = open.get(i).lastConsumed();
        }
        ClientChannel.await(connection.channel.requestAsync(rid -> new Frame.Redeliver(rid, command, id, ids, last),
                answer -> dropDeliveredUpTo(((Frame.Ok) answer).value())), connection.timeoutMillis);
    }

    /** The server took back this session's deliveries up to {@code watermark}: drop them, also ones still on the way (I/O thread). */
    void dropDeliveredUpTo(long watermark) {
        discardUpTo = Math.max(discardUpTo, watermark);
        consumers.forEach(c -> c.dropUpTo(watermark));
        dispatcher.dropMessages(p -> p.message().deliveryId <= watermark);
    }

    /** The open consumers (for a connection stop). */
    List<FmqMessageConsumer> consumers() {
        return consumers;
    }

    /** CLIENT_ACKNOWLEDGE: acknowledges exactly the messages the application consumed in this session so far. */
    void acknowledgeConsumed() throws JMSException {
        checkOpen();
        if (acknowledgeMode != Session.CLIENT_ACKNOWLEDGE) {
            return;
        }
        long[] ids = consumedIds.drain();
        if (ids.length > 0) {
            connection.channel.request(rid -> new Frame.AckSet(rid, id, ids), connection.timeoutMillis);
        }
        unacknowledgedIds.forEach(connection.link::acknowledged);
        unacknowledgedIds.clear();
    }

    /** Called when the application has received a message (receive returned it, or the listener got it). */
    void consumed(FmqMessageConsumer consumer, FmqMessage m) {
        if (acknowledgeMode == Session.CLIENT_ACKNOWLEDGE) {
            m.session = this;
            consumedIds.add(m.deliveryId);
            unacknowledgedIds.add(m.messageId);
            return;
        }
        // AUTO, DUPS_OK and transacted sessions tell the server at once; a transacted session's acknowledgements
        // take effect at commit
        connection.channel.send(new Frame.Ack(0, id, m.deliveryId, false));
        if (transacted) {
            txDirty = true;
            unacknowledgedIds.add(m.messageId);
        } else {
            connection.link.acknowledged(m.messageId);
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
        dispatcher.dropMessages(p -> true);
        discardUpTo = 0; // delivery ids belong to the lost link
        consumedIds.clear();
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
        dispatcher.dropMessages(p -> p.consumer() == c);
    }

    void removed(FmqMessageProducer p) {
        producers.remove(p);
    }

    @Override
    public Queue createQueue(String queueName) throws JMSException {
        checkOpen();
        checkDomain(Domain.QUEUE, "create a queue");
        if (queueName == null || queueName.isBlank()) {
            throw new InvalidDestinationException("a queue needs a name");
        }
        return new FmqDestination.FmqQueue(queueName);
    }

    @Override
    public Topic createTopic(String topicName) throws JMSException {
        checkOpen();
        checkDomain(Domain.TOPIC, "create a topic");
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
        checkOpen();
        checkDomain(Domain.TOPIC, "create a durable subscriber");
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
        checkOpen();
        checkDomain(Domain.TOPIC, "create a shared consumer");
        checkName(sharedSubscriptionName);
        return openConsumer(topic, messageSelector, false, sharedSubscriptionName, false, true);
    }

    @Override
    public MessageConsumer createSharedDurableConsumer(Topic topic, String name) throws JMSException {
        return createSharedDurableConsumer(topic, name, null);
    }

    @Override
    public MessageConsumer createSharedDurableConsumer(Topic topic, String name, String messageSelector) throws JMSException {
        checkOpen();
        checkDomain(Domain.TOPIC, "create a shared durable consumer");
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
        checkDomain(Domain.TOPIC, "unsubscribe a durable subscription");
        connection.unsubscribe(name);
    }

    @Override
    public QueueBrowser createBrowser(Queue queue) throws JMSException {
        return createBrowser(queue, null);
    }

    @Override
    public QueueBrowser createBrowser(Queue queue, String messageSelector) throws JMSException {
        checkOpen();
        checkDomain(Domain.QUEUE, "create a queue browser");
        if (queue == null) {
            throw new InvalidDestinationException("a browser needs a queue");
        }
        return new FmqQueueBrowser(this, (Queue) FmqDestination.cast(queue), messageSelector);
    }

    @Override
    public TemporaryQueue createTemporaryQueue() throws JMSException {
        checkOpen();
        checkDomain(Domain.QUEUE, "create a temporary queue");
        return (TemporaryQueue) connection.createTemporary(Dest.Kind.TEMP_QUEUE);
    }

    @Override
    public TemporaryTopic createTemporaryTopic() throws JMSException {
        checkOpen();
        checkDomain(Domain.TOPIC, "create a temporary topic");
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
        dispatcher.submit(c, m);
    }

    /** Waits until no message listener of this session is running (for stop() and close()); bounded by the request timeout. */
    void awaitListenerIdle() {
        dispatcher.awaitListenerIdle(connection.timeoutMillis);
    }

    void wakeUp() {
        consumers.forEach(FmqMessageConsumer::wakeUp);
        dispatcher.wakeUp();
    }

    /** Whether the caller runs inside one of this session's callbacks (message or completion listener). */
    boolean inOwnCallback() {
        return callbackOfCurrentThread() != SessionDispatcher.Callback.NONE;
    }

    // ------------------------------------------------------------------------------- closing

    /**
     * Closes the session: refused inside its own message or completion listener; otherwise waits for a running
     * message listener, for the producers' unconfirmed asynchronous sends and their completion callbacks (bounded
     * by the request timeout), then closes consumers and producers and tells the server, which returns what the
     * session had not acknowledged to its destinations (and rolls back an open transaction).
     */
    @Override
    public void close() throws JMSException {
        if (closed) {
            return;
        }
        SessionDispatcher.Callback inside = callbackOfCurrentThread();
        if (inside == SessionDispatcher.Callback.MESSAGE_LISTENER) {
            throw new IllegalStateException("a message listener may not close its own session");
        }
        if (inside == SessionDispatcher.Callback.COMPLETION_LISTENER) {
            throw new IllegalStateException("a completion listener may not close its own session");
        }
        for (FmqMessageProducer p : producers) {
            p.awaitCompletions();
        }
        for (FmqMessageConsumer c : consumers) {
            c.close();
        }
        awaitListenerIdle();
        dispatcher.awaitCompletionsDone(connection.timeoutMillis);
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
        dispatcher.close();
    }

    void connectionClosed() {
        closed = true;
        consumers.forEach(FmqMessageConsumer::wakeUp);
        dispatcher.close();
    }

    /** Delivery ids consumed and not yet acknowledged, in consumption order. */
    private static final class DeliveryIds {
        private long[] ids = new long[16];
        private int size;

        synchronized void add(long id) {
            if (size == ids.length) {
                ids = java.util.Arrays.copyOf(ids, size * 2);
            }
            ids[size++] = id;
        }

        synchronized long[] drain() {
            long[] out = java.util.Arrays.copyOf(ids, size);
            size = 0;
            if (ids.length > 1024) {
                ids = new long[16];
            }
            return out;
        }

        synchronized void clear() {
            size = 0;
        }
    }

    boolean isClosed() {
        return closed;
    }
}
