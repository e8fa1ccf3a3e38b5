package io.fmq.client;

import io.fmq.protocol.Frame;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.Queue;
import jakarta.jms.QueueReceiver;
import jakarta.jms.Topic;
import jakarta.jms.TopicSubscriber;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;

/**
 * Receives messages. The server sends up to the prefetch (credit) ahead; the consumer gives credit back
 * as the application takes messages, in batches of half the prefetch.
 */
public final class FmqMessageConsumer implements QueueReceiver, TopicSubscriber {
    final int id;
    private final FmqSession session;
    private final FmqDestination destination;
    private final String selector;
    private final boolean noLocal;
    private final int prefetch;
    private final LinkedBlockingDeque<FmqMessage> buffer = new LinkedBlockingDeque<>();
    private final Object lock = new Object();
    private volatile MessageListener listener;
    private volatile boolean closed;
    private int consumedSinceCredit;
    /** The last delivery the application received (deliveries after it go back to the server on close or stop); guarded by {@link #lock}. */
    private long lastConsumedId;
    /** How the consumer was opened, so a durable connection can open it again after a reconnect. */
    String subscription;
    boolean durable;
    boolean shared;

    FmqMessageConsumer(FmqSession session, int id, FmqDestination destination, String selector, boolean noLocal, int prefetch) {
        this.session = session;
        this.id = id;
        this.destination = destination;
        this.selector = selector;
        this.noLocal = noLocal;
        this.prefetch = prefetch;
    }

    /** A delivery from the server (I/O thread). */
    void delivered(Frame.Deliver d) {
        if (d.deliveryId() <= session.discardUpTo) {
            return; // taken back by the server (recover, rollback, stop) while it was on its way
        }
        FmqMessage m;
        try {
            m = FmqMessage.fromWire(d.message());
        } catch (JMSException e) {
            return;
        }
        m.deliveryId = d.deliveryId();
        if (d.message().redelivered() && !session.transacted
                && session.connection.link.wasAcknowledged(d.message().messageId())) {
            // acknowledged before a failover, but the acknowledgement did not reach the store: confirm it again, quietly
            session.connection.channel.send(new Frame.Ack(0, session.id, d.deliveryId(), false));
            session.connection.channel.send(new Frame.Credit(0, id, 1));
            return;
        }
        synchronized (lock) {
            if (listener != null) {
                session.forListener(this, m);
            } else {
                buffer.add(m);
                lock.notifyAll();
            }
        }
    }

    void dropPrefetched() {
        synchronized (lock) {
            buffer.clear();
        }
    }

    /** Drops what the server took back: buffered deliveries up to the watermark (I/O thread). */
    void dropUpTo(long watermark) {
        synchronized (lock) {
            buffer.removeIf(m -> m.deliveryId <= watermark);
        }
    }

    /** The last delivery the application received from this consumer; read after the session's consumption has paused. */
    long lastConsumed() {
        synchronized (lock) {
            return lastConsumedId;
        }
    }

    /** Durable connection: opens this consumer again, with the same id and subscription, on a new link (recovery thread). */
    void restoreOn(ClientChannel ch) throws JMSException {
        synchronized (lock) {
            consumedSinceCredit = 0;
            buffer.clear();
        }
        lastConsumedId = 0;
        try {
            ch.request(rid -> new Frame.ConsumerOpen(rid, session.id, id, destination.toDest(), selector, noLocal, subscription, durable,
                    shared, prefetch, false), session.connection.timeoutMillis);
        } catch (JMSException e) {
            if (ch.isBroken()) {
                throw e;
            }
            // refused by the new server (a temporary destination of the lost server, a subscription in use): the consumer stays silent
            java.util.logging.Logger.getLogger(FmqMessageConsumer.class.getName()).warning("consumer on " + destination
                    + " could not be re-created after reconnecting: " + e.getMessage());
        }
    }

