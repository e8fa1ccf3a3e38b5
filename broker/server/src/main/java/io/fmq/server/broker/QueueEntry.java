package io.fmq.server.broker;

import io.fmq.protocol.WireMessage;
import java.util.Comparator;

/**
 * One message in one {@link MessageQueue}. {@code sequence} is the broker-wide message sequence (the
 * order messages were accepted), so that after a restart the queue is in the same order.
 */
final class QueueEntry {
    /** Higher priority first, then the order of arrival. */
    static final Comparator<QueueEntry> DELIVERY_ORDER = Comparator.<QueueEntry>comparingInt(e -> -e.message.priority())
            .thenComparingLong(e -> e.sequence);

    final long sequence;
    final WireMessage message;
    final MessageQueue queue;
    int deliveryCount;
    /** Restored from the journal: it may have reached a consumer before, so its first delivery is marked redelivered. */
    boolean recovered;

    QueueEntry(long sequence, WireMessage message, MessageQueue queue) {
        this.sequence = sequence;
        this.message = message;
        this.queue = queue;
    }

    /** Whether the message is kept in the journal for this queue (persistent message on a durable queue). */
    boolean stored() {
        return message.persistent() && queue.durable();
    }
}
