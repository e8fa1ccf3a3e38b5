package io.fmq.client;

import io.fmq.protocol.Frame;
import io.fmq.protocol.WireMessage;
import jakarta.jms.CompletionListener;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.jms.QueueSender;
import jakarta.jms.Topic;
import jakarta.jms.TopicPublisher;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Sends messages. A persistent send returns once the server has stored the message; a non-persistent
 * one returns at once, with at most {@link #WINDOW} sends awaiting the server's confirmation (the
 * producer window), so a fast producer cannot run ahead of the server without bound.
 */
public final class FmqMessageProducer implements QueueSender, TopicPublisher {
    static final int WINDOW = 512;

    private final FmqSession session;
    private final FmqDestination destination;
    private final Semaphore window = new Semaphore(WINDOW);
    private int deliveryMode = DeliveryMode.PERSISTENT;
    private int priority = Message.DEFAULT_PRIORITY;
    private long timeToLive;
    private long deliveryDelay;
    private boolean disableMessageId;
    private boolean disableTimestamp;
    private volatile boolean closed;

    FmqMessageProducer(FmqSession session, FmqDestination destination) {
        this.session = session;
        this.destination = destination;
    }

    private void checkOpen() throws IllegalStateException {
        if (closed) {
            throw new IllegalStateException("the producer is closed");
        }
        session.checkOpen();
    }

    @Override
    public void setDisableMessageID(boolean value) throws JMSException {
        checkOpen();
        disableMessageId = value;
    }

    @Override
    public boolean getDisableMessageID() throws JMSException {
        checkOpen();
        return disableMessageId;
    }

    @Override
    public void setDisableMessageTimestamp(boolean value) throws JMSException {
        checkOpen();
        disableTimestamp = value;
    }

    @Override
    public boolean getDisableMessageTimestamp() throws JMSException {
        checkOpen();
        return disableTimestamp;
    }

    @Override
    public void setDeliveryMode(int deliveryMode) throws JMSException {
        checkOpen();
        checkDeliveryMode(deliveryMode);
        this.deliveryMode = deliveryMode;
    }

    private static void checkDeliveryMode(int mode) throws JMSException {
        if (mode != DeliveryMode.PERSISTENT && mode != DeliveryMode.NON_PERSISTENT) {
            throw new JMSException("delivery mode " + mode + " is neither PERSISTENT nor NON_PERSISTENT");
        }
    }

    private static void checkPriority(int priority) throws JMSException {
        if (priority < 0 || priority > 9) {
            throw new JMSException("priority " + priority + " is not between 0 and 9");
        }
    }

    @Override
    public int getDeliveryMode() throws JMSException {
        checkOpen();
        return deliveryMode;
    }

    @Override
    public void setPriority(int defaultPriority) throws JMSException {
        checkOpen();
        checkPriority(defaultPriority);
        priority = defaultPriority;
    }

    @Override
    public int getPriority() throws JMSException {
        checkOpen();
        return priority;
    }

    @Override
    public void setTimeToLive(long timeToLive) throws JMSException {
        checkOpen();
        this.timeToLive = timeToLive;
    }

    @Override
    public long getTimeToLive() throws JMSException {
        checkOpen();
        return timeToLive;
    }

    @Override
    public void setDeliveryDelay(long deliveryDelay) throws JMSException {
        checkOpen();
        this.deliveryDelay = deliveryDelay;
    }

    @Override
    public long getDeliveryDelay() throws JMSException {
        checkOpen();
        return deliveryDelay;
    }

    @Override
    public Destination getDestination() throws JMSException {
        checkOpen();
        return destination;
    }

    @Override
    public Queue getQueue() throws JMSException {
        return (Queue) getDestination();
    }

    @Override
    public Topic getTopic() throws JMSException {
        return (Topic) getDestination();
    }

    /**
     * Closes the producer: refused inside the completion listener of one of its own sends; otherwise waits (bounded
     * by the request timeout) until its asynchronous sends are confirmed and their completion listeners returned.
     */
    @Override
    public void close() throws JMSException {
        if (closed) {
            return;
        }
        if (session.callbackOfCurrentThread() == SessionDispatcher.Callback.COMPLETION_LISTENER && session.completing == this) {
            throw new IllegalStateException("a completion listener may not close its own producer");
        }
        awaitCompletions();
        closed = true;
        session.removed(this);
    }

