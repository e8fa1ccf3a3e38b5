package io.fmq.server.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmq.profile.JmxUsers;
import io.fmq.protocol.Dest;
import io.fmq.protocol.Frame;
import io.fmq.protocol.Wire;
import io.fmq.protocol.WireMessage;
import io.fmq.store.InMemoryJournal;
import io.fmq.store.Record;
import io.fmq.store.RecordType;
import io.fmq.store.payload.PayloadCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The messaging core in-process: a {@link Broker} on the in-memory journal, a fake delivery target that records what a
 * client would receive, a clock the test moves and a manual owner executor: the test thread is the broker's thread,
 * tasks handed to it run at once (in order, never nested) and delayed ones when the clock reaches them.
 */
class BrokerTest {
    private final ManualClock clock = new ManualClock(1_000_000);
    /** The executor of the broker opened last (each broker gets its own: closing one stops it). */
    private ManualExecutor executor;
    private final List<Broker> opened = new ArrayList<>();

    /** The broker's thread, played by the test's: see the class comment. */
    static final class ManualExecutor implements BrokerExecutor {
        private record Timed(long due, long order, Runnable task) {
        }

        private final ManualClock clock;
        private final java.util.ArrayDeque<Runnable> tasks = new java.util.ArrayDeque<>();
        private final java.util.PriorityQueue<Timed> timed = new java.util.PriorityQueue<>(
                java.util.Comparator.comparingLong(Timed::due).thenComparingLong(Timed::order));
        private final java.util.LinkedHashSet<Runnable> endOfBurst = new java.util.LinkedHashSet<>();
        private long order;
        private boolean running;
        private boolean stopped;
        /** The test's thread, which plays the owner; tasks handed over on other threads (the file journal's) wait here. */
        private final Thread owner = Thread.currentThread();
        private final java.util.concurrent.LinkedBlockingQueue<Runnable> foreign = new java.util.concurrent.LinkedBlockingQueue<>();

        ManualExecutor(ManualClock clock) {
            this.clock = clock;
        }

        @Override
        public void execute(Runnable task) {
            if (stopped) {
                throw new java.util.concurrent.RejectedExecutionException("stopped");
            }
            if (Thread.currentThread() != owner) {
                foreign.add(task); // run by the test's thread, in order, when it waits for something
                return;
            }
            tasks.add(task);
            runPending();
        }

        /** Runs the tasks other threads hand over until {@code f} is done (at most 10 s). */
        void await(java.util.concurrent.CompletableFuture<?> f) throws Exception {
            f.whenComplete((x, e) -> foreign.add(() -> { }));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!f.isDone()) {
                Runnable r = foreign.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (r == null) {
                    break;
                }
                tasks.add(r);
                runPending();
            }
            f.get(0, TimeUnit.SECONDS);
        }

        private void runPending() {
            if (running) {
                return; // runs after the task that handed it over, as on a real single thread
            }
            running = true;
            try {
                while (!tasks.isEmpty() || !endOfBurst.isEmpty() || !foreign.isEmpty()) {
                    foreign.drainTo(tasks);
                    for (Runnable r; (r = tasks.poll()) != null; ) {
                        r.run();
                    }
                    Runnable[] actions = endOfBurst.toArray(new Runnable[0]);
                    endOfBurst.clear();
                    for (Runnable a : actions) {
                        a.run();
                    }
                }
            } finally {
                running = false;
            }
        }

        @Override
        public void schedule(Runnable task, long delayMillis) {
            timed.add(new Timed(clock.millis() + delayMillis, order++, task));
        }

        /** Moves the clock on and runs what became due. */
        void advance(long ms) {
            clock.advance(ms);
            while (!timed.isEmpty() && timed.peek().due() <= clock.millis()) {
                tasks.add(timed.poll().task());
            }
            runPending();
        }

        @Override
        public void atEndOfBurst(Runnable action) {
            endOfBurst.add(action);
        }

        @Override
        public boolean inOwner() {
            return true;
        }

        /** Reads run at once, on the test's thread; their results come back as tasks. */
        @Override
        public java.util.concurrent.Executor reader() {
            return Runnable::run;
        }

