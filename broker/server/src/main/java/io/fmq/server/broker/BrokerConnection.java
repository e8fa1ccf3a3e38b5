package io.fmq.server.broker;

import io.fmq.protocol.Dest;
import io.fmq.protocol.ErrorCode;
import io.fmq.protocol.Frame;
import io.fmq.protocol.WireMessage;
import io.fmq.store.RecordType;
import io.fmq.store.payload.StoreRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * One client connection's view of the broker: its sessions, consumers and temporary destinations. Owned by the
 * broker's thread, like all broker state: the client connection's handler hands every frame to that thread and calls
 * these methods there (only {@link #clientId()} and {@link #sessionCount()} may be asked from elsewhere). Operations
 * that must be durable before they are confirmed return a future that completes, on the broker's thread, when they are.
 */
public final class BrokerConnection {
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final Broker broker;
    final String id;
    final String user;
    final String address;
    final DeliveryTarget target;
    private String clientId;
    private final Map<Integer, Session> sessions = new HashMap<>();
    private final Map<Integer, Consumer> consumers = new HashMap<>();
    private final Set<Dest> temporaries = new LinkedHashSet<>();
    private long deliveryCounter;
    /** Whether the client's connection is started; a new connection is stopped and its consumers get nothing. Broker's thread. */
    boolean started;
    private boolean closed;

    BrokerConnection(Broker broker, String id, String user, String address, DeliveryTarget target) {
        this.broker = broker;
        this.id = id;
        this.user = user;
        this.address = address;
        this.target = target;
    }

    public String id() {
        return id;
    }

    public String user() {
        return user;
    }

    public String address() {
        return address;
    }

    /** The client id (any thread: read on the broker's). */
    public String clientId() {
        return broker.inOwner() ? clientId : broker.call(() -> clientId);
    }

    /** How many sessions are open (any thread: read on the broker's). */
    public int sessionCount() {
        return broker.inOwner() ? sessions.size() : broker.call(sessions::size);
    }

    long nextDeliveryId() {
        return ++deliveryCounter;
    }

    void setClientId(String newClientId) throws BrokerException {
        assert broker.inOwner() : "on the broker's thread";
        BrokerConnection other = broker.clientIds.get(newClientId);
        if (other != null && other != this) {
            throw new BrokerException(ErrorCode.CLIENT_ID_IN_USE, "The client id '" + newClientId + "' is in use by another connection");
        }
        broker.clientIds.put(newClientId, this);
        clientId = newClientId;
    }

    /** Sets the client id after connecting; allowed once, before the connection has sessions. */
    public void assignClientId(String newClientId) throws BrokerException {
        if (clientId != null) {
            throw new BrokerException(ErrorCode.ILLEGAL_STATE, "The client id of this connection is already set");
        }
        if (!sessions.isEmpty()) {
            throw new BrokerException(ErrorCode.ILLEGAL_STATE, "The client id must be set before the connection is used");
        }
        if (newClientId == null || newClientId.isEmpty()) {
            throw new BrokerException(ErrorCode.CLIENT_ID_IN_USE, "A client id cannot be empty");
        }
        setClientId(newClientId);
    }

    private Session session(int sessionId) throws BrokerException {
        Session s = sessions.get(sessionId);
        if (s == null) {
            throw new BrokerException(ErrorCode.ILLEGAL_STATE, "There is no session " + sessionId + " on this connection");
        }
        return s;
    }

    public void openSession(int sessionId, boolean transacted) throws BrokerException {
        if (sessions.containsKey(sessionId)) {
            throw new BrokerException(ErrorCode.ILLEGAL_STATE, "Session " + sessionId + " is already open");
        }
        sessions.put(sessionId, new Session(sessionId, this, transacted));
    }

    /** Closes a session: its consumers close, its unacknowledged messages are redelivered, its transaction rolls back. */
    public void closeSession(int sessionId) {
        Session s = sessions.remove(sessionId);
        if (s == null) {
            return;
        }
        for (Consumer c : new ArrayList<>(consumers.values())) {
            if (c.session == s) {
                removeConsumer(c, Long.MAX_VALUE);
            }
        }
        s.pendingSends.clear();
        for (Delivery d : s.takeAll()) {
            broker.routing.requeue(d, true);
        }
    }

    // ----------------------------------------------------------------------------------- producing

    /**
     * What a send returns: {@code safe} completes as soon as the message may be confirmed (durable, for a persistent
     * message), on the thread that made it so (the journal's writer, or the HA channel's when the passive must have it
     * too), so that the confirmation leaves without waiting for the broker's thread; {@code stored} completes on the
     * broker's thread once the broker has taken the message into its queues. The broker's work is handed to its thread
     * before {@code safe} completes, so whatever the client asks after the confirmation finds the message there.
     */
    public record Sent(CompletableFuture<Void> safe, CompletableFuture<Void> stored) {
        static Sent of(CompletableFuture<Void> both) {
            return new Sent(both, both);
        }
    }

    /** Sends a message; see {@link Sent}. */
    public Sent send(int sessionId, WireMessage m) {
        List<MessageQueue> targets;
        List<String> keys;
        long sequence;
        CompletableFuture<Void> stored = new CompletableFuture<>();
        try {
            Session s = session(sessionId);
            try {
                broker.security.access.check(user, AccessRules.Permission.SEND, m.destination());
                broker.resolve(m.destination());
            } catch (BrokerException e) {
                if (s.transacted && s.rollbackOnly == null) {
                    s.rollbackOnly = e.getMessage();
                }
                throw e;
            }
            if (s.transacted) {
                s.pendingSends.add(m);
                return Sent.of(DONE);
            }
            CompletableFuture<Void> original = broker.recentIds.original(m);
            if (original != null) {
                // a resend (durable connection after a failover): confirmed when the first copy is safe, not stored again
                return Sent.of(original);
            }
            targets = broker.routing.targets(m, id);
            keys = Routing.storedKeys(m, targets);
            sequence = broker.routing.nextSequence();
            if (keys.isEmpty()) {
                broker.recentIds.remember(m, DONE);
                broker.routing.deliverTo(targets, sequence, m);
                return Sent.of(DONE);
            }
            broker.recentIds.remember(m, stored); // so a resend that arrives before this one is safe finds it
            broker.stored.reserve(sequence, keys);
        } catch (BrokerException e) {
            return Sent.of(CompletableFuture.failedFuture(e));
        }
        CompletableFuture<Void> safe = new CompletableFuture<>();
        broker.journal.append(RecordType.MESSAGE_ADD, Records.add(new Records.Add(sequence, keys, m)))
                .whenComplete((seq, e) -> {
                    broker.executor().execute(() -> {
                        if (e == null) {
                            broker.routing.deliverTo(targets, sequence, m, seq);
                            stored.complete(null);
                        } else {
                            stored.completeExceptionally(e);
                        }
                    });
                    if (e == null) { // after the hand-off above: see Sent
                        safe.complete(null);
                    } else {
                        safe.completeExceptionally(e);
                    }
                });
        return new Sent(safe, stored);
    }

    // ----------------------------------------------------------------------------------- consuming

    /** Opens a consumer (or browser is refused here: browsing is {@link #browse}). The future completes when it is registered. */
    public CompletableFuture<Void> openConsumer(Frame.ConsumerOpen f) {
        try {
            if (consumers.containsKey(f.consumerId())) {
                throw new BrokerException(ErrorCode.ILLEGAL_STATE, "Consumer " + f.consumerId() + " is already open");
            }
            Session s = session(f.sessionId());
            Dest d = f.destination();
            broker.security.access.check(user, f.browser() ? AccessRules.Permission.BROWSE : AccessRules.Permission.RECEIVE, d);
            broker.resolve(d);
            if (d.kind().isTemporary() && !temporaries.contains(d)) {
                throw new BrokerException(ErrorCode.INVALID_DESTINATION, "Only the connection that created the temporary " + d
                        + " may consume from it");
            }
            Predicate<WireMessage> selector = f.selector() == null || f.selector().isBlank() ? null
                    : broker.selectors.compile(f.selector());
            if (d.isQueue()) {
                MessageQueue q = broker.destinations.queues.get(d.name());
                attach(new Consumer(f.consumerId(), s, q, d, selector, false, null, f.credit()));
                return DONE;
            }
            Topic t = broker.destinations.topic(d.name());
            if (f.subscriptionName() == null) {
                String key = "tsub:" + id + ":" + f.consumerId();
                MessageQueue q = new MessageQueue(key, false, broker);
                t.subscriptions.put(key, new Subscription(key, t, q, f.selector(), selector, f.noLocal(), id, clientId, null, false, false));
                attach(new Consumer(f.consumerId(), s, q, d, null, true, null, f.credit()));
                return DONE;
            }
            return openSubscription(f, s, t, selector);
        } catch (BrokerException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * A queue browser's look at a queue: the waiting messages (up to {@code max}) that match the selector,
     * sent to the client as deliveries of {@code consumerId} with delivery id 0, in delivery order. Nothing
     * is taken from the queue. Returns how many were sent.
     */
    public int browse(Frame.ConsumerOpen f) throws BrokerException {
        session(f.sessionId());
        Dest d = f.destination();
        if (!d.isQueue()) {
            throw new BrokerException(ErrorCode.INVALID_DESTINATION, "Only queues can be browsed, not " + d);
        }
        broker.security.access.check(user, AccessRules.Permission.BROWSE, d);
        broker.resolve(d);
        Predicate<WireMessage> selector = f.selector() == null || f.selector().isBlank() ? null : broker.selectors.compile(f.selector());
        long now = broker.clock.millis();
        int[] sent = {0};
        MessageQueue q = broker.destinations.queues.get(d.name());
        for (QueueEntry e : q.browse(Integer.MAX_VALUE)) {
            if (sent[0] >= f.credit()) {
                break;
            }
            if (e.message.isExpired(now) || selector != null && !selector.test(e.message)) {
                continue;
            }
            target.deliver(f.consumerId(), 0, e.message.redelivery(e.deliveryCount));
            sent[0]++;
        }
        if (q.tail != null && sent[0] < f.credit()) {
            // paged messages, read from the journal here: a look bounded by the browser's credit
            long[] looked = {0};
            try {
                Pager.scan(broker.journal, q.key, q.tail, Math.max(f.credit() * 4L, 1024), a -> {
                    looked[0]++;
                    if (sent[0] >= f.credit()) {
                        return;
                    }
                    WireMessage m = Records.message(a.message());
                    if (!m.isExpired(now) && (selector == null || selector.test(m))) {
                        target.deliver(f.consumerId(), 0, m);
                        sent[0]++;
                    }
                });
            } catch (java.io.IOException e) {
                throw new BrokerException(ErrorCode.INTERNAL, "Could not read the queue's paged messages from the data store: " + e.getMessage());
            }
        }
        return sent[0];
    }

    /** Broker's thread. */
    private CompletableFuture<Void> openSubscription(Frame.ConsumerOpen f, Session s, Topic t, Predicate<WireMessage> selector)
            throws BrokerException {
        assert broker.inOwner() : "on the broker's thread";
        if (f.durable() && !f.shared() && clientId == null) {
            throw new BrokerException(ErrorCode.ILLEGAL_STATE, "A durable subscription needs a client id: set one on the connection");
        }
        String lookup = f.shared() ? (f.durable() ? "shared-d:" : "shared-nd:") + (f.durable() ? "" : clientIdOrEmpty() + ":")
                + f.subscriptionName() : "dsub:" + clientId + ":" + f.subscriptionName();
        Subscription existing = findSubscription(lookup);
        CompletableFuture<Long> removed = null;
        if (existing != null) {
            boolean same = existing.topic == t && java.util.Objects.equals(normaliseSelector(existing.selectorText),
                    normaliseSelector(f.selector())) && existing.noLocal == f.noLocal();
            if (!existing.queue.consumers.isEmpty() && !f.shared()) {
                throw new BrokerException(ErrorCode.ILLEGAL_STATE, "The durable subscription '" + f.subscriptionName()
                        + "' already has an active consumer");
            }
            if (!same) {
                if (!existing.queue.consumers.isEmpty()) {
                    throw new BrokerException(ErrorCode.ILLEGAL_STATE, "The shared subscription '" + f.subscriptionName()
                            + "' is active with another topic or selector");
                }
                if (existing.durable) {
                    removed = broker.routing.removeSubscription(existing);
                } else {
                    existing.topic.subscriptions.remove(existing.key);
                    existing.queue.discard();
                }
                existing = null;
            }
        }
        if (existing != null) {
            existing.connectionId = id;
            attach(new Consumer(f.consumerId(), s, existing.queue, f.destination(), null, false, existing.key, f.credit()));
            return DONE;
        }
        String key = lookup + "#" + broker.routing.nextSequence();
        MessageQueue q = new MessageQueue(key, f.durable(), broker);
        String selectorText = normaliseSelector(f.selector());
        Subscription sub = new Subscription(key, t, q, selectorText, selector, f.noLocal(), id, f.shared() ? null : clientId,
                f.subscriptionName(), f.durable(), f.shared());
        t.subscriptions.put(key, sub);
        attach(new Consumer(f.consumerId(), s, q, f.destination(), null, false, key, f.credit()));
        if (!f.durable()) {
            return DONE;
        }
        broker.destinations.durableSubscriptions.put(key, sub);
        CompletableFuture<Long> added = broker.journal.append(RecordType.DURABLE_SUBSCRIPTION_ADD, Records.encode(
                new StoreRecord.SubscriptionAdd(key, t.name, selectorText, f.noLocal(), sub.clientId, f.subscriptionName())));
        return (removed == null ? added : removed.thenCompose(x -> added)).thenApplyAsync(x -> null, broker.executor());
    }

    /**
     * A selector as subscriptions compare it: none (null) for a null, empty or blank selector; otherwise the text
     * trimmed, with each run of white space outside string literals read as one space. Two selectors with the same
     * normal form select the same messages, so reopening a durable subscription with either keeps its messages.
     */
    static String normaliseSelector(String selector) {
        if (selector == null || selector.isBlank()) {
            return null;
        }
        String text = selector.strip();
        StringBuilder out = new StringBuilder(text.length());
        boolean inString = false;
        boolean space = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!inString && Character.isWhitespace(c)) {
                space = true;
                continue;
            }
            if (space) {
                out.append(' ');
                space = false;
            }
            if (c == '\'') {
                inString = !inString; // a doubled quote inside a literal closes and reopens it: same effect
            }
            out.append(c);
        }
        return out.toString();
    }

    private String clientIdOrEmpty() {
        return clientId == null ? "" : clientId;
    }

    /** Broker's thread. */
    private Subscription findSubscription(String lookup) {
        return broker.destinations.findSubscription(lookup);
    }

    /** Broker's thread. */
    private void attach(Consumer c) {
        assert broker.inOwner() : "on the broker's thread";
        consumers.put(c.id, c);
        c.queue.consumers.add(c);
        c.queue.dispatch(broker.clock.millis());
    }

    /** Closes a consumer; deliveries after {@code lastConsumed} return to the destination as never delivered. */
    public void closeConsumer(int consumerId, long lastConsumed) {
        Consumer c = consumers.get(consumerId);
        if (c != null) {
            removeConsumer(c, lastConsumed);
        }
    }

    /** Broker's thread. */
    private void removeConsumer(Consumer c, long lastConsumed) {
        assert broker.inOwner() : "on the broker's thread";
        consumers.remove(c.id);
        c.queue.removeConsumer(c);
        takeBackUnseen(c, lastConsumed);
        if (c.ownsQueue) {
            c.queue.drain();
            c.queue.discard();
            for (Topic t : broker.destinations.topics.values()) {
                t.subscriptions.remove(c.queue.key);
            }
        } else if (c.subscription != null && c.subscription.startsWith("shared-nd:") && c.queue.consumers.isEmpty()) {
            c.queue.discard();
            for (Topic t : broker.destinations.topics.values()) {
                t.subscriptions.remove(c.subscription);
            }
        }
    }

    /** Returns the consumer's deliveries after {@code lastConsumed} to its destination as never delivered; returns how many. */
    private int takeBackUnseen(Consumer c, long lastConsumed) {
        assert broker.inOwner() : "on the broker's thread";
        List<Delivery> unseen = new ArrayList<>();
        c.session.unacked.values().removeIf(d -> {
            if (d.consumer == c && d.id > lastConsumed) {
                unseen.add(d);
                return true;
            }
            return false;
        });
        unseen.forEach(d -> broker.routing.requeue(d, false));
        return unseen.size();
    }

    /** More credit for a consumer. */
    public void credit(int consumerId, int messages) {
        Consumer c = consumers.get(consumerId);
        if (c != null && messages > 0) {
            c.credit = (int) Math.min(Integer.MAX_VALUE, (long) c.credit + messages);
            c.queue.dispatch(broker.clock.millis());
        }
    }

    /**
     * Acknowledges deliveries. With {@code durable} the future completes when the acknowledgement is on
     * disk (the client waits for it); without, it is written lazily and becomes durable with the next
     * forced write: a crash in between only means the message is delivered again.
     */
    public CompletableFuture<Void> acknowledge(int sessionId, long deliveryId, boolean upTo, boolean durable) {
        List<StoreRecord.MessageAck> acks = new ArrayList<>();
        try {
            Session s = session(sessionId);
            if (s.transacted) {
                s.acknowledgeInTransaction(deliveryId, upTo);
                return DONE;
            }
            consume(s.take(deliveryId, upTo), acks);
        } catch (BrokerException e) {
            return CompletableFuture.failedFuture(e);
        }
        return writeAcks(acks, durable);
    }

    /**
     * Acknowledges exactly the listed deliveries of a session (CLIENT_ACKNOWLEDGE): the messages the application
     * consumed. Other deliveries of the session, also ones with lower ids still prefetched by another consumer,
     * stay unacknowledged. Ids the session does not hold (already acknowledged, recovered) are ignored.
     */
    public CompletableFuture<Void> acknowledge(int sessionId, long[] deliveryIds, boolean durable) {
        List<StoreRecord.MessageAck> acks = new ArrayList<>();
        try {
            Session s = session(sessionId);
            if (s.transacted) {
                for (long id : deliveryIds) {
                    s.acknowledgeInTransaction(id, false);
                }
                return DONE;
            }
            List<Delivery> taken = new ArrayList<>(deliveryIds.length);
            for (long id : deliveryIds) {
                taken.addAll(s.take(id, false));
            }
            consume(taken, acks);
        } catch (BrokerException e) {
            return CompletableFuture.failedFuture(e);
        }
        return writeAcks(acks, durable);
    }

    /** Broker's thread. */
    private void consume(List<Delivery> deliveries, List<StoreRecord.MessageAck> acks) {
        assert broker.inOwner() : "on the broker's thread";
        for (Delivery d : deliveries) {
            d.entry.queue.consumed(d.entry);
            StoreRecord.MessageAck ack = broker.stored.forget(d.entry);
            if (ack != null) {
                acks.add(ack);
            }
        }
    }

    private CompletableFuture<Void> writeAcks(List<StoreRecord.MessageAck> acks, boolean durable) {
        if (acks.isEmpty()) {
            return DONE;
        }
        RecordType type = acks.size() == 1 ? RecordType.MESSAGE_ACK : RecordType.TX_COMMIT;
        byte[] payload = acks.size() == 1 ? Records.ack(acks.get(0)) : Records.transaction(List.of(), acks);
        CompletableFuture<Long> written = durable ? broker.journal.append(type, payload) : broker.journal.appendLazily(type, payload);
        return written.thenApplyAsync(x -> null, broker.executor());
    }

    /**
     * Redelivers everything the session received and has not acknowledged. {@code consumerIds} and
     * {@code lastConsumed} name, per consumer, the last delivery the application received: later ones were only
     * prefetched and go back as never delivered. Returns the highest delivery id issued before the redeliveries: the
     * client drops every delivery of the session up to it that it still holds or that is still on its way.
     */
    public long recover(int sessionId, int[] consumerIds, long[] lastConsumed) throws BrokerException {
        long watermark = deliveryCounter;
        redeliver(session(sessionId), consumerIds, lastConsumed);
        return watermark;
    }

    /** Requeues every unacknowledged delivery of the session, telling the seen from the only prefetched. */
    private void redeliver(Session s, int[] consumerIds, long[] lastConsumed) {
        assert broker.inOwner() : "on the broker's thread";
        Map<Integer, Long> marks = new HashMap<>();
        for (int i = 0; i < consumerIds.length; i++) {
            marks.put(consumerIds[i], lastConsumed[i]);
        }
        for (Delivery d : s.takeAll()) {
            Long last = marks.get(d.consumer.id);
            boolean unseen = last != null && d.id > last && consumers.get(d.consumer.id) == d.consumer;
            if (unseen) {
                d.consumer.credit++; // the client dropped it without counting it against its credit
            }
            broker.routing.requeue(d, !unseen);
        }
    }

    /**
     * Starts or stops delivery to this connection's consumers. A stop takes back, per listed consumer, every
     * delivery after the last one the application received (they go back to their destinations as never
     * delivered, and the consumer's credit is restored), so competing consumers of started connections get them.
     * Returns the highest delivery id issued before: on a stop the client drops every delivery up to it that it
     * still holds or that is still on its way.
     */
    public long flow(boolean start, int[] consumerIds, long[] lastConsumed) {
        long watermark = deliveryCounter;
        started = start;
        if (!start) {
            for (int i = 0; i < consumerIds.length; i++) {
                Consumer c = consumers.get(consumerIds[i]);
                if (c != null) {
                    c.credit += takeBackUnseen(c, lastConsumed[i]);
                }
            }
            return watermark;
        }
        long now = broker.clock.millis();
        for (Consumer c : new ArrayList<>(consumers.values())) {
            c.queue.dispatch(now);
        }
        return watermark;
    }

    /** Commits a transacted session: its sends and acknowledgements become durable together, in one record. */
    public CompletableFuture<Void> commit(int sessionId) {
        List<Records.Add> adds = new ArrayList<>();
        List<StoreRecord.MessageAck> acks = new ArrayList<>();
        List<java.util.function.LongConsumer> afterwards = new ArrayList<>();
        try {
            Session s = session(sessionId);
            if (!s.transacted) {
                throw new BrokerException(ErrorCode.ILLEGAL_STATE, "Session " + sessionId + " is not transacted");
            }
            if (s.rollbackOnly != null) {
                String why = s.rollbackOnly;
                s.rollbackOnly = null;
                s.pendingSends.clear();
                for (Delivery d : s.takeAll()) {
                    broker.routing.requeue(d, true);
                }
                throw new BrokerException(ErrorCode.TRANSACTION_ROLLED_BACK, "The transaction was rolled back because a send in it failed: "
                        + why);
            }
            for (WireMessage m : s.pendingSends) {
                if (broker.recentIds.original(m) != null) {
                    continue; // already stored by an earlier send of the same message
                }
                broker.recentIds.remember(m, DONE);
                List<MessageQueue> targets = broker.routing.targets(m, id);
                List<String> keys = Routing.storedKeys(m, targets);
                long seq = broker.routing.nextSequence();
                if (!keys.isEmpty()) {
                    adds.add(new Records.Add(seq, keys, m));
                    broker.stored.reserve(seq, keys);
                }
                afterwards.add(journalSequence -> broker.routing.deliverTo(targets, seq, m, keys.isEmpty() ? 0 : journalSequence));
            }
            s.pendingSends.clear();
            for (Delivery d : new ArrayList<>(s.unacked.values())) {
                if (d.acknowledgedInTransaction) {
                    s.unacked.remove(d.id);
                    d.entry.queue.consumed(d.entry);
                    StoreRecord.MessageAck ack = broker.stored.forget(d.entry);
                    if (ack != null) {
                        acks.add(ack);
                    }
                }
            }
            if (adds.isEmpty() && acks.isEmpty()) {
                afterwards.forEach(a -> a.accept(0));
                return DONE;
            }
        } catch (BrokerException e) {
            return CompletableFuture.failedFuture(e);
        }
        return broker.journal.append(RecordType.TX_COMMIT, Records.transaction(adds, acks)).thenAcceptAsync(journalSequence -> {
            afterwards.forEach(a -> a.accept(journalSequence));
        }, broker.executor());
    }

    /** Whether a transacted session's transaction holds sends (broker's thread). */
    public boolean hasPendingSends(int sessionId) {
        Session s = sessions.get(sessionId);
        return s != null && !s.pendingSends.isEmpty();
    }

    /** Rolls back a transacted session: its sends are dropped and what it received is redelivered (watermark as {@link #recover}). */
    public long rollback(int sessionId, int[] consumerIds, long[] lastConsumed) throws BrokerException {
        Session s = session(sessionId);
        s.pendingSends.clear();
        s.rollbackOnly = null;
        long watermark = deliveryCounter;
        redeliver(s, consumerIds, lastConsumed);
        return watermark;
    }

    // ----------------------------------------------------------------------------------- destinations

    /** Creates a temporary queue or topic that lives as long as this connection; returns its name. */
    public String createTemporary(Dest.Kind kind) {
        String name = broker.destinations.temporaryName(kind, id);
        Dest d = new Dest(kind, name);
        broker.destinations.addTemporary(d);
        temporaries.add(d);
        return name;
    }

    public void deleteTemporary(Dest d) throws BrokerException {
        if (!temporaries.contains(d)) {
            throw new BrokerException(ErrorCode.INVALID_DESTINATION, "The temporary " + d + " does not belong to this connection");
        }
        for (Consumer c : consumers.values()) {
            if (d.equals(c.destination)) {
                throw new BrokerException(ErrorCode.ILLEGAL_STATE, "The temporary " + d + " still has a consumer");
            }
        }
        dropTemporary(d);
    }

    private void dropTemporary(Dest d) {
        temporaries.remove(d);
        broker.destinations.removeTemporary(d);
    }

    /** Deletes a durable subscription of this connection's client id (or a shared one by name). */
    public CompletableFuture<Void> unsubscribe(String name) {
        try {
            Subscription s = findSubscription("dsub:" + clientId + ":" + name);
            if (s == null) {
                s = findSubscription("shared-d::" + name);
            }
            if (s == null) {
                s = findSubscription("shared-d:" + name);
            }
            if (s == null) {
                throw new BrokerException(ErrorCode.INVALID_DESTINATION, "There is no durable subscription '" + name + "'");
            }
            if (!s.queue.consumers.isEmpty()) {
                throw new BrokerException(ErrorCode.ILLEGAL_STATE, "The durable subscription '" + name + "' has an active consumer");
            }
            return broker.routing.removeSubscription(s).thenApplyAsync(x -> null, broker.executor());
        } catch (BrokerException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Closes the connection: sessions close (redelivering), temporaries go, the client id is released. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Integer sessionId : new ArrayList<>(sessions.keySet())) {
            closeSession(sessionId);
        }
        for (Dest d : new ArrayList<>(temporaries)) {
            dropTemporary(d);
        }
        if (clientId != null && broker.clientIds.get(clientId) == this) {
            broker.clientIds.remove(clientId);
        }
        broker.connections.remove(id);
        broker.events.connectionClosed(this);
    }
}
