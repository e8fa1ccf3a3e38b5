package io.fmq.server.broker;

import io.fmq.protocol.Dest;
import io.fmq.protocol.WireMessage;
import io.fmq.store.RecordType;
import io.fmq.store.payload.StoreRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routing and dispatch: which queues a message goes to, putting it there, delayed delivery, taking messages back
 * and dead-lettering. Owned by the broker's thread, like the message sequence it hands out.
 */
final class Routing {
    private static final Logger LOG = LoggerFactory.getLogger(Routing.class);
    private final Broker broker;
    /** The next broker message sequence (the order messages were accepted). */
    long nextSequence = 1;

    Routing(Broker broker) {
        this.broker = broker;
    }

    long nextSequence() {
        return nextSequence++;
    }

    /** The queues a message goes to now. */
    List<MessageQueue> targets(WireMessage m, String originConnectionId) {
        Dest d = m.destination();
        if (d.isQueue()) {
            MessageQueue q = broker.destinations.queues.get(d.name());
            return q == null ? List.of() : List.of(q);
        }
        Topic t = broker.destinations.topics.get(d.name());
        if (t == null) {
            return List.of();
        }
        List<MessageQueue> list = new ArrayList<>();
        for (Subscription s : t.subscriptions.values()) {
            if (s.accepts(m, originConnectionId)) {
                list.add(s.queue);
            }
        }
        return list;
    }

    /** The keys of the queues that keep the message in the store (a persistent message on durable queues). */
    static List<String> storedKeys(WireMessage m, List<MessageQueue> targets) {
        List<String> keys = new ArrayList<>();
        if (m.persistent()) {
            for (MessageQueue q : targets) {
                if (q.durable()) {
                    keys.add(q.key);
                }
            }
        }
        return keys;
    }

    /** Puts a message into its queues and dispatches (its stored keys were reserved before its record was appended). */
    void deliverTo(List<MessageQueue> targets, long sequence, WireMessage m) {
        deliverTo(targets, sequence, m, 0);
    }

    /**
     * As {@link #deliverTo(List, long, WireMessage)}, for a message whose record {@code journalSequence} is durable: a
     * durable queue over the paging threshold (or paging already) keeps it in the journal only ({@link Pager}).
     */
    void deliverTo(List<MessageQueue> targets, long sequence, WireMessage m, long journalSequence) {
        long now = broker.clock.millis();
        for (MessageQueue q : targets) {
            if (journalSequence > 0 && m.persistent() && broker.pager.pages(q)) {
                q.page(journalSequence, sequence, m);
                broker.stored.unreserve(sequence, q.key);
                continue;
            }
            q.add(new QueueEntry(sequence, m, q));
            q.dispatch(now);
            scheduleDispatch(q, m.deliveryTime(), now);
        }
    }

    /** Dispatches the queue again when a delayed message becomes deliverable. */
    void scheduleDispatch(MessageQueue q, long deliveryTime, long now) {
        if (deliveryTime <= now) {
            return;
        }
        broker.executor.schedule(() -> q.dispatch(broker.clock.millis()), deliveryTime - now + 1);
    }

    /** An expired message was dropped by a queue. */
    void expired(QueueEntry e) {
        StoreRecord.MessageAck ack = broker.stored.forget(e);
        if (ack != null) {
            broker.journal.append(RecordType.MESSAGE_ACK, Records.ack(ack));
        }
    }

    /**
     * Returns a delivered message to its queue. {@code delivered} says whether the application saw it (it then counts
     * as a delivery attempt; after too many the message goes to the dead-letter queue).
     */
    void requeue(Delivery d, boolean delivered) {
        QueueEntry e = d.entry;
        if (!delivered) {
            e.deliveryCount--;
        }
        if (delivered && e.deliveryCount >= broker.settings.maxDeliveryAttempts()
                && !Broker.DEAD_LETTER_QUEUE.equals(e.message.destination().name())) {
            e.queue.consumed(e);
            StoreRecord.MessageAck ack = broker.stored.forget(e);
            WireMessage dead = e.message.withDestination(Dest.queue(Broker.DEAD_LETTER_QUEUE));
            MessageQueue dlq = broker.destinations.queue(Broker.DEAD_LETTER_QUEUE);
            long seq = nextSequence();
            List<String> keys = storedKeys(dead, List.of(dlq));
            LOG.warn("Message {} from {} moved to {} after {} delivery attempts", e.message.messageId(), e.message.destination(),
                    Broker.DEAD_LETTER_QUEUE, e.deliveryCount);
            broker.stored.reserve(seq, keys);
            if (ack != null || !keys.isEmpty()) {
                broker.journal.append(RecordType.TX_COMMIT, Records.transaction(
                        keys.isEmpty() ? List.of() : List.of(new Records.Add(seq, keys, dead)),
                        ack == null ? List.of() : List.of(ack)));
            }
            deliverTo(List.of(dlq), seq, dead);
            return;
        }
        e.queue.putBack(e);
        e.queue.dispatch(broker.clock.millis());
    }

    /** Removes a durable subscription and its messages; returns the record write. */
    CompletableFuture<Long> removeSubscription(Subscription s) {
        broker.destinations.durableSubscriptions.remove(s.key);
        s.topic.subscriptions.remove(s.key);
        for (QueueEntry e : s.queue.drain()) {
            broker.stored.forget(e);
        }
        s.queue.discard();
        return broker.journal.append(RecordType.DURABLE_SUBSCRIPTION_REMOVE, Records.encode(new StoreRecord.SubscriptionRemove(s.key)));
    }
}
