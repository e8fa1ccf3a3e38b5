package io.fmq.client;

import io.fmq.protocol.WireMessage;
import jakarta.jms.JMSException;
import java.util.List;

/**
 * Messages a durable connection accepted while it had no server, kept in order until it can send them.
 * Bounded in messages and bytes: {@link #add} refuses a message that would pass a bound (with
 * {@code force} it is taken anyway, for sends that were accepted before the loss and must not be dropped).
 * Not thread-safe: the connection's link lock guards it.
 */
interface Outbox extends AutoCloseable {
    /** One kept message; {@code sequence} orders the outbox. */
    record Entry(long sequence, WireMessage message, int size) {
    }

    void add(WireMessage message, boolean force) throws JMSException;

    /** The oldest entries, up to {@code max}, oldest first. */
    List<Entry> oldest(int max);

    void remove(Entry entry) throws JMSException;

    int count();

    long bytes();

    default boolean isEmpty() {
        return count() == 0;
    }

    @Override
    void close();

    /** The message refusing an add that would pass a bound. */
    static JMSException full(String what, int count, long bytes, int maxCount, long maxBytes) {
        return new jakarta.jms.ResourceAllocationException("The " + what + " of this durable connection is full (" + count
                + " messages, " + bytes + " bytes; limits " + maxCount + " messages, " + maxBytes + " bytes): no server has "
                + "been reachable for a while. Wait for a server to come back, or raise the limits on the connection factory "
                + "(setOutboxLimits / setMemoryOutboxLimits).");
    }
}
