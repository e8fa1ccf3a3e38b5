package io.fmq.management;

/** One queue or topic: how many messages it holds and moves, and what an administrator can do with them. */
@Description("A queue or topic of the broker: message counts, consumers, and administration of its messages.")
public interface DestinationMXBean {
    @Description("Name of the queue or topic.")
    String getName();

    @Description("queue or topic.")
    String getKind();

    @Description("Messages held now: waiting plus delivered and not yet acknowledged (for a topic: over all its subscriptions).")
    int getDepth();

    @Description("Messages added since the server started.")
    long getEnqueued();

    @Description("Messages consumed (acknowledged) since the server started.")
    long getDequeued();

    @Description("Messages dropped because their time to live ran out, since the server started.")
    long getExpired();

    @Description("Consumers attached now.")
    int getConsumers();

    @Description("Subscriptions of a topic (0 for a queue).")
    int getSubscriptions();

    @Description("Age in milliseconds of the oldest waiting message, 0 when none waits.")
    long getOldestMessageAgeMillis();

    @Description("Deletes every waiting message (not those delivered and awaiting acknowledgement); returns how many.")
    int purge();

    @Informational
    @Description("The first messages waiting, one line each: message id, priority, persistent, timestamp, size, properties, body start.")
    String[] browse(@Description("How many messages to show at most.") int max);

    @Description("Moves waiting messages to another queue (created if needed); returns how many moved.")
    int moveMessages(@Description("Name of the queue to move them to.") String targetQueue,
                     @Description("How many messages to move at most.") int max);
}
