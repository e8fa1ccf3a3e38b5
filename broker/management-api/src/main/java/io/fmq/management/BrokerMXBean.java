package io.fmq.management;

/** Broker-wide totals and administration (destinations, messaging users). */
@Description("The messaging broker: totals, destinations and messaging users.")
public interface BrokerMXBean {
    @Description("Client connections open now.")
    int getConnections();

    @Description("Queues, including temporary ones.")
    int getQueues();

    @Description("Topics, including temporary ones.")
    int getTopics();

    @Description("Messages held over all destinations.")
    long getTotalDepth();

    @Description("Messages added since the server started, over all destinations.")
    long getTotalEnqueued();

    @Description("Messages consumed since the server started, over all destinations.")
    long getTotalDequeued();

    @Description("Whether a destination is created when a client first uses it (otherwise an administrator creates it).")
    boolean isAutoCreateDestinations();

    @Description("Approximate bytes of the messages held in memory (waiting or unacknowledged), counted once per queue or subscription.")
    long getMemoryUsedBytes();

    @Description("Bytes of held messages above which producers wait for consumers (MemoryLimitMB; 0 there means a quarter of the heap).")
    long getMemoryLimitBytes();

    @Description("Deliveries of a returned message before it moves to the queue DLQ (MaxDeliveryAttempts).")
    int getMaxDeliveryAttempts();

    @Description("Bytes the data store's journal takes on disk.")
    long getStoreBytes();

    @Description("Creates a queue.")
    void createQueue(@Description("Name of the queue.") String name);

    @Description("Creates a topic.")
    void createTopic(@Description("Name of the topic.") String name);

    @Informational
    @Description("Names of the messaging users (not the JMX accounts).")
    String[] listUsers();

    @Description("Adds a messaging user, or sets the password of an existing one.")
    void setUser(@Description("User name.") String name, @Description("Password.") String password);

    @Description("Removes a messaging user; its open connections stay until they close.")
    void removeUser(@Description("User name.") String name);

    @Description("Grants permissions on destinations. An empty permission list revokes the grant.")
    void grant(@Description("Who: a user name, group:NAME, or * for every authenticated user.") String principal,
               @Description("Which destinations: queue:NAME, topic:NAME, a prefix ending in * (queue:orders.*), or * for all.") String destinations,
               @Description("send, receive, browse, admin (comma-separated), or all; empty to revoke.") String permissions);

    @Informational
    @Description("Every grant, one per line: principal, destination pattern, permissions.")
    String[] listGrants();

    @Description("Sets the members of a group (comma-separated user names); an empty list removes the group.")
    void setGroup(@Description("Group name.") String group, @Description("Comma-separated user names.") String members);

    @Informational
    @Description("Every group with its members.")
    String[] listGroups();
}