        @Override
        public void shutdown() {
            stopped = true;
            tasks.clear();
            timed.clear();
        }
    }

    /** A clock that stands still until the test moves it. */
    static final class ManualClock extends Clock {
        private final AtomicLong millis;

        ManualClock(long start) {
            millis = new AtomicLong(start);
        }

        void advance(long ms) {
            millis.addAndGet(ms);
        }

        @Override
        public long millis() {
            return millis.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /** What one client connection was sent. */
    static final class Received implements DeliveryTarget {
        final List<WireMessage> messages = new ArrayList<>();
        final List<Long> deliveryIds = new ArrayList<>();

        @Override
        public synchronized void deliver(int consumerId, long deliveryId, WireMessage message) {
            messages.add(message);
            deliveryIds.add(deliveryId);
        }

        synchronized List<String> ids() {
            return messages.stream().map(WireMessage::messageId).toList();
        }
    }

    private Broker open(InMemoryJournal journal) throws IOException {
        return open(journal, 64L * 1024 * 1024);
    }

    private Broker open(io.fmq.store.Journal journal, long memoryLimit) throws IOException {
        executor = new ManualExecutor(clock);
        Broker b = Broker.open(journal, clock, new Broker.Settings(3, true, memoryLimit, "test"), text -> {
            try {
                return io.fmq.server.selector.Selector.parse(text);
            } catch (io.fmq.server.selector.Selector.InvalidSelectorException e) {
                throw new BrokerException(io.fmq.protocol.ErrorCode.INVALID_SELECTOR, e.getMessage());
            }
        }, executor);
        opened.add(b);
        return b;
    }

    @AfterEach
    void closeBrokers() {
        opened.forEach(Broker::close);
    }

    private WireMessage message(String id, Dest to, boolean persistent, long expiration) {
        return message(id, to, persistent, expiration, 0);
    }

    private WireMessage message(String id, Dest to, boolean persistent, long expiration, long deliveryTime) {
        return new WireMessage(id, to, persistent, 4, clock.millis(), expiration, deliveryTime, null, null, null, false, 0, Map.of("k", "v"),
                (byte) 0, ("body of " + id).getBytes());
    }

    private WireMessage message(String id, Dest to, boolean persistent, long expiration, long deliveryTime, int bodySize) {
        return new WireMessage(id, to, persistent, 4, clock.millis(), expiration, deliveryTime, null, null, null, false, 0, Map.of("k", "v"),
                (byte) 0, new byte[bodySize]);
    }

    private BrokerConnection connect(Broker broker, Received target) throws Exception {
        BrokerConnection c = broker.connect("admin", "passwd", null, "test", target).get(10, TimeUnit.SECONDS);
        c.openSession(1, false);
        return c;
    }

    /** A started connection with a consumer on {@code d}. */
    private BrokerConnection consume(Broker broker, Dest d, Received target) throws Exception {
        BrokerConnection c = connect(broker, target);
        await(c.openConsumer(consumer(1, d)));
        c.flow(true, new int[0], new long[0]);
        return c;
    }

    @Test
    void aLoginSeenToSucceedIsCheckedFastAndAChangedPasswordOrAWrongOneTakesTheSlowPathAgain() throws Exception {
        Broker broker = open(new InMemoryJournal());
        SecurityStore security = broker.security;
        assertThat(security.knownLogin("admin", "passwd")).isFalse();
        connect(broker, new Received());
        assertThat(security.knownLogin("admin", "passwd")).as("remembered after one success").isTrue();
        assertThat(security.knownLogin("admin", "passwdx")).isFalse();
        assertThatThrownBy(() -> broker.connect("admin", "wrong", null, "test", new Received()).get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(BrokerException.class).hasMessageContaining("Invalid user name or password");
        assertThat(security.knownLogin("admin", "wrong")).as("a refusal is never remembered").isFalse();

        broker.putUser("admin", "changed".toCharArray());
        assertThat(security.knownLogin("admin", "passwd")).as("forgotten when the password changes").isFalse();
        assertThatThrownBy(() -> broker.connect("admin", "passwd", null, "test", new Received()).get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(BrokerException.class);
        assertThat(broker.connect("admin", "changed", null, "test", new Received()).get(10, TimeUnit.SECONDS)).isNotNull();
        assertThat(security.knownLogin("admin", "changed")).isTrue();
    }

    @Test
    void aDelayedMessageIsDeliveredWhenTheClockReachesItsDeliveryTime() throws Exception {
        Broker broker = open(new InMemoryJournal());
        Received got = new Received();
        consume(broker, Dest.queue("later"), got);
        BrokerConnection producer = connect(broker, new Received());
        await(producer.send(1, message("ID:delayed", Dest.queue("later"), true, 0, clock.millis() + 5_000)));
        await(producer.send(1, message("ID:now", Dest.queue("later"), true, 0)));
        assertThat(got.ids()).containsExactly("ID:now");

        executor.advance(4_000);
        assertThat(got.ids()).containsExactly("ID:now");
        executor.advance(1_001);
        assertThat(got.ids()).containsExactly("ID:now", "ID:delayed");
    }

    @Test
    void overTheMemoryLimitConfirmationsWaitUntilConsumersCatchUp() throws Exception {
        Broker broker = open(new InMemoryJournal(), 500);
        BrokerConnection producer = connect(broker, new Received());
        for (int i = 0; i < 4; i++) {
            await(producer.send(1, message("ID:" + i, Dest.queue("big"), false, 0)));
        }
        assertThat(broker.memoryUsed()).isGreaterThan(500);
        java.util.concurrent.CompletableFuture<Void> held = broker.memoryAvailable();
        assertThat(held).isNotDone();

        Received got = new Received();
        BrokerConnection c = consume(broker, Dest.queue("big"), got);
        assertThat(got.ids()).hasSize(4);
        assertThat(held).as("delivered but not acknowledged still counts").isNotDone();
        await(c.acknowledge(1, got.deliveryIds.get(3), true, true));
        assertThat(held).isDone();
        assertThat(broker.memoryUsed()).isZero();
    }

    @Test
    void aMessageRedeliveredTooOftenGoesToTheDeadLetterQueue() throws Exception {
        Broker broker = open(new InMemoryJournal());
        BrokerConnection producer = connect(broker, new Received());
        await(producer.send(1, message("ID:poison", Dest.queue("work"), true, 0)));
        Received got = new Received();
        BrokerConnection c = consume(broker, Dest.queue("work"), got);
        for (int attempt = 1; attempt < 3; attempt++) {
            c.recover(1, new int[] {1}, new long[] {got.deliveryIds.get(got.deliveryIds.size() - 1)});
        }
        assertThat(got.ids()).containsExactly("ID:poison", "ID:poison", "ID:poison");
        assertThat(got.messages.get(2).redelivered()).isTrue();
        c.recover(1, new int[] {1}, new long[] {got.deliveryIds.get(2)});

        assertThat(got.ids()).as("the third failed attempt was the last").hasSize(3);
        assertThat(broker.destinationStats(Dest.queue("work")).depth()).isZero();
        assertThat(broker.destinationStats(Dest.queue(Broker.DEAD_LETTER_QUEUE)).depth()).isEqualTo(1);
        assertThat(broker.browse(Dest.queue(Broker.DEAD_LETTER_QUEUE), 10)).extracting(WireMessage::messageId).containsExactly("ID:poison");
    }

    @Test
    void compactionKeepsWhatIsWaitingAndDropsWhatWasAcknowledged() throws Exception {
        InMemoryJournal journal = new InMemoryJournal();
        Broker broker = open(journal);
        BrokerConnection producer = connect(broker, new Received());
        await(producer.send(1, message("ID:done", Dest.queue("c"), true, 0)));
        Received got = new Received();
        BrokerConnection c = consume(broker, Dest.queue("c"), got);
        await(c.acknowledge(1, got.deliveryIds.get(0), false, true));
        c.close();
        await(producer.send(1, message("ID:waiting", Dest.queue("c"), true, 0)));

        broker.compact();
        broker.close();
        List<Record> left = new ArrayList<>();
        journal.reopen().replay(left::add);
        assertThat(left).extracting(Record::type).containsOnlyOnce(RecordType.MESSAGE_ADD).doesNotContain(RecordType.MESSAGE_ACK);
        Received after = new Received();
        consume(open(journal.reopen()), Dest.queue("c"), after);
        assertThat(after.ids()).containsExactly("ID:waiting");
    }

    @Test
    void anAcknowledgedMessageStaysGoneWhenCompactionKeepsItsSegmentButDeletesTheOneWithItsAcknowledgement(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        Broker broker = open(io.fmq.store.FileJournal.open(dir, 2048), 64L * 1024 * 1024);
        BrokerConnection producer = connect(broker, new Received());
        // segment 1: a big message that stays (keeping the segment mostly live) and a small one that is consumed
        await(producer.send(1, message("ID:keep", Dest.queue("long"), true, 0, 0, 1300)));
        await(producer.send(1, message("ID:gone", Dest.queue("short"), true, 0)));
        // segment 2: a filler consumed too, and both acknowledgements
        await(producer.send(1, message("ID:fill-1", Dest.queue("short"), true, 0, 0, 1300)));
        Received got = new Received();
        BrokerConnection c = consume(broker, Dest.queue("short"), got);
        assertThat(got.ids()).containsExactly("ID:gone", "ID:fill-1");
        await(c.acknowledge(1, got.deliveryIds.get(1), true, true));
        // segment 3 (the one written to): seals segment 2
        await(producer.send(1, message("ID:fill-2", Dest.queue("other"), true, 0, 0, 1300)));
        broker.compact();
        broker.close();

        Broker reopened = open(io.fmq.store.FileJournal.open(dir, 2048), 64L * 1024 * 1024);
        assertThat(reopened.destinationStats(Dest.queue("long")).depth()).isEqualTo(1);
        assertThat(reopened.destinationStats(Dest.queue("short")).depth()).as("consumed before the restart").isZero();
    }

    /**
     * Takes everything {@code c}'s consumer 1 can get, acknowledging and crediting as a client would, up to a bound;
     * returns how many were acknowledged.
     */
    private int drain(BrokerConnection c, Received got, int expected) throws Exception {
        int credited = 0;
        for (int round = 0; round < expected + 10 && got.messages.size() < expected; round++) {
            int before = got.messages.size();
            if (before > 0) {
                await(c.acknowledge(1, got.deliveryIds.get(before - 1), true, true));
            }
            c.credit(1, before - credited); // as the client does: credit for what the application took
            credited = before;
            if (got.messages.size() == before && round > 2) {
                break;
            }
        }
        int acknowledged = got.deliveryIds.size();
        await(c.acknowledge(1, got.deliveryIds.get(acknowledged - 1), true, true));
        return acknowledged;
    }

    private static List<String> ids(String prefix, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(prefix + i);
        }
        return ids;
    }

    @Test
    void aBacklogBeyondThePagingThresholdWaitsInTheJournalAndIsDeliveredInOrder() throws Exception {
        InMemoryJournal journal = new InMemoryJournal();
        Broker broker = open(journal, 40 * 1024); // pages from 20 KB held
        BrokerConnection producer = connect(broker, new Received());
        for (int i = 0; i < 300; i++) {
            await(producer.send(1, message("ID:" + i, Dest.queue("backlog"), true, 0, 0, 1024)));
            assertThat(broker.memoryAvailable()).as("the producer is never held back").isDone();
        }
        assertThat(broker.memoryUsed()).isLessThan(21 * 1024 + 2048);
        assertThat(broker.destinationStats(Dest.queue("backlog")).depth()).isEqualTo(300);
        assertThat(broker.browse(Dest.queue("backlog"), 500)).extracting(WireMessage::messageId).containsExactlyElementsOf(ids("ID:", 300));

        Received got = new Received();
        BrokerConnection c = consume(broker, Dest.queue("backlog"), got);
        // the consumer arrives while the producer goes on: new messages join the tail behind the paged ones
        for (int i = 300; i < 350; i++) {
            await(producer.send(1, message("ID:" + i, Dest.queue("backlog"), true, 0, 0, 1024)));
        }
        drain(c, got, 350);
        assertThat(got.ids()).containsExactlyElementsOf(ids("ID:", 350));
        assertThat(got.messages).noneMatch(WireMessage::redelivered);
        assertThat(broker.destinationStats(Dest.queue("backlog")).depth()).isZero();
        assertThat(broker.memoryUsed()).isZero();
        broker.close();
        assertThat(open(journal.reopen()).destinationStats(Dest.queue("backlog")).depth()).as("all acknowledged").isZero();
    }

    @Test
    void aPagedBacklogSurvivesAReopenWithAcknowledgementsOfItsOwnAndAFileJournalCompaction(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        Broker broker = open(io.fmq.store.FileJournal.open(dir, 64 * 1024), 40 * 1024);
        BrokerConnection producer = connect(broker, new Received());
        for (int i = 0; i < 400; i++) {
            await(producer.send(1, message("ID:" + i, Dest.queue("backlog"), true, 0, 0, 1024)));
            await(producer.send(1, message("ID:other-" + i, Dest.queue("other"), true, 0, 0, 100)));
        }
        Received first = new Received();
        BrokerConnection c = consume(broker, Dest.queue("backlog"), first);
        int consumed = drain(c, first, 150); // some of the tail was read back and acknowledged
        c.close();
        assertThat(first.ids()).startsWith("ID:0", "ID:1", "ID:2");
        Received others = new Received();
        BrokerConnection o = consume(broker, Dest.queue("other"), others);
        drain(o, others, 400);
        o.close();
        assertThat(others.ids()).containsExactlyElementsOf(ids("ID:other-", 400));
        assertThat(broker.compact().segmentsDeleted()).isPositive();
        broker.close();

        // reopened with less memory: most of what waits is paged again at once, with acknowledgements after it
        Broker reopened = open(io.fmq.store.FileJournal.open(dir, 64 * 1024), 16 * 1024);
        assertThat(reopened.destinationStats(Dest.queue("backlog")).depth()).isEqualTo(400 - consumed);
        assertThat(reopened.destinationStats(Dest.queue("other")).depth()).isZero();
        assertThat(reopened.memoryUsed()).isLessThan(9 * 1024 + 2048);
        reopened.compact();
        Received second = new Received();
        BrokerConnection c2 = consume(reopened, Dest.queue("backlog"), second);
        drain(c2, second, 400 - consumed);
        assertThat(second.ids()).containsExactlyElementsOf(ids("ID:", 400).subList(consumed, 400));
        assertThat(reopened.destinationStats(Dest.queue("backlog")).depth()).isZero();
    }

    @Test
    void purgingAPagedQueueAcknowledgesWhatWaitsInTheJournal() throws Exception {
        InMemoryJournal journal = new InMemoryJournal();
        Broker broker = open(journal, 20 * 1024);
        BrokerConnection producer = connect(broker, new Received());
        for (int i = 0; i < 100; i++) {
            await(producer.send(1, message("ID:" + i, Dest.queue("p"), true, 0, 0, 1024)));
        }
        assertThat(broker.purge(Dest.queue("p"))).isEqualTo(100);
        assertThat(broker.destinationStats(Dest.queue("p")).depth()).isZero();
        await(producer.send(1, message("ID:after", Dest.queue("p"), true, 0)));
        broker.close();

        Broker reopened = open(journal.reopen(), 20 * 1024);
        Received got = new Received();
        consume(reopened, Dest.queue("p"), got);
        assertThat(got.ids()).containsExactly("ID:after");
    }

    @Test
    void aCompactionSnapshotCountsEverythingAppendedAfterItAsLive() throws Exception {
        InMemoryJournal journal = new InMemoryJournal();
        Broker broker = open(journal);
        StoredMessages.Live live = StoredMessages.snapshot(broker);
        byte[] unknownUser = Records.encode(new io.fmq.store.payload.StoreRecord.PrincipalPut("late", "hash"));
        Record later = new Record(live.journalSequence() + 1, RecordType.PRINCIPAL_PUT, unknownUser);
        Record earlier = new Record(live.journalSequence(), RecordType.PRINCIPAL_PUT, unknownUser);
        assertThat(live.isLive(later)).isTrue();
        assertThat(live.isLive(earlier)).isFalse();
    }

    private static Frame.ConsumerOpen consumer(int consumerId, Dest d) {
        return new Frame.ConsumerOpen(1, 1, consumerId, d, null, false, null, false, false, 100, false);
    }

    /** A send: until it may be confirmed and the broker has taken it into its queues. */
    private void await(BrokerConnection.Sent sent) throws Exception {
        await(sent.safe());
        await(sent.stored());
    }

    private void await(java.util.concurrent.CompletableFuture<?> f) throws Exception {
        if (executor == null) {
            f.get(10, TimeUnit.SECONDS); // no broker yet
        } else {
            executor.await(f);
        }
    }

    @Test
    void aPersistentMessageSurvivesAReopenAndIsDeliveredOnce() throws Exception {
        InMemoryJournal journal = new InMemoryJournal();
        Broker broker = open(journal);
        BrokerConnection producer = connect(broker, new Received());
        await(producer.send(1, message("ID:1", Dest.queue("orders"), true, 0)));
        await(producer.send(1, message("ID:2", Dest.queue("orders"), false, 0)));
        assertThat(broker.destinationStats(Dest.queue("orders")).depth()).isEqualTo(2);
        broker.close();

        Broker reopened = open(journal.reopen());
        assertThat(reopened.destinationStats(Dest.queue("orders")).depth()).as("only the persistent one").isEqualTo(1);
        Received got = new Received();
        BrokerConnection c = consume(reopened, Dest.queue("orders"), got);
        assertThat(got.ids()).containsExactly("ID:1");
        assertThat(got.messages.get(0).body()).isEqualTo("body of ID:1".getBytes());
        await(c.acknowledge(1, got.deliveryIds.get(0), false, true));
        reopened.close();

        assertThat(open(journal.reopen()).destinationStats(Dest.queue("orders")).depth()).as("acknowledged").isZero();
    }

    @Test
    void aMessageExpiresWhenTheClockPassesItsExpiration() throws Exception {
        Broker broker = open(new InMemoryJournal());
        BrokerConnection producer = connect(broker, new Received());
        await(producer.send(1, message("ID:short", Dest.queue("q"), true, clock.millis() + 1_000)));
        await(producer.send(1, message("ID:long", Dest.queue("q"), true, clock.millis() + 60_000)));

        executor.advance(1_000);
        Received got = new Received();
        consume(broker, Dest.queue("q"), got);

        assertThat(got.ids()).containsExactly("ID:long");
        assertThat(broker.destinationStats(Dest.queue("q")).expired()).isEqualTo(1);
    }

    @Test
    void usersGroupsAndGrantsAreStoredAndRevokedAcrossAReopen() throws Exception {
        InMemoryJournal journal = new InMemoryJournal();
        Broker broker = open(journal);
        broker.putUser("alice", "secret".toCharArray());
        broker.putUser("bob", "other".toCharArray());
        broker.removeUser("bob");
        broker.setGroup("ops", Set.of("alice", "carol"));
        broker.setGroup("gone", Set.of("alice"));
        broker.setGroup("gone", Set.of());
        broker.grant("group:ops", "queue:orders.*", "send,receive");
        broker.grant("alice", "topic:prices", "receive");
        broker.grant("alice", "topic:prices", "");
        broker.createDestination(Dest.topic("prices"));
        broker.close();

        Broker reopened = open(journal.reopen());
        assertThat(reopened.users()).containsExactly("admin", "alice");
        assertThat(reopened.groups()).contains("ops: alice, carol").noneMatch(g -> g.startsWith("gone"));
        assertThat(reopened.grants()).anyMatch(g -> g.contains("group:ops") && g.contains("queue:orders.*"))
                .noneMatch(g -> g.startsWith("alice") && g.contains("topic:prices"));
        assertThat(reopened.destinationStats(Dest.topic("prices"))).isNotNull();
        reopened.connect("alice", "secret", null, "test", new Received()).get(10, TimeUnit.SECONDS).close();
        assertThat(reopened.connect("bob", "other", null, "test", new Received())).failsWithin(10, TimeUnit.SECONDS)
                .withThrowableOfType(java.util.concurrent.ExecutionException.class).withCauseInstanceOf(BrokerException.class);
        // the records are in the current payload format, with the dedicated removal types
        List<Record> records = new ArrayList<>();
        journal.reopen().replay(records::add);
        assertThat(records).filteredOn(r -> r.type() != RecordType.EPOCH)
                .allMatch(r -> PayloadCodec.formatOf(r) == PayloadCodec.FORMAT_VERSION);
        assertThat(records).extracting(Record::type).contains(RecordType.ACL_REMOVE, RecordType.ADMIN_OBJECT_REMOVE,
                RecordType.PRINCIPAL_REMOVE);
    }

    @Test
    void aStoreWrittenInTheLegacyPayloadFormatStillOpens() throws Exception {
        InMemoryJournal journal = new InMemoryJournal();
        WireMessage kept = message("ID:old-1", Dest.queue("legacy"), true, 0);
        WireMessage acked = message("ID:old-2", Dest.queue("legacy"), true, 0);
        await(journal.append(RecordType.DESTINATION_ADD, legacy(b -> Wire.writeDest(b, Dest.queue("legacy")))));
        await(journal.append(RecordType.PRINCIPAL_PUT, legacy(b -> Wire.writeString(b, "dave\n" + JmxUsers.hash("pw".toCharArray())))));
        await(journal.append(RecordType.ADMIN_OBJECT_PUT, legacy(b -> Wire.writeString(b, "group\nold\ndave,erin"))));
        await(journal.append(RecordType.ACL_PUT, legacy(b -> Wire.writeString(b, "group:old\nqueue:legacy\nreceive"))));
        await(journal.append(RecordType.MESSAGE_ADD, legacy(b -> legacyAdd(b, 1, kept))));
        await(journal.append(RecordType.TX_COMMIT, legacy(b -> {
            b.writeInt(1);
            legacyAdd(b, 2, acked);
            b.writeInt(1);
            Wire.writeString(b, "queue:legacy");
            b.writeLong(2);
        })));

        Broker broker = open(journal);
        assertThat(broker.users()).contains("dave");
        assertThat(broker.groups()).contains("old: dave, erin");
        assertThat(broker.grants()).anyMatch(g -> g.contains("group:old") && g.contains("queue:legacy"));
        Received got = new Received();
        BrokerConnection c = broker.connect("dave", "pw", null, "test", got).get(10, TimeUnit.SECONDS);
        c.openSession(1, false);
        await(c.openConsumer(consumer(1, Dest.queue("legacy"))));
        c.flow(true, new int[0], new long[0]);
        assertThat(got.ids()).containsExactly("ID:old-1");
        assertThat(got.messages.get(0).properties()).containsEntry("k", "v");
    }

    @Test
    void aRecordOfAnUnknownPayloadFormatStopsTheOpenWithASentence() throws Exception {
        InMemoryJournal journal = new InMemoryJournal();
        await(journal.append(RecordType.PRINCIPAL_REMOVE, new byte[] {(byte) 0x8f, 0, 0, 0, 1, 'x'}));
        assertThatThrownBy(() -> open(journal)).hasMessageContaining("has payload format 15, which this build cannot read")
                .hasMessageContaining("a newer FMQ build");
    }

    private static byte[] legacy(java.util.function.Consumer<ByteBuf> writer) {
        ByteBuf b = Unpooled.buffer();
        writer.accept(b);
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        b.release();
        return out;
    }

    private static void legacyAdd(ByteBuf b, long sequence, WireMessage m) {
        b.writeLong(sequence);
        b.writeInt(1);
        Wire.writeString(b, "queue:" + m.destination().name());
        Wire.writeMessage(b, m);
    }
}
