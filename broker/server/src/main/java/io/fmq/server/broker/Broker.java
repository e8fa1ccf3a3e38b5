package io.fmq.server.broker;

import io.fmq.profile.JmxUsers;
import io.fmq.protocol.Dest;
import io.fmq.protocol.ErrorCode;
import io.fmq.protocol.WireMessage;
import io.fmq.store.Journal;
import io.fmq.store.Record;
import io.fmq.store.RecordType;
import io.fmq.store.payload.StoreRecord;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The messaging core: destinations, subscriptions, routing, acknowledgement, transactions and their
 * persistence in the {@link Journal}. One lock guards all of it; the lock is never held while waiting
 * for the disk. A persistent message is routed only after its record is durable, and its send is
 * confirmed after that; acknowledgements and commits are confirmed once their records are durable.
 *
 * <h2>Threads</h2>
 * <ul>
 *   <li>All broker state (destinations, queues, subscriptions, sessions, deliveries, users, grants) is guarded by
 *       {@link #lock}; every method documented "lock held" asserts that its caller holds it. Whoever holds it
 *       never blocks on I/O: deliveries are handed to the client's Netty channel, which writes them on its own
 *       event loop.</li>
 *   <li>Client event loops (Netty) call {@link BrokerConnection} for each frame; they take the lock briefly and
 *       start journal writes, never waiting for them.</li>
 *   <li>The journal completes its futures on its writer thread, or, in a replicated pair, on the HA channel's
 *       event loop when the passive confirms. Nothing broker-side runs there: what follows a durable write
 *       (routing a persistent send, completing a commit, the confirmation to the client) continues on the
 *       broker's own thread {@link #executor()} ({@code fmq-broker}), so a slow consumer or a large dispatch never
 *       delays the journal writer or the HA heartbeats.</li>
 *   <li>The same {@code fmq-broker} thread runs delayed dispatch (delivery delay) and releases producers held
 *       back by the memory limit.</li>
 * </ul>
 */
public final class Broker {
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);
    /** The queue that takes messages after {@link Settings#maxDeliveryAttempts()} failed deliveries. */
    public static final String DEAD_LETTER_QUEUE = "DLQ";

    /**
     * Broker-wide behaviour.
     *
     * @param memoryLimitBytes the size of the messages the broker holds (waiting or delivered but not yet acknowledged,
     *                         counted once per queue or subscription holding them) above which it holds back the
     *                         confirmations of sends and commits, so producers wait until consumers catch up
     */
    public record Settings(int maxDeliveryAttempts, boolean autoCreateDestinations, long memoryLimitBytes, String serverVersion) {
        public Settings {
            if (maxDeliveryAttempts < 1 || memoryLimitBytes < 1) {
                throw new IllegalArgumentException("maxDeliveryAttempts and memoryLimitBytes must be positive");
            }
        }
    }

    /** Producers held back by the memory limit resume once usage is below this share of it. */
    private static final double MEMORY_RESUME_RATIO = 0.8;
    private static final CompletableFuture<Void> MEMORY_AVAILABLE = CompletableFuture.completedFuture(null);

    /** What the broker tells its observers (the JMX layer): destinations and connections coming and going. Called under the lock. */
    public interface Events {
        void destinationAdded(Dest d);

        void destinationRemoved(Dest d);

        void connectionOpened(BrokerConnection c);

        void connectionClosed(BrokerConnection c);
    }

    private static final Events NO_EVENTS = new Events() {
        public void destinationAdded(Dest d) {
        }

        public void destinationRemoved(Dest d) {
        }

        public void connectionOpened(BrokerConnection c) {
        }

        public void connectionClosed(BrokerConnection c) {
        }
    };

    /** Compiles a JMS message selector into a predicate, or refuses it. */
    public interface SelectorCompiler {
        Predicate<WireMessage> compile(String selector) throws BrokerException;
    }

    final ReentrantLock lock = new ReentrantLock();
    final Journal journal;
    final Clock clock;
    final Settings settings;
    final SelectorCompiler selectors;
    final Map<String, MessageQueue> queues = new TreeMap<>();
    final Map<String, Topic> topics = new TreeMap<>();
    final Map<String, Subscription> durableSubscriptions = new HashMap<>();
    final Map<String, BrokerConnection> connections = new LinkedHashMap<>();
    final Map<String, BrokerConnection> clientIds = new HashMap<>();
    /** Stored message sequence → queue keys still holding it (what the journal must keep). */
    final Map<Long, Set<String>> stored = new HashMap<>();
    /** Recently accepted persistent message ids, to drop a client's resend of a message already stored. */
    final RecentMessageIds recentIds = new RecentMessageIds(RecentMessageIds.DEFAULT_CAPACITY);
    private final Map<String, String> users = new HashMap<>();
    final AccessRules access = new AccessRules();
    private final AtomicLong connectionCounter = new AtomicLong();
    /** Approximate bytes held by all queues; written under the lock, read without it. */
    private final AtomicLong memoryUsed = new AtomicLong();
    /** Confirmations held back until memory use falls below the resume mark. Lock held. */
    private final List<CompletableFuture<Void>> memoryWaiters = new ArrayList<>();
    long nextSequence = 1;
    long tempCounter;
    Events events = NO_EVENTS;
    /** Wakes queues whose delayed messages become deliverable. */
    private final java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fmq-broker");
        t.setDaemon(true);
        return t;
    });

    private Broker(Journal journal, Clock clock, Settings settings, SelectorCompiler selectors) {
        this.journal = journal;
        this.clock = clock;
        this.settings = settings;
        this.selectors = selectors;
    }

    /** Builds the broker's state from the journal; a fresh store gets the account admin/passwd. */
    public static Broker open(Journal journal, Clock clock, Settings settings, SelectorCompiler selectors) throws IOException {
        Broker b = new Broker(journal, clock, settings, selectors);
        b.lock.lock();
        try {
            b.replay();
        } finally {
            b.lock.unlock();
        }
        if (b.users.isEmpty()) {
            b.putUser("admin", "passwd".toCharArray());
        }
        if (!b.access.hasGrants()) {
            // a new store: the administrators group may do everything, and admin is in it
            b.setGroup("administrators", Set.of("admin"));
            b.grant("group:administrators", "*", "all");
        }
        return b;
    }

    // ----------------------------------------------------------------------------------- recovery

    private void replay() throws IOException {
        Map<Long, Records.Add> adds = new TreeMap<>();
        Set<String> acks = new HashSet<>();
        journal.replay(r -> {
            if (r.type() == RecordType.EPOCH) {
                return; // the journal's own
            }
            StoreRecord rec = Records.read(r);
            if (rec instanceof StoreRecord.DestinationAdd d) {
                if (d.queue()) {
                    queue(d.name());
                } else {
                    topic(d.name());
                }
            } else if (rec instanceof StoreRecord.DestinationRemove d) {
                if (d.queue()) {
                    queues.remove(d.name());
                } else {
                    topics.remove(d.name());
                }
            } else if (rec instanceof StoreRecord.SubscriptionAdd s) {
                Predicate<WireMessage> sel;
                try {
                    sel = s.selector() == null ? null : selectors.compile(s.selector());
                } catch (BrokerException e) {
                    sel = null;
                }
                Topic t = topic(s.topic());
                Subscription sub = new Subscription(s.key(), t, new MessageQueue(s.key(), true, this), s.selector(), sel,
                        s.noLocal(), null, s.clientId(), s.name(), true, s.clientId() == null);
                t.subscriptions.put(s.key(), sub);
                durableSubscriptions.put(s.key(), sub);
            } else if (rec instanceof StoreRecord.SubscriptionRemove s) {
                Subscription sub = durableSubscriptions.remove(s.key());
                if (sub != null) {
                    sub.topic.subscriptions.remove(sub.key);
                }
            } else if (rec instanceof StoreRecord.MessageAdd a) {
                Records.Add add = Records.fromStore(a);
                adds.put(add.sequence(), add);
                recentIds.remember(add.message(), MEMORY_AVAILABLE);
            } else if (rec instanceof StoreRecord.MessageAck a) {
                acks.add(a.queueKey() + "#" + a.sequence());
            } else if (rec instanceof StoreRecord.Transaction t) {
                for (StoreRecord.MessageAdd a : t.adds()) {
                    Records.Add add = Records.fromStore(a);
                    adds.put(add.sequence(), add);
                    recentIds.remember(add.message(), MEMORY_AVAILABLE);
                }
                t.acks().forEach(a -> acks.add(a.queueKey() + "#" + a.sequence()));
            } else if (rec instanceof StoreRecord.PrincipalPut u) {
                users.put(u.name(), u.passwordHash());
            } else if (rec instanceof StoreRecord.PrincipalRemove u) {
                users.remove(u.name());
            } else if (rec instanceof StoreRecord.AclPut a) {
                access.grant(a.principal(), a.pattern(), AccessRules.parse(a.permissions()));
            } else if (rec instanceof StoreRecord.AclRemove a) {
                access.grant(a.principal(), a.pattern(), AccessRules.parse(""));
            } else if (rec instanceof StoreRecord.AdminObjectPut o) {
                if (o.kind().equals(StoreRecord.AdminObjectPut.GROUP)) {
                    access.setGroup(o.name(), new HashSet<>(o.values()));
                }
            } else if (rec instanceof StoreRecord.AdminObjectRemove o) {
                if (o.kind().equals(StoreRecord.AdminObjectPut.GROUP)) {
                    access.setGroup(o.name(), Set.of());
                }
            }
        });
        long restored = 0;
        for (Records.Add a : adds.values()) {
            nextSequence = Math.max(nextSequence, a.sequence() + 1);
            for (String key : a.keys()) {
                if (acks.contains(key + "#" + a.sequence())) {
                    continue;
                }
                MessageQueue q = queueByKey(key);
                if (q == null) {
                    continue; // its subscription was removed
                }
                QueueEntry entry = new QueueEntry(a.sequence(), a.message(), q);
                entry.recovered = true; // it may have been delivered before the restart or failover
                q.add(entry);
                stored.computeIfAbsent(a.sequence(), s -> new HashSet<>()).add(key);
                restored++;
                scheduleDispatch(q, a.message().deliveryTime(), clock.millis());
            }
        }
        LOG.info("Broker state restored: {} queues, {} topics, {} durable subscriptions, {} stored messages",
                queues.size(), topics.size(), durableSubscriptions.size(), restored);
    }

    private MessageQueue queueByKey(String key) {
        if (key.startsWith("queue:")) {
            return queue(key.substring("queue:".length())).queue;
        }
        Subscription s = durableSubscriptions.get(key);
        return s == null ? null : s.queue;
    }

    // ----------------------------------------------------------------------------------- destinations

    /** A named queue (created when missing) with its message queue. */
    QueueDestination queue(String name) {
        MessageQueue q = queues.get(name);
        if (q == null) {
            q = new MessageQueue("queue:" + name, true, this);
            queues.put(name, q);
            events.destinationAdded(Dest.queue(name));
        }
        return new QueueDestination(name, q);
    }

    record QueueDestination(String name, MessageQueue queue) {
    }

    Topic topic(String name) {
        Topic t = topics.get(name);
        if (t == null) {
            t = new Topic(name);
            topics.put(name, t);
            events.destinationAdded(Dest.topic(name));
        }
        return t;
    }

    /** Lock held. */
    void addTemporary(Dest d) {
        assert lock.isHeldByCurrentThread() : "the broker lock must be held";
        if (d.isQueue()) {
            queues.put(d.name(), new MessageQueue("temp:" + d.name(), false, this));
        } else {
            topics.put(d.name(), new Topic(d.name()));
        }
        events.destinationAdded(d);
    }

    /** Lock held. */
    void removeTemporary(Dest d) {
        assert lock.isHeldByCurrentThread() : "the broker lock must be held";
        if (d.isQueue()) {
            MessageQueue q = queues.remove(d.name());
            if (q != null) {
                q.discard();
            }
        } else {
            topics.remove(d.name());
        }
        events.destinationRemoved(d);
    }

    /** Sets the observer and tells it about everything that exists already. */
    public void setEvents(Events newEvents) {
        lock.lock();
        try {
            events = newEvents == null ? NO_EVENTS : newEvents;
            queues.keySet().forEach(n -> events.destinationAdded(Dest.queue(n)));
            topics.keySet().forEach(n -> events.destinationAdded(Dest.topic(n)));
            connections.values().forEach(events::connectionOpened);
        } finally {
            lock.unlock();
        }
    }

    /** Creates a queue or topic now (administration) and records it. */
    public void createDestination(Dest d) throws IOException {
        lock.lock();
        try {
            if (d.isQueue()) {
                queue(d.name());
            } else {
                topic(d.name());
            }
        } finally {
            lock.unlock();
        }
        await(journal.append(RecordType.DESTINATION_ADD, Records.destination(d)));
    }

    /** Checks that a destination may be used, creating it on first use when the broker is set so. Lock held. */
    void resolve(Dest d, BrokerConnection c) throws BrokerException {
        assert lock.isHeldByCurrentThread() : "the broker lock must be held";
        if (d.kind().isTemporary()) {
            boolean exists = d.isQueue() ? queues.containsKey(d.name()) : topics.containsKey(d.name());
            if (!exists) {
                throw new BrokerException(ErrorCode.INVALID_DESTINATION, "The temporary " + d + " does not exist (its connection closed)");
            }
            return;
        }
        boolean exists = d.isQueue() ? queues.containsKey(d.name()) : topics.containsKey(d.name());
        if (!exists) {
            if (!settings.autoCreateDestinations()) {
                throw new BrokerException(ErrorCode.INVALID_DESTINATION, "There is no " + d + " on this server; an administrator must create it");
            }
            if (d.isQueue()) {
                queue(d.name());
            } else {
                topic(d.name());
            }
            journal.append(RecordType.DESTINATION_ADD, Records.destination(d));
        }
    }

    // ----------------------------------------------------------------------------------- connections

    /** Authenticates a client and opens its connection. */
    public BrokerConnection connect(String user, String password, String clientId, String address, DeliveryTarget target)
            throws BrokerException {
        if (user == null || password == null) {
            throw new BrokerException(ErrorCode.SECURITY, "Anonymous connections are not allowed: give a user name and password");
        }
        lock.lock();
        try {
            String hash = users.get(user);
            if (hash == null || !JmxUsers.verify(password.toCharArray(), hash)) {
                LOG.warn("Client login refused for user '{}' from {}", user, address);
                throw new BrokerException(ErrorCode.SECURITY, "Invalid user name or password");
            }
            String id = "conn-" + connectionCounter.incrementAndGet();
            BrokerConnection c = new BrokerConnection(this, id, user, address, target);
            if (clientId != null) {
                c.setClientId(clientId);
            }
            connections.put(id, c);
            events.connectionOpened(c);
            LOG.info("Client connection {} of user '{}' from {}", id, user, address);
            return c;
        } finally {
            lock.unlock();
        }
    }

    /** Adds or replaces a messaging user (stored in the journal). */
    public void putUser(String name, char[] password) throws IOException {
        String hash = JmxUsers.hash(password);
        await(journal.append(RecordType.PRINCIPAL_PUT, Records.encode(new StoreRecord.PrincipalPut(name, hash))));
        lock.lock();
        try {
            users.put(name, hash);
        } finally {
            lock.unlock();
        }
    }

    // ----------------------------------------------------------------------------------- routing

    /** The queues a message goes to now. Lock held. */
    List<MessageQueue> targets(WireMessage m, String originConnectionId) {
        assert lock.isHeldByCurrentThread() : "the broker lock must be held";
        Dest d = m.destination();
        if (d.isQueue()) {
            MessageQueue q = queues.get(d.name());
            return q == null ? List.of() : List.of(q);
        }
        Topic t = topics.get(d.name());
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

    /** Puts a message into its queues and dispatches. Lock held. */
    void deliverTo(List<MessageQueue> targets, long sequence, WireMessage m, List<String> storedKeys) {
        assert lock.isHeldByCurrentThread() : "the broker lock must be held";
        if (!storedKeys.isEmpty()) {
            stored.computeIfAbsent(sequence, s -> new HashSet<>()).addAll(storedKeys);
        }
        long now = clock.millis();
        for (MessageQueue q : targets) {
            q.add(new QueueEntry(sequence, m, q));
            q.dispatch(now);
            scheduleDispatch(q, m.deliveryTime(), now);
        }
    }

    /** Dispatches the queue again when a delayed message becomes deliverable. */
    private void scheduleDispatch(MessageQueue q, long deliveryTime, long now) {
        if (deliveryTime <= now) {
            return;
        }
        timer.schedule(() -> {
            lock.lock();
            try {
                q.dispatch(clock.millis());
            } finally {
                lock.unlock();
            }
        }, deliveryTime - now + 1, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    // ----------------------------------------------------------------------------------- memory limit

    /** A queue's holding changed by {@code delta} bytes. Lock held. */
    void memoryChanged(long delta) {
        assert lock.isHeldByCurrentThread() : "the broker lock must be held";
        long used = memoryUsed.addAndGet(delta);
        if (delta < 0 && !memoryWaiters.isEmpty() && used <= settings.memoryLimitBytes() * MEMORY_RESUME_RATIO) {
            List<CompletableFuture<Void>> ready = new ArrayList<>(memoryWaiters);
            memoryWaiters.clear();
            LOG.info("Memory use down to {} KB: {} held-back confirmation(s) released", used / 1024, ready.size());
            // completed off the lock: the waiters write to client channels
            timer.execute(() -> ready.forEach(f -> f.complete(null)));
        }
    }

    /**
     * Completes when the broker holds less than its memory limit: at once normally, later while producers have filled
     * it. The client connection holds back a send's or commit's confirmation on it, which stops the producer (its
     * window of unconfirmed sends fills) while consumers and their acknowledgements go on.
     */
    public CompletableFuture<Void> memoryAvailable() {
        if (memoryUsed.get() <= settings.memoryLimitBytes()) {
            return MEMORY_AVAILABLE;
        }
        lock.lock();
        try {
            if (memoryUsed.get() <= settings.memoryLimitBytes()) {
                return MEMORY_AVAILABLE;
            }
            if (memoryWaiters.isEmpty()) {
                LOG.warn("Memory limit reached: the broker holds {} KB of messages (limit {} KB, MemoryLimitMB); producers wait "
                        + "until consumers catch up", memoryUsed.get() / 1024, settings.memoryLimitBytes() / 1024);
            }
            CompletableFuture<Void> f = new CompletableFuture<>();
            memoryWaiters.add(f);
            return f;
        } finally {
            lock.unlock();
        }
    }

    /** The broker-wide behaviour it was opened with. */
    public Settings settings() {
        return settings;
    }

    /** Approximate bytes of messages the broker holds. */
    public long memoryUsed() {
        return memoryUsed.get();
    }

    /** The broker's own thread: where work continues after a journal write became durable (see the class comment). */
    java.util.concurrent.Executor executor() {
        return timer;
    }

    /** Stops the broker's timer (the server is stopping). */
    public void close() {
        timer.shutdownNow();
    }

    /** Records that a stored entry left its queue for good; returns the ack to write, or null. Lock held. */
    StoreRecord.MessageAck forget(QueueEntry e) {
        assert lock.isHeldByCurrentThread() : "the broker lock must be held";
        if (!e.stored()) {
            return null;
        }
        Set<String> keys = stored.get(e.sequence);
        if (keys != null) {
            keys.remove(e.queue.key);
            if (keys.isEmpty()) {
                stored.remove(e.sequence);
            }
        }
        return new StoreRecord.MessageAck(e.queue.key, e.sequence);
    }

    /** An expired message was dropped by a queue. Lock held. */
    void expired(QueueEntry e) {
        assert lock.isHeldByCurrentThread() : "the broker lock must be held";
        StoreRecord.MessageAck ack = forget(e);
        if (ack != null) {
            journal.append(RecordType.MESSAGE_ACK, Records.ack(ack));
        }
    }

    /**
     * Returns a delivered message to its queue. {@code delivered} says whether the application saw it (it
     * then counts as a delivery attempt; after too many the message goes to the dead-letter queue). Lock held.
     */
    void requeue(Delivery d, boolean delivered) {
        assert lock.isHeldByCurrentThread() : "the broker lock must be held";
        QueueEntry e = d.entry;
        if (!delivered) {
            e.deliveryCount--;
        }
        if (delivered && e.deliveryCount >= settings.maxDeliveryAttempts() && !DEAD_LETTER_QUEUE.equals(e.message.destination().name())) {
            e.queue.consumed(e);
            StoreRecord.MessageAck ack = forget(e);
            WireMessage dead = e.message.withDestination(Dest.queue(DEAD_LETTER_QUEUE));
            MessageQueue dlq = queue(DEAD_LETTER_QUEUE).queue;
            long seq = nextSequence++;
            List<String> keys = storedKeys(dead, List.of(dlq));
            LOG.warn("Message {} from {} moved to {} after {} delivery attempts", e.message.messageId(), e.message.destination(),
                    DEAD_LETTER_QUEUE, e.deliveryCount);
            if (ack != null || !keys.isEmpty()) {
                journal.append(RecordType.TX_COMMIT, Records.transaction(
                        keys.isEmpty() ? List.of() : List.of(new Records.Add(seq, keys, dead)),
                        ack == null ? List.of() : List.of(ack)));
            }
            deliverTo(List.of(dlq), seq, dead, keys);
            return;
        }
        e.queue.putBack(e);
        e.queue.dispatch(clock.millis());
    }

    // ----------------------------------------------------------------------------------- durable subscriptions

    /** Removes a durable subscription and its messages. Lock held; returns the record write. */
    CompletableFuture<Long> removeSubscription(Subscription s) {
        assert lock.isHeldByCurrentThread() : "the broker lock must be held";
        durableSubscriptions.remove(s.key);
        s.topic.subscriptions.remove(s.key);
        for (QueueEntry e : s.queue.drain()) {
            forget(e);
        }
        s.queue.discard();
        return journal.append(RecordType.DURABLE_SUBSCRIPTION_REMOVE, Records.encode(new StoreRecord.SubscriptionRemove(s.key)));
    }

    // ----------------------------------------------------------------------------------- compaction

    /** Reclaims journal space of acknowledged messages and removed objects. */
    public Journal.CompactionResult compact() throws IOException {
        return journal.compact(this::isLive);
    }

    private boolean isLive(Record r) {
        if (r.type() == RecordType.EPOCH) {
            return true;
        }
        StoreRecord rec = Records.read(r);
        lock.lock();
        try {
            if (rec instanceof StoreRecord.MessageAdd a) {
                return stored.containsKey(a.sequence());
            } else if (rec instanceof StoreRecord.MessageAck a) {
                return stored.containsKey(a.sequence());
            } else if (rec instanceof StoreRecord.Transaction t) {
                return t.adds().stream().anyMatch(a -> stored.containsKey(a.sequence()))
                        || t.acks().stream().anyMatch(a -> stored.containsKey(a.sequence()));
            } else if (rec instanceof StoreRecord.SubscriptionAdd s) {
                return durableSubscriptions.containsKey(s.key());
            } else if (rec instanceof StoreRecord.DestinationAdd d) {
                return d.queue() ? queues.containsKey(d.name()) : topics.containsKey(d.name());
            } else if (rec instanceof StoreRecord.PrincipalPut u) {
                return u.passwordHash().equals(users.get(u.name()));
            }
            return true; // removals, grants and groups are small and must outlive what they remove
        } finally {
            lock.unlock();
        }
    }

    // ----------------------------------------------------------------------------------- administration

    private List<MessageQueue> queuesOf(Dest d) {
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

    /** Deletes the waiting messages of a destination; returns how many. */
    public int purge(Dest d) throws IOException {
        List<StoreRecord.MessageAck> acks = new ArrayList<>();
        int count = 0;
        lock.lock();
        try {
            for (MessageQueue q : queuesOf(d)) {
                for (QueueEntry e : q.drain()) {
                    count++;
                    q.dequeued++;
                    StoreRecord.MessageAck ack = forget(e);
                    if (ack != null) {
                        acks.add(ack);
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        if (!acks.isEmpty()) {
            await(journal.append(RecordType.TX_COMMIT, Records.transaction(List.of(), acks)));
        }
        LOG.info("Purged {} message(s) from {}", count, d);
        return count;
    }

    /** The first waiting messages of a destination. */
    public List<WireMessage> browse(Dest d, int max) {
        lock.lock();
        try {
            List<WireMessage> list = new ArrayList<>();
            for (MessageQueue q : queuesOf(d)) {
                for (QueueEntry e : q.browse(max - list.size())) {
                    list.add(e.message);
                }
            }
            return list;
        } finally {
            lock.unlock();
        }
    }

    /** Moves waiting messages of a queue to another queue, atomically in the store; returns how many. */
    public int move(String fromQueue, String toQueue, int max) throws IOException {
        List<Records.Add> adds = new ArrayList<>();
        List<StoreRecord.MessageAck> acks = new ArrayList<>();
        List<Runnable> afterwards = new ArrayList<>();
        lock.lock();
        try {
            MessageQueue from = queues.get(fromQueue);
            if (from == null || fromQueue.equals(toQueue)) {
                return 0;
            }
            MessageQueue to = queue(toQueue).queue;
            for (QueueEntry e : from.browse(max)) {
                from.remove(e);
                from.dequeued++;
                StoreRecord.MessageAck ack = forget(e);
                if (ack != null) {
                    acks.add(ack);
                }
                WireMessage moved = e.message.withDestination(Dest.queue(toQueue));
                long seq = nextSequence++;
                List<String> keys = storedKeys(moved, List.of(to));
                if (!keys.isEmpty()) {
                    adds.add(new Records.Add(seq, keys, moved));
                }
                afterwards.add(() -> deliverTo(List.of(to), seq, moved, keys));
            }
        } finally {
            lock.unlock();
        }
        if (!adds.isEmpty() || !acks.isEmpty()) {
            await(journal.append(RecordType.TX_COMMIT, Records.transaction(adds, acks)));
        }
        lock.lock();
        try {
            afterwards.forEach(Runnable::run);
        } finally {
            lock.unlock();
        }
        LOG.info("Moved {} message(s) from queue {} to queue {}", afterwards.size(), fromQueue, toQueue);
        return afterwards.size();
    }

    /** Sets the members of a group (an empty set removes the group); stored in the journal. */
    public void setGroup(String group, Set<String> members) throws IOException {
        if (!group.matches("[A-Za-z0-9_.@-]+")) {
            throw new IllegalArgumentException("a group name may only use letters, digits and _ . @ -");
        }
        await(members.isEmpty()
                ? journal.append(RecordType.ADMIN_OBJECT_REMOVE, Records.encode(new StoreRecord.AdminObjectRemove(StoreRecord.AdminObjectPut.GROUP, group)))
                : journal.append(RecordType.ADMIN_OBJECT_PUT, Records.encode(new StoreRecord.AdminObjectPut(StoreRecord.AdminObjectPut.GROUP, group,
                        List.copyOf(new java.util.TreeSet<>(members))))));
        lock.lock();
        try {
            access.setGroup(group, members);
        } finally {
            lock.unlock();
        }
    }

    public Set<String> groupMembers(String group) {
        lock.lock();
        try {
            return new java.util.TreeSet<>(access.group(group));
        } finally {
            lock.unlock();
        }
    }

    public List<String> groups() {
        lock.lock();
        try {
            List<String> lines = new ArrayList<>();
            access.groups().forEach((g, m) -> lines.add(g + ": " + String.join(", ", m)));
            return lines;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Grants permissions ({@code send,receive,browse,admin} or {@code all}; empty to revoke) to a principal (a user,
     * {@code group:NAME} or {@code *}) on a destination pattern; stored in the journal.
     */
    public void grant(String principal, String pattern, String permissions) throws IOException {
        AccessRules.checkPattern(pattern);
        java.util.EnumSet<AccessRules.Permission> perms = AccessRules.parse(permissions);
        if (principal == null || principal.isBlank() || principal.contains("\n")) {
            throw new IllegalArgumentException("give a user, group:NAME or * to grant to");
        }
        await(perms.isEmpty()
                ? journal.append(RecordType.ACL_REMOVE, Records.encode(new StoreRecord.AclRemove(principal, pattern)))
                : journal.append(RecordType.ACL_PUT, Records.encode(new StoreRecord.AclPut(principal, pattern, permissions))));
        lock.lock();
        try {
            access.grant(principal, pattern, perms);
        } finally {
            lock.unlock();
        }
    }

    public List<String> grants() {
        lock.lock();
        try {
            return access.describe();
        } finally {
            lock.unlock();
        }
    }

    public List<String> users() {
        lock.lock();
        try {
            return new ArrayList<>(new java.util.TreeSet<>(users.keySet()));
        } finally {
            lock.unlock();
        }
    }

    public void removeUser(String name) throws IOException {
        await(journal.append(RecordType.PRINCIPAL_REMOVE, Records.encode(new StoreRecord.PrincipalRemove(name))));
        lock.lock();
        try {
            users.remove(name);
        } finally {
            lock.unlock();
        }
    }

    public int connectionCount() {
        lock.lock();
        try {
            return connections.size();
        } finally {
            lock.unlock();
        }
    }

    public boolean autoCreatesDestinations() {
        return settings.autoCreateDestinations();
    }

    // ----------------------------------------------------------------------------------- statistics

    /** A snapshot of one destination for JMX and the tools. */
    public record DestinationStats(String name, boolean queue, int depth, long enqueued, long dequeued, long expired, int consumers,
                                   long oldestAgeMillis, int subscriptions) {
    }

    /** The statistics of one destination, or null when it does not exist. */
    public DestinationStats destinationStats(Dest d) {
        for (DestinationStats s : destinationStats()) {
            if (s.name().equals(d.name()) && s.queue() == d.isQueue()) {
                return s;
            }
        }
        return null;
    }

    public List<DestinationStats> destinationStats() {
        lock.lock();
        try {
            long now = clock.millis();
            List<DestinationStats> list = new ArrayList<>();
            queues.forEach((name, q) -> list.add(new DestinationStats(name, true, q.depth(), q.enqueued, q.dequeued, q.expired,
                    q.consumers.size(), q.oldestAgeMillis(now), 0)));
            topics.forEach((name, t) -> {
                int depth = 0;
                long enq = 0;
                long deq = 0;
                long exp = 0;
                int consumers = 0;
                long oldest = 0;
                for (Subscription s : t.subscriptions.values()) {
                    depth += s.queue.depth();
                    enq += s.queue.enqueued;
                    deq += s.queue.dequeued;
                    exp += s.queue.expired;
                    consumers += s.queue.consumers.size();
                    oldest = Math.max(oldest, s.queue.oldestAgeMillis(now));
                }
                list.add(new DestinationStats(name, false, depth, enq, deq, exp, consumers, oldest, t.subscriptions.size()));
            });
            return list;
        } finally {
            lock.unlock();
        }
    }

    /** Closes every client connection (server stopping). */
    public void closeAll() {
        List<BrokerConnection> all;
        lock.lock();
        try {
            all = new ArrayList<>(connections.values());
        } finally {
            lock.unlock();
        }
        all.forEach(BrokerConnection::close);
    }

    static long await(CompletableFuture<Long> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof IOException ? (IOException) e.getCause() : new IOException(e.getCause());
        }
    }
}
