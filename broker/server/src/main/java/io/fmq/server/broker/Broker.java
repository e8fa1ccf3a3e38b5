package io.fmq.server.broker;

import io.fmq.protocol.Dest;
import io.fmq.protocol.ErrorCode;
import io.fmq.protocol.WireMessage;
import io.fmq.store.Journal;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The messaging core: destinations, subscriptions, routing, acknowledgement, transactions and their persistence in
 * the {@link Journal}. A persistent message is routed only after its record is durable, and its send is confirmed
 * after that; acknowledgements and commits are confirmed once their records are durable.
 *
 * <h2>Parts, each owning its state</h2>
 * <ul>
 *   <li>{@link Destinations}: queues, topics, subscriptions;</li>
 *   <li>{@link Routing}: where a message goes, dispatch, delayed delivery, redelivery and dead-lettering
 *       (with {@link MessageQueue}, {@link Session} and {@link Consumer});</li>
 *   <li>{@link MemoryBudget}: the memory limit and the producers it holds back;</li>
 *   <li>{@link Pager}: stored messages beyond the paging threshold, kept in the journal only and read back in order;</li>
 *   <li>{@link SecurityStore}: users, groups and grants;</li>
 *   <li>{@link StoredMessages}: which records the journal must keep, and compaction;</li>
 *   <li>{@link Recovery}: the state rebuilt from the journal;</li>
 *   <li>{@link Administration}: what administrators do;</li>
 *   <li>{@link BrokerConnection}: one client connection's sessions and consumers.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * All of that state is owned by one thread, the broker's {@link BrokerExecutor} ({@code fmq-broker}): nothing else
 * reads or writes it, so it needs no lock. Others hand work to it:
 * <ul>
 *   <li>a client connection's Netty event loop hands each frame over as a task ({@link #execute}); the task answers
 *       the client by writing to its channel, which Netty then does on the event loop. The event loop itself never
 *       waits for the broker or the disk;</li>
 *   <li>the journal completes its futures on its writer thread (or, in a replicated pair, on the HA channel's thread
 *       when the passive confirms); what follows a durable write (routing a persistent send, completing a commit, the
 *       confirmation) continues on the broker's thread, so a slow consumer or a large dispatch never delays the
 *       journal writer or the HA heartbeats;</li>
 *   <li>administrators (JMX, the offline tools) and the compactor {@link #call} the broker's thread and wait for
 *       its answer on their own thread; they wait for the disk on their own thread too;</li>
 *   <li>delayed delivery runs on the broker's thread when its time comes ({@link BrokerExecutor#schedule}).</li>
 * </ul>
 * A few values are also published for other threads: the memory in use ({@link #memoryUsed()}) and the users (for
 * logins, which hash passwords on the connection's own thread).
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

    /** What the broker tells its observers (the JMX layer): destinations and connections coming and going. Called on the broker's thread. */
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

    final Journal journal;
    final Clock clock;
    final Settings settings;
    final SelectorCompiler selectors;
    final BrokerExecutor executor;
    /** Set by {@link #stopCompaction} on a stopping server's thread, read by the compacting thread. */
    private volatile boolean compactionStopped;
    final Destinations destinations = new Destinations(this);
    final Routing routing = new Routing(this);
    final StoredMessages stored = new StoredMessages();
    final SecurityStore security = new SecurityStore();
    final MemoryBudget memory;
    final Pager pager;
    /** Messages with a broker sequence below this were restored from the journal (they may have been delivered before). */
    long recoveredBelow;
    final Administration admin = new Administration(this);
    /** Recently accepted persistent message ids, to drop a client's resend of a message already stored. */
    final RecentMessageIds recentIds = new RecentMessageIds(RecentMessageIds.DEFAULT_CAPACITY);
    final Map<String, BrokerConnection> connections = new LinkedHashMap<>();
    final Map<String, BrokerConnection> clientIds = new HashMap<>();
    private final AtomicLong connectionCounter = new AtomicLong();
    Events events = NO_EVENTS;

    /**
     * Where a login's password is checked when it is not one the broker saw succeed before: the derivation takes
     * milliseconds of CPU and must hold up neither a network event loop nor the broker's thread.
     */
    private final java.util.concurrent.Executor logins;
    /** The login threads' pool (null when logins are checked on the caller's thread, in tests). */
    private final java.util.concurrent.ExecutorService loginPool;
    /** Most logins waiting for a password check; more are refused as busy (a flood of new logins, or of wrong passwords). */
    static final int MAX_WAITING_LOGINS = 1024;

    private Broker(Journal journal, Clock clock, Settings settings, SelectorCompiler selectors, BrokerExecutor executor,
                   java.util.concurrent.ExecutorService loginPool) {
        this.logins = loginPool != null ? loginPool : Runnable::run;
        this.loginPool = loginPool;
        this.journal = journal;
        this.clock = clock;
        this.settings = settings;
        this.selectors = selectors;
        this.executor = executor;
        this.memory = new MemoryBudget(this, settings.memoryLimitBytes());
        this.pager = new Pager(this, settings.memoryLimitBytes());
    }

    /** Builds the broker's state from the journal; a fresh store gets the account admin/passwd. */
    public static Broker open(Journal journal, Clock clock, Settings settings, SelectorCompiler selectors) throws IOException {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        java.util.concurrent.ThreadPoolExecutor pool = new java.util.concurrent.ThreadPoolExecutor(threads, threads, 30,
                java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.ArrayBlockingQueue<>(MAX_WAITING_LOGINS),
                new io.netty.util.concurrent.DefaultThreadFactory("fmq-login", true));
        pool.allowCoreThreadTimeOut(true);
        try {
            return open(journal, clock, settings, selectors, BrokerExecutor.thread(), pool);
        } catch (IOException | RuntimeException e) {
            pool.shutdown();
            throw e;
        }
    }

    /**
     * As {@link #open(Journal, Clock, Settings, SelectorCompiler)}, owned by the given executor (tests: a manual one),
     * checking logins on the caller's thread.
     */
    static Broker open(Journal journal, Clock clock, Settings settings, SelectorCompiler selectors, BrokerExecutor executor)
            throws IOException {
        return open(journal, clock, settings, selectors, executor, null);
    }

    private static Broker open(Journal journal, Clock clock, Settings settings, SelectorCompiler selectors, BrokerExecutor executor,
                               java.util.concurrent.ExecutorService loginPool) throws IOException {
        Broker b = new Broker(journal, clock, settings, selectors, executor, loginPool);
        try {
            try {
                b.call(() -> {
                    Recovery.replay(b);
                    return null;
                });
            } catch (java.io.UncheckedIOException e) {
                throw e.getCause();
            }
            if (!b.security.hasUsers()) {
                b.putUser("admin", "passwd".toCharArray());
            }
            if (!b.call(b.security.access::hasGrants)) {
                // a new store: the administrators group may do everything, and admin is in it
                b.setGroup("administrators", Set.of("admin"));
                b.grant("group:administrators", "*", "all");
            }
        } catch (IOException | RuntimeException e) {
            executor.shutdown();
            throw e;
        }
        return b;
    }

    // ----------------------------------------------------------------------------------- the broker's thread

    /**
     * Hands a task to the broker's thread, where it may use the broker's state (a client connection's frames); tasks
     * run one at a time in the order they were handed over. After {@link #close} it is dropped.
     */
    public void execute(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.debug("Broker stopped: a task was dropped");
        }
    }

    /**
     * Broker's thread only: runs {@code action} once when the broker's current burst of work ends (a client channel's
     * flush, so that what one burst wrote to it goes out together).
     */
    public void atEndOfBurst(Runnable action) {
        executor.atEndOfBurst(action);
    }

    /** Whether the caller is the broker's thread. */
    public boolean inOwner() {
        return executor.inOwner();
    }

    /**
     * Runs {@code task} on the broker's thread and returns its result; on the broker's thread itself it runs at once.
     * For administrators and tools, never for a Netty event loop (it waits).
     */
    <T> T call(Callable<T> task) {
        if (executor.inOwner()) {
            try {
                return task.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        CompletableFuture<T> f = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    f.complete(task.call());
                } catch (Throwable t) {
                    f.completeExceptionally(t);
                }
            });
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("the broker is stopped");
        }
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the broker", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            if (c instanceof IOException io) {
                throw new java.io.UncheckedIOException(io);
            }
            throw new IllegalStateException(c);
        }
    }

    /** The broker's thread, where work continues after a journal write became durable. */
    java.util.concurrent.Executor executor() {
        return this::execute;
    }

    // ----------------------------------------------------------------------------------- connections

    /**
     * Authenticates a client and opens its connection on the broker's thread; the future completes there with the
     * connection, or (on any thread) with the refusal. A login the broker saw succeed before is checked at once on the
     * calling thread; any other on a login thread ({@link #logins}), so that the slow password hash never holds up
     * the caller (a network event loop).
     */
    public CompletableFuture<BrokerConnection> connect(String user, String password, String clientId, String address,
                                                       DeliveryTarget target) {
        if (user == null || password == null) {
            return CompletableFuture.failedFuture(new BrokerException(ErrorCode.SECURITY,
                    "Anonymous connections are not allowed: give a user name and password"));
        }
        CompletableFuture<BrokerConnection> opened = new CompletableFuture<>();
        if (security.knownLogin(user, password)) {
            open(user, clientId, address, target, opened);
            return opened;
        }
        try {
            logins.execute(() -> {
                if (!security.authenticate(user, password)) {
                    LOG.warn("Client login refused for user '{}' from {}", user, address);
                    opened.completeExceptionally(new BrokerException(ErrorCode.SECURITY, "Invalid user name or password"));
                    return;
                }
                open(user, clientId, address, target, opened);
            });
        } catch (RejectedExecutionException e) {
            LOG.warn("Client login from {} refused: {} logins already wait for their password check", address, MAX_WAITING_LOGINS);
            opened.completeExceptionally(new BrokerException(ErrorCode.BUSY, "The server is busy checking " + MAX_WAITING_LOGINS
                    + " other logins; try again in a moment"));
        }
        return opened;
    }

    /** Opens an authenticated client's connection on the broker's thread and completes {@code opened} there. */
    private void open(String user, String clientId, String address, DeliveryTarget target, CompletableFuture<BrokerConnection> opened) {
        execute(() -> {
            try {
                String id = "conn-" + connectionCounter.incrementAndGet();
                BrokerConnection c = new BrokerConnection(this, id, user, address, target);
                if (clientId != null) {
                    c.setClientId(clientId);
                }
                connections.put(id, c);
                events.connectionOpened(c);
                LOG.info("Client connection {} of user '{}' from {}", id, user, address);
                opened.complete(c);
            } catch (BrokerException | RuntimeException e) {
                opened.completeExceptionally(e);
            }
        });
    }

    /** Checks that a destination may be used, creating it on first use when the broker is set so. Broker's thread. */
    void resolve(Dest d) throws BrokerException {
        if (d.kind().isTemporary()) {
            if (!destinations.exists(d)) {
                throw new BrokerException(ErrorCode.INVALID_DESTINATION, "The temporary " + d + " does not exist (its connection closed)");
            }
            return;
        }
        if (!destinations.exists(d)) {
            if (!settings.autoCreateDestinations()) {
                throw new BrokerException(ErrorCode.INVALID_DESTINATION, "There is no " + d + " on this server; an administrator must create it");
            }
            destinations.create(d);
            journal.append(io.fmq.store.RecordType.DESTINATION_ADD, Records.destination(d));
        }
    }

    /** Sets the observer and tells it about everything that exists already. */
    public void setEvents(Events newEvents) {
        call(() -> {
            events = newEvents == null ? NO_EVENTS : newEvents;
            destinations.queues.keySet().forEach(n -> events.destinationAdded(Dest.queue(n)));
            destinations.topics.keySet().forEach(n -> events.destinationAdded(Dest.topic(n)));
            connections.values().forEach(events::connectionOpened);
            return null;
        });
    }

    public int connectionCount() {
        return call(connections::size);
    }

    /** Closes every client connection's broker side (server stopping). */
    public void closeAll() {
        call(() -> {
            new ArrayList<>(connections.values()).forEach(BrokerConnection::close);
            return null;
        });
    }

    /** Stops the broker's thread and the login threads (the server is stopping). */
    public void close() {
        if (loginPool != null) {
            loginPool.shutdownNow();
        }
        executor.shutdown();
    }

    // ----------------------------------------------------------------------------------- called by the parts

    /** A queue's holding changed by {@code delta} bytes. Broker's thread. */
    void memoryChanged(long delta) {
        memory.changed(delta);
    }

    /** An expired message was dropped by a queue. Broker's thread. */
    void expired(QueueEntry e) {
        routing.expired(e);
    }

    // ----------------------------------------------------------------------------------- flow control

    /** Completes when the broker holds less than its memory limit (see {@link MemoryBudget#available()}); any thread. */
    public CompletableFuture<Void> memoryAvailable() {
        return memory.available();
    }

    /** Approximate bytes of messages the broker holds; any thread. */
    public long memoryUsed() {
        return memory.used();
    }

    /** The broker-wide behaviour it was opened with. */
    public Settings settings() {
        return settings;
    }

    public boolean autoCreatesDestinations() {
        return settings.autoCreateDestinations();
    }

    // ----------------------------------------------------------------------------------- administration

    /** Reclaims journal space of acknowledged messages and removed objects. */
    public Journal.CompactionResult compact() throws IOException {
        return StoredMessages.compact(this);
    }

    /**
     * Ends a compaction running on another thread at its next segment, and makes later ones end at once (the server is
     * stopping). Any thread.
     */
    public void stopCompaction() {
        compactionStopped = true;
    }

    boolean compactionStopped() {
        return compactionStopped;
    }

    /** As {@link #compact()} when a stored message was done with since the last compaction; else nothing is read. */
    public Journal.CompactionResult compactIfChanged() throws IOException {
        return StoredMessages.compactIfChanged(this);
    }

    /** Creates a queue or topic now (administration) and records it. */
    public void createDestination(Dest d) throws IOException {
        admin.createDestination(d);
    }

    /** Adds or replaces a messaging user (stored in the journal). */
    public void putUser(String name, char[] password) throws IOException {
        admin.putUser(name, password);
    }

    public void removeUser(String name) throws IOException {
        admin.removeUser(name);
    }

    public List<String> users() {
        return admin.users();
    }

    /** Sets the members of a group (an empty set removes the group); stored in the journal. */
    public void setGroup(String group, Set<String> members) throws IOException {
        admin.setGroup(group, members);
    }

    public Set<String> groupMembers(String group) {
        return admin.groupMembers(group);
    }

    public List<String> groups() {
        return admin.groups();
    }

    /**
     * Grants permissions ({@code send,receive,browse,admin} or {@code all}; empty to revoke) to a principal (a user,
     * {@code group:NAME} or {@code *}) on a destination pattern; stored in the journal.
     */
    public void grant(String principal, String pattern, String permissions) throws IOException {
        admin.grant(principal, pattern, permissions);
    }

    public List<String> grants() {
        return admin.grants();
    }

    /** Deletes the waiting messages of a destination; returns how many. */
    public int purge(Dest d) throws IOException {
        return admin.purge(d);
    }

    /** The first waiting messages of a destination. */
    public List<WireMessage> browse(Dest d, int max) {
        return admin.browse(d, max);
    }

    /** Moves waiting messages of a queue to another queue, atomically in the store; returns how many. */
    public int move(String fromQueue, String toQueue, int max) throws IOException {
        return admin.move(fromQueue, toQueue, max);
    }

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
        return admin.destinationStats();
    }

    static long await(CompletableFuture<Long> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException ? (IOException) e.getCause() : new IOException(e.getCause());
        }
    }
}
