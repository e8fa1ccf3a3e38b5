package io.fmq.server.broker;

import io.fmq.protocol.Dest;
import io.fmq.protocol.WireMessage;
import java.util.function.Predicate;

/** A consumer as the broker sees it: its queue (or subscription), selector and remaining credit. */
final class Consumer {
    final int id;
    final Session session;
    final MessageQueue queue;
    final Dest destination;
    final Predicate<WireMessage> selector;
    /** For a non-durable topic subscription: the queue exists only for this consumer and goes with it. */
    final boolean ownsQueue;
    /** For a durable or shared subscription: its name. */
    final String subscription;
    int credit;

    Consumer(int id, Session session, MessageQueue queue, Dest destination, Predicate<WireMessage> selector, boolean ownsQueue,
             String subscription, int credit) {
        this.id = id;
        this.session = session;
        this.queue = queue;
        this.destination = destination;
        this.selector = selector;
        this.ownsQueue = ownsQueue;
        this.subscription = subscription;
        this.credit = credit;
    }

    /** Whether the consumer may get a message now: it has credit and its connection is started. */
    boolean ready() {
        return credit > 0 && session.connection.started;
    }

    boolean accepts(WireMessage m) {
        return selector == null || selector.test(m);
    }
}