    void wakeUp() {
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    private void checkOpen() throws IllegalStateException {
        if (closed) {
            throw new IllegalStateException("the consumer is closed");
        }
        session.checkOpen();
    }

    @Override
    public String getMessageSelector() throws JMSException {
        checkOpen();
        return selector;
    }

    @Override
    public MessageListener getMessageListener() throws JMSException {
        checkOpen();
        return listener;
    }

    @Override
    public void setMessageListener(MessageListener newListener) throws JMSException {
        checkOpen();
        synchronized (lock) {
            MessageListener old = listener;
            listener = newListener;
            if (newListener != null) {
                FmqMessage m;
                while ((m = buffer.poll()) != null) {
                    session.forListener(this, m);
                }
            } else if (old != null) {
                // messages waiting for the listener go back to the front of the buffer, in order, for receive()
                java.util.List<FmqMessage> waiting = session.dispatcher.takeMessages(this);
                for (int i = waiting.size() - 1; i >= 0; i--) {
                    buffer.addFirst(waiting.get(i));
                }
            }
        }
    }

    @Override
    public Message receive() throws JMSException {
        return receive(0);
    }

    @Override
    public Message receive(long timeout) throws JMSException {
        return take(timeout <= 0 ? Long.MAX_VALUE : timeout, null);
    }

    @Override
    public Message receiveNoWait() throws JMSException {
        return take(-1, null);
    }

    /**
     * {@code JMSConsumer.receiveBody}: the next message's body as {@code bodyType}. A message whose body cannot be
     * read so (also a bare Message or a StreamMessage) throws MessageFormatException; in AUTO_ACKNOWLEDGE and
     * DUPS_OK_ACKNOWLEDGE mode it is then not consumed — the next receive gets it again, as if this call had not
     * happened — while in CLIENT_ACKNOWLEDGE and transacted sessions it counts as delivered.
     */
    <T> T receiveBody(Class<T> bodyType, long timeoutMillis) throws JMSException {
        FmqMessage m = (FmqMessage) take(timeoutMillis, bodyType);
        return m == null ? null : m.getBody(bodyType);
    }

    static boolean bodyReadableAs(FmqMessage m, Class<?> bodyType) {
        return m instanceof FmqTextMessage || m instanceof FmqBytesMessage || m instanceof FmqMapMessage || m instanceof FmqObjectMessage
                ? m.isBodyAssignableTo(bodyType) : false;
    }

    /**
     * Takes the next message: waits up to {@code timeoutMillis} (-1: no wait; Long.MAX_VALUE: for ever) while the
     * connection is stopped or nothing is there. With a {@code bodyType}, a message whose body is not readable as
     * that type is refused as {@link #receiveBody} says.
     */
    private Message take(long timeoutMillis, Class<?> bodyType) throws JMSException {
        checkOpen();
        if (listener != null) {
            throw new IllegalStateException("this consumer has a message listener: it cannot also receive synchronously");
        }
        long deadline = timeoutMillis < 0 ? System.nanoTime()
                : timeoutMillis == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        try {
            while (true) {
                if (closed || session.isClosed()) {
                    return null;
                }
                FmqMessage m = null;
                // taking a message and noting it as consumed happen together, so a stop (which reads lastConsumedId
                // under the same lock after the connection stopped) knows exactly what the application got
                synchronized (lock) {
                    if (session.connection.isStarted()) {
                        m = buffer.poll();
                        if (m != null && bodyType != null && !bodyReadableAs(m, bodyType) && !isExpired(m)
                                && (session.acknowledgeMode == jakarta.jms.Session.AUTO_ACKNOWLEDGE
                                || session.acknowledgeMode == jakarta.jms.Session.DUPS_OK_ACKNOWLEDGE)) {
                            buffer.addFirst(m); // not consumed: delivered again as if receiveBody had not been called
                            throw new jakarta.jms.MessageFormatException("the body of message " + m.getJMSMessageID() + " ("
                                    + m.getClass().getSimpleName().replace("Fmq", "") + ") cannot be returned as "
                                    + bodyType.getName() + "; the message stays for the next receive");
                        }
                        if (m != null) {
                            lastConsumedId = m.deliveryId;
                        }
                    }
                }
                if (m != null && isExpired(m)) {
                    consumed(m); // expired while waiting here: taken from the server without giving it to the application
                    continue;
                }
                if (m != null) {
                    consumed(m);
                    if (bodyType != null && !bodyReadableAs(m, bodyType)) {
                        throw new jakarta.jms.MessageFormatException("the body of message " + m.getJMSMessageID() + " ("
                                + m.getClass().getSimpleName().replace("Fmq", "") + ") cannot be returned as " + bodyType.getName()
                                + "; it counts as delivered (acknowledge, commit or recover/roll back as usual)");
                    }
                    return m;
                }
                long left = deadline == Long.MAX_VALUE ? 1000 : TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    if (timeoutMillis < 0 || deadline != Long.MAX_VALUE) {
                        return null;
                    }
                    left = 1000;
                }
                synchronized (lock) {
                    if (buffer.isEmpty() || !session.connection.isStarted()) {
                        lock.wait(Math.min(left, 1000));
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static boolean isExpired(FmqMessage m) {
        return m.getJMSExpiration() > 0 && m.getJMSExpiration() <= System.currentTimeMillis();
    }

    /** The application got the message: acknowledge as the session's mode says and give credit back. */
    private void consumed(FmqMessage m) {
        session.consumed(this, m);
        int grant = 0;
        synchronized (lock) {
            consumedSinceCredit++;
            if (consumedSinceCredit >= Math.max(1, prefetch / 2)) {
                grant = consumedSinceCredit;
                consumedSinceCredit = 0;
            }
        }
        if (grant > 0) {
            session.connection.channel.send(new Frame.Credit(0, id, grant));
        }
    }

    /** On the session's delivery thread. */
    void deliverToListener(FmqMessage m) {
        MessageListener l = listener;
        if (l == null || closed) {
            return;
        }
        synchronized (lock) {
            lastConsumedId = m.deliveryId;
        }
        if (isExpired(m)) {
            consumed(m);
            return;
        }
        try {
            l.onMessage(m);
        } catch (RuntimeException e) {
            // the session goes on with the next message; in AUTO_ACKNOWLEDGE mode this one still counts as consumed
            java.util.logging.Logger.getLogger(FmqMessageConsumer.class.getName()).warning(
                    "message listener threw " + e + " for " + m.getJMSMessageID());
        }
        consumed(m); // acknowledged after the listener returned, as AUTO_ACKNOWLEDGE requires
    }

    @Override
    public void close() throws JMSException {
        if (closed) {
            return;
        }
        if (session.callbackOfCurrentThread() != SessionDispatcher.Callback.MESSAGE_LISTENER) {
            session.awaitListenerIdle(); // a listener may close its own consumer: its onMessage then completes normally
        }
        closed = true;
        wakeUp();
        session.removed(this);
        session.connection.unregister(this);
        dropPrefetched();
        if (!session.connection.isClosed()) {
            long last = lastConsumed();
            try {
                session.connection.channel.request(rid -> new Frame.ConsumerClose(rid, id, last), session.connection.timeoutMillis);
            } catch (JMSException e) {
                // the connection is going away; the server closes the consumer with it
            }
        }
    }

    @Override
    public Queue getQueue() throws JMSException {
        checkOpen();
        return (Queue) destination;
    }

    @Override
    public Topic getTopic() throws JMSException {
        checkOpen();
        return (Topic) destination;
    }

    @Override
    public boolean getNoLocal() throws JMSException {
        checkOpen();
        return noLocal;
    }
}