    /**
     * Waits until every asynchronous send with a completion listener is confirmed and its callback returned,
     * at most the request timeout. On the session's delivery thread it cannot wait (the callbacks run there) and
     * returns at once.
     */
    void awaitCompletions() {
        if (session.dispatcher.isDeliveryThread()) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(session.connection.timeoutMillis);
        synchronized (completions) {
            while (outstandingCompletions > 0) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return;
                }
                try {
                    completions.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    void closeQuietly() {
        closed = true;
    }

    @Override
    public void send(Message message) throws JMSException {
        send(message, deliveryMode, priority, timeToLive);
    }

    @Override
    public void send(Message message, int deliveryMode, int priority, long timeToLive) throws JMSException {
        if (destination == null) {
            throw new UnsupportedOperationException("this producer has no destination: use send(destination, message)");
        }
        doSend(destination, message, deliveryMode, priority, timeToLive, null);
    }

    @Override
    public void send(Destination destination, Message message) throws JMSException {
        send(destination, message, deliveryMode, priority, timeToLive);
    }

    @Override
    public void send(Destination destination, Message message, int deliveryMode, int priority, long timeToLive) throws JMSException {
        if (this.destination != null) {
            throw new UnsupportedOperationException("this producer sends to " + this.destination + " only");
        }
        if (destination == null) {
            throw new InvalidDestinationException("no destination given");
        }
        doSend(FmqDestination.cast(destination), message, deliveryMode, priority, timeToLive, null);
    }

    @Override
    public void send(Message message, CompletionListener completionListener) throws JMSException {
        send(message, deliveryMode, priority, timeToLive, completionListener);
    }

    @Override
    public void send(Message message, int deliveryMode, int priority, long timeToLive, CompletionListener completionListener)
            throws JMSException {
        if (completionListener == null) {
            throw new IllegalArgumentException("no completion listener given");
        }
        if (destination == null) {
            throw new UnsupportedOperationException("this producer has no destination: use send(destination, message, listener)");
        }
        doSend(destination, message, deliveryMode, priority, timeToLive, completionListener);
    }

    @Override
    public void send(Destination destination, Message message, CompletionListener completionListener) throws JMSException {
        send(destination, message, deliveryMode, priority, timeToLive, completionListener);
    }

    @Override
    public void send(Destination destination, Message message, int deliveryMode, int priority, long timeToLive,
                     CompletionListener completionListener) throws JMSException {
        if (completionListener == null) {
            throw new IllegalArgumentException("no completion listener given");
        }
        if (this.destination != null) {
            throw new UnsupportedOperationException("this producer sends to " + this.destination + " only");
        }
        if (destination == null) {
            throw new InvalidDestinationException("no destination given");
        }
        doSend(FmqDestination.cast(destination), message, deliveryMode, priority, timeToLive, completionListener);
    }

    @Override
    public void publish(Message message) throws JMSException {
        send(message);
    }

    @Override
    public void publish(Message message, int deliveryMode, int priority, long timeToLive) throws JMSException {
        send(message, deliveryMode, priority, timeToLive);
    }

    @Override
    public void publish(Topic topic, Message message) throws JMSException {
        send(topic, message);
    }

    @Override
    public void publish(Topic topic, Message message, int deliveryMode, int priority, long timeToLive) throws JMSException {
        send(topic, message, deliveryMode, priority, timeToLive);
    }

    @Override
    public void send(Queue queue, Message message) throws JMSException {
        send((Destination) queue, message);
    }

    @Override
    public void send(Queue queue, Message message, int deliveryMode, int priority, long timeToLive) throws JMSException {
        send((Destination) queue, message, deliveryMode, priority, timeToLive);
    }

    private void doSend(FmqDestination to, Message message, int mode, int prio, long ttl, CompletionListener listener)
            throws JMSException {
        checkOpen();
        if (message == null) {
            throw new jakarta.jms.MessageFormatException("no message given");
        }
        checkDeliveryMode(mode);
        checkPriority(prio);
        if (to.toDest().kind().isTemporary() && to.owner != null && to.owner.isClosed()) {
            throw new InvalidDestinationException("the temporary destination " + to + " was deleted with its connection");
        }
        long now = System.currentTimeMillis();
        message.setJMSDestination(to);
        message.setJMSDeliveryMode(mode);
        message.setJMSPriority(prio);
        message.setJMSExpiration(ttl > 0 ? now + ttl : 0);
        message.setJMSDeliveryTime(now + deliveryDelay);
        message.setJMSTimestamp(disableTimestamp ? 0 : now);
        message.setJMSMessageID(disableMessageId ? null : session.connection.newMessageId());
        FmqMessage m = message instanceof FmqMessage ? (FmqMessage) message : Foreign.copy(message);
        WireMessage wire = m.toWire(to.toDest());
        ServerLink link = session.connection.link;
        if (session.transacted) {
            sendInTransaction(link, message, wire, listener);
            return;
        }
        boolean wait = mode == DeliveryMode.PERSISTENT && listener == null;
        if (!wait) {
            acquireWindow();
        }
        CompletableFuture<Void> done;
        try {
            done = link.send(session.id, wire);
        } catch (JMSException e) {
            if (!wait) {
                window.release();
            }
            throw e;
        }
        if (wait) {
            // bounded: the server answers within the request timeout; a durable link that loses the channel moves the
            // send to its outbox and completes it there
            ClientChannel.await(done, session.connection.timeoutMillis);
            return;
        }
        releaseWindowThenNotify(done, message, listener);
    }

    /**
     * A send inside a transaction goes to the server's transaction while a server is there. A durable link that is
     * offline has lost the transaction (its commit will throw TransactionRolledBackException): the send is not made.
     * Without a completion listener there is no receipt: a send the server refused makes the commit fail.
     */
    private void sendInTransaction(ServerLink link, Message message, WireMessage wire, CompletionListener listener) throws JMSException {
        if (!link.isOnline()) {
            session.transactedSendLost();
            if (listener != null) {
                completed(expectCompletion(message, listener), new jakarta.jms.TransactionRolledBackException("the connection to "
                        + "the server is down: this transaction will be rolled back"));
            }
            return;
        }
        session.transactedSendMade();
        if (listener == null) {
            session.connection.channel.send(new Frame.Send(0, session.id, wire));
            return;
        }
        acquireWindow();
        releaseWindowThenNotify(session.connection.channel.requestAsync(rid -> new Frame.Send(rid, session.id, wire), null),
                message, listener);
    }

    /** Takes a place in the window of unconfirmed sends, waiting at most the request timeout. */
    private void acquireWindow() throws JMSException {
        try {
            if (!window.tryAcquire(session.connection.timeoutMillis, TimeUnit.MILLISECONDS)) {
                throw new JMSException("the server has not confirmed " + WINDOW + " sends within " + session.connection.timeoutMillis
                        + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JMSException("interrupted while waiting for the producer window");
        }
    }

    /** When the send is confirmed or refused: frees its place in the window, then tells the listener (if any). */
    private void releaseWindowThenNotify(CompletableFuture<?> confirmed, Message message, CompletionListener listener) {
        AsyncSend pending = listener == null ? null : expectCompletion(message, listener);
        confirmed.whenComplete((v, e) -> {
            window.release();
            if (pending != null) {
                completed(pending, e);
            }
        });
    }

    /** An asynchronous send whose completion listener is to be told, in the order of the sends. */
    private static final class AsyncSend {
        final Message message;
        final CompletionListener listener;
        Throwable failure;
        boolean done;

        AsyncSend(Message message, CompletionListener listener) {
            this.message = message;
            this.listener = listener;
        }
    }

    /** Sends of this producer with a completion listener, oldest first, until their callback is handed on; guarded by itself. */
    private final ArrayDeque<AsyncSend> completions = new ArrayDeque<>();
    /** Sends with a completion listener whose callback has not returned yet; guarded by {@link #completions}. */
    private int outstandingCompletions;

    /** Registers a send's listener before the send goes out, so that callbacks follow the order of the sends. */
    private AsyncSend expectCompletion(Message message, CompletionListener listener) {
        AsyncSend a = new AsyncSend(message, listener);
        synchronized (completions) {
            completions.add(a);
            outstandingCompletions++;
        }
        return a;
    }

    /**
     * A send was confirmed or refused (any thread, usually the I/O thread): the callbacks of every finished send at
     * the head of the queue go, in order, to the session's delivery thread, which runs them one at a time.
     */
    private void completed(AsyncSend a, Throwable failure) {
        synchronized (completions) {
            a.failure = failure;
            a.done = true;
            while (!completions.isEmpty() && completions.peek().done) {
                AsyncSend next = completions.poll();
                session.dispatcher.submitCompletion(() -> runCallback(next));
            }
        }
    }

    /** On the session's delivery thread. */
    private void runCallback(AsyncSend a) {
        session.completing = this;
        try {
            notify(a.listener, a.message, a.failure);
        } finally {
            session.completing = null;
            synchronized (completions) {
                outstandingCompletions--;
                completions.notifyAll();
            }
        }
    }

    private static void notify(CompletionListener listener, Message message, Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause == null) {
            listener.onCompletion(message);
        } else {
            listener.onException(message, cause instanceof Exception ? (Exception) cause : new JMSException(String.valueOf(cause)));
        }
    }
}
