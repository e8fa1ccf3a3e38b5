package io.fmq.server.broker;

/** A message handed to a consumer and not yet acknowledged. */
final class Delivery {
    final long id;
    final QueueEntry entry;
    final Consumer consumer;
    /** Acknowledged inside a transaction that is not committed yet. */
    boolean acknowledgedInTransaction;

    Delivery(long id, QueueEntry entry, Consumer consumer) {
        this.id = id;
        this.entry = entry;
        this.consumer = consumer;
    }
}
