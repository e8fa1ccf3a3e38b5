package io.fmq.client;

import io.fmq.protocol.Frame;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * Looks at the messages waiting on a queue without taking them. Each {@link #getEnumeration()} asks the
 * server for a snapshot (at most {@link #MAX_SNAPSHOT} messages), in the order they would be delivered.
 */
public final class FmqQueueBrowser implements QueueBrowser {
    static final int MAX_SNAPSHOT = 10_000;

    private final FmqSession session;
    private final Queue queue;
    private final String selector;
    private volatile boolean closed;

    FmqQueueBrowser(FmqSession session, Queue queue, String selector) throws JMSException {
        this.session = session;
        this.queue = queue;
        this.selector = selector;
        snapshot(); // checks the queue, the selector and the user's permission now, as the specification wants
    }

    private List<Message> snapshot() throws JMSException {
        session.checkOpen();
        if (closed) {
            throw new jakarta.jms.IllegalStateException("the browser is closed");
        }
        FmqConnection c = session.connection;
        int consumerId = c.newConsumerId();
        List<Message> messages = Collections.synchronizedList(new ArrayList<>());
        c.registerBrowser(consumerId, messages);
        try {
            c.channel.request(rid -> new Frame.ConsumerOpen(rid, session.id, consumerId, ((FmqDestination) queue).toDest(), selector,
                    false, null, false, false, MAX_SNAPSHOT, true), c.timeoutMillis);
        } finally {
            c.unregisterBrowser(consumerId);
        }
        return new ArrayList<>(messages);
    }

    @Override
    public Queue getQueue() {
        return queue;
    }

    @Override
    public String getMessageSelector() {
        return selector;
    }

    @Override
    public Enumeration<?> getEnumeration() throws JMSException {
        return Collections.enumeration(snapshot());
    }

    @Override
    public void close() {
        closed = true;
    }
}
