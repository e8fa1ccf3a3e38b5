package io.fmq.server.broker;

import io.fmq.protocol.WireMessage;
import java.util.function.Predicate;

/**
 * One subscription of a topic. Non-durable ones belong to one consumer; durable ones outlive their
 * consumers (and the server: they are in the journal); shared ones are taken by several consumers.
 */
final class Subscription {
    final String key;
    final Topic topic;
    final MessageQueue queue;
    final String selectorText;
    final Predicate<WireMessage> selector;
    final boolean noLocal;
    /** The connection whose own messages a noLocal subscription skips (null when none is attached). */
    String connectionId;
    final String clientId;
    final String name;
    final boolean durable;
    final boolean shared;

    Subscription(String key, Topic topic, MessageQueue queue, String selectorText, Predicate<WireMessage> selector, boolean noLocal,
                 String connectionId, String clientId, String name, boolean durable, boolean shared) {
        this.key = key;
        this.topic = topic;
        this.queue = queue;
        this.selectorText = selectorText;
        this.selector = selector;
        this.noLocal = noLocal;
        this.connectionId = connectionId;
        this.clientId = clientId;
        this.name = name;
        this.durable = durable;
        this.shared = shared;
    }

    boolean accepts(WireMessage m, String originConnectionId) {
        if (noLocal && originConnectionId != null && originConnectionId.equals(connectionId)) {
            return false;
        }
        return selector == null || selector.test(m);
    }
}
