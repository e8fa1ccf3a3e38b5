package io.fmq.server.broker;

import io.fmq.protocol.Dest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The broker's destinations: queues, topics with their subscriptions, and the durable subscriptions by key.
 * Owned by the broker's thread ({@link BrokerExecutor}); every method runs there.
 */
final class Destinations {
    private final Broker broker;
    final Map<String, MessageQueue> queues = new TreeMap<>();
    final Map<String, Topic> topics = new TreeMap<>();
    final Map<String, Subscription> durableSubscriptions = new HashMap<>();
    private long tempCounter;

    Destinations(Broker broker) {
        this.broker = broker;
    }

    /** A named queue, created (and announced) when missing. */
    MessageQueue queue(String name) {
        MessageQueue q = queues.get(name);
        if (q == null) {
            q = new MessageQueue("queue:" + name, true, broker);
            queues.put(name, q);
            broker.events.destinationAdded(Dest.queue(name));
        }
        return q;
    }

    /** A named topic, created (and announced) when missing. */
    Topic topic(String name) {
        Topic t = topics.get(name);
        if (t == null) {
            t = new Topic(name);
            topics.put(name, t);
            broker.events.destinationAdded(Dest.topic(name));
        }
        return t;
    }

    boolean exists(Dest d) {
        return d.isQueue() ? queues.containsKey(d.name()) : topics.containsKey(d.name());
    }

    /** Creates a queue or topic of the destination's kind (when missing). */
    void create(Dest d) {
        if (d.isQueue()) {
            queue(d.name());
        } else {
            topic(d.name());
        }
    }

    /** Forgets a queue or topic (replay of its removal). */
    void remove(boolean queue, String name) {
        if (queue) {
            queues.remove(name);
        } else {
            topics.remove(name);
        }
    }

    /** A new temporary destination's name for a connection. */
    String temporaryName(Dest.Kind kind, String connectionId) {
        return (kind == Dest.Kind.TEMP_QUEUE ? "TMP.Q." : "TMP.T.") + connectionId + "." + (++tempCounter);
    }

    void addTemporary(Dest d) {
        if (d.isQueue()) {
            queues.put(d.name(), new MessageQueue("temp:" + d.name(), false, broker));
        } else {
            topics.put(d.name(), new Topic(d.name()));
        }
        broker.events.destinationAdded(d);
    }

    void removeTemporary(Dest d) {
        if (d.isQueue()) {
            MessageQueue q = queues.remove(d.name());
            if (q != null) {
                q.discard();
            }
        } else {
            topics.remove(d.name());
        }
        broker.events.destinationRemoved(d);
    }

    /** The queue a stored queue key names (a queue, or a durable subscription's), or null when it is gone. */
    MessageQueue queueByKey(String key) {
        if (key.startsWith("queue:")) {
            return queue(key.substring("queue:".length()));
        }
        Subscription s = durableSubscriptions.get(key);
        return s == null ? null : s.queue;
    }

    /** The message queues of a destination: the queue, or every subscription of the topic. */
    List<MessageQueue> queuesOf(Dest d) {
        if (d.isQueue()) {
            MessageQueue q = queues.get(d.name());
            return q == null ? List.of() : List.of(q);
        }
        Topic t = topics.get(d.name());
        List<MessageQueue> list = new ArrayList<>();
        if (t != null) {
            t.subscriptions.values().forEach(s -> list.add(s.queue));
        }
        return list;
    }

    /** The subscription whose key starts with {@code lookup + "#"}, or null. */
    Subscription findSubscription(String lookup) {
        for (Topic t : topics.values()) {
            for (Subscription s : t.subscriptions.values()) {
                if (s.key.startsWith(lookup + "#")) {
                    return s;
                }
            }
        }
        return null;
    }

    /** Removes a subscription's queue from whichever topic holds it. */
    void dropSubscription(String key) {
        for (Topic t : topics.values()) {
            t.subscriptions.remove(key);
        }
    }
}
