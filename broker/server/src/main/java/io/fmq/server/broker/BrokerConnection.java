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
 * One client connection's view of the broker: its sessions, consumers and temporary destinations.
 * Every method takes the broker's lock; operations that must be durable before they are confirmed
 * return a future that completes when they are.
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
    /** Whether the client's connection is started; a new connection is stopped and its consumers get nothing. Lock held. */
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

    public String clientId() {
        broker.lock.lock();
        try {
            return clientId;
        } finally {
            broker.lock.unlock();
        }
    }

    public int sessionCount() {
        broker.lock.lock();
        try {
            return sessions.size();
        } finally {
            broker.lock.unlock();
        }
    }

    long nextDeliveryId() {
        return ++deliveryCounter;
    }

    /** Lock held. */
    void setClientId(String newClientId) throws BrokerException {
        assert broker.lock.isHeldByCurrentThread() : "the broker lock must be held";
        BrokerConnection other = broker.clientIds.get(newClientId);
        if (other != null && other != this) {
            throw new BrokerException(ErrorCode.CLIENT_ID_IN_USE, "The client id '" + newClientId + "' is in use by another connection");
        }
        broker.clientIds.put(newClientId, this);
        clientId = newClientId;
    }

    /** Sets the client id after connecting; allowed once, before the connection has sessions. */
    public void assignClientId(String newClientId) throws BrokerException {
        broker.lock.lock();
        try {
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
        } finally {
            broker.lock.unlock();
        }
    }

    private Session session(int sessionId) throws BrokerException {
        Session s = sessions.get(sessionId);
        if (s == null) {
            throw new BrokerException(ErrorCode.ILLEGAL_STATE, "There is no session " + sessionId + " on this connection");
        }
        return s;
    }

    public void openSession(int sessionId, boolean transacted) throws BrokerException {
        broker.lock.lock();
        try {
            if (sessions.containsKey(sessionId)) {
                throw new BrokerException(ErrorCode.ILLEGAL_STATE, "Session " + sessionId + " is already open");
            }
            sessions.put(sessionId, new Session(sessionId, this, transacted));
        } finally {
            broker.lock.unlock();
        }
    }

    /** Closes a session: its consumers close, its unacknowledged messages are redelivered, its transaction rolls back. */
    public void closeSession(int sessionId) {
        broker.lock.lock();
        try {
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
                broker.requeue(d, true);
            }
        } finally {
            broker.lock.unlock();
        }
    }

    // ----------------------------------------------------------------------------------- producing

    /** Sends a message; the future completes when it is safe (durable, for a persistent message). */
    public CompletableFuture<Void> send(int sessionId, WireMessage m) {
        List<MessageQueue> targets;
        List<String> keys;
        long sequence;
        CompletableFuture<Void> stored = new CompletableFuture<>();
        broker.lock.lock();
        try {
            Session s = session(sessionId);
            try {
                broker.access.check(user, AccessRules.Permission.SEND, m.destination());
                broker.resolve(m.destination(), this);
            } catch (BrokerException e) {
                if (s.transacted && s.rollbackOnly == null) {
                    s.rollbackOnly = e.getMessage();
                }
                throw e;
            }
            if (s.transacted) {
                s.pendingSends.add(m);
                return DONE;
            }
            CompletableFuture<Void> original = broker.recentIds.original(m);
            if (original != null) {
                // a resend (durable connection after a failover): confirmed when the first copy is safe, not stored again
                return original;
            }
            targets = broker.targets(m, id);
            keys = Broker.storedKeys(m, targets);
            sequence = broker.nextSequence++;
            if (keys.isEmpty()) {
                broker.recentIds.remember(m, DONE);
                broker.deliverTo(targets, sequence, m, keys);
                return DONE;
            }
            broker.recentIds.remember(m, stored); // before the lock is released, so a concurrent resend finds it
        } catch (BrokerException e) {
            return CompletableFuture.failedFuture(e);
        } finally {
            broker.lock.unlock();
        }
        broker.journal.append(RecordType.MESSAGE_ADD, Records.add(new Records.Add(sequence, keys, m)))
                .thenAcceptAsync(seq -> {
                    broker.lock.lock();
                    try {
                        broker.deliverTo(targets, sequence, m, keys);
                    } finally {
                        broker.lock.unlock();
                    }
                }, broker.executor()).whenComplete((v, e) -> {
                    if (e == null) {
                        stored.complete(null);
                    } else {
                        stored.completeExceptionally(e);
                    }
                });
        return stored;
    }

    // ----------------------------------------------------------------------------------- consuming

    /** Opens a consumer (or browser is refused here: browsing is {@link #browse}). The future completes when it is registered. */
    public CompletableFuture<Void> openConsumer(Frame.ConsumerOpen f) {
        broker.lock.lock();
        try {
            if (consumers.containsKey(f.consumerId())) {
                throw new BrokerException(ErrorCode.ILLEGAL_STATE, "Consumer " + f.consumerId() + " is already open");
            }
            Session s = session(f.sessionId());
            Dest d = f.destination();
            broker.access.check(user, f.browser() ? AccessRules.Permission.BROWSE : AccessRules.Permission.RECEIVE, d);
            broker.resolve(d, this);
            if (d.kind().isTemporary() && !temporaries.contains(d)) {
                throw new BrokerException(ErrorCode.INVALID_DESTINATION, "Only the connection that created the temporary " + d
                        + " may consume from it");
            }
            Predicate<WireMessage> selector = f.selector() == null || f.selector().isBlank() ? null
                    : broker.selectors.compile(f.selector());
            if (d.isQueue()) {
                MessageQueue q = broker.queues.get(d.name());
                attach(new Consumer(f.consumerId(), s, q, d, selector, false, null, f.credit()));
                return DONE;
            }
            Topic t = broker.topic(d.name());
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
        } finally {
            broker.lock.unlock();
        }
    }

    /**
     * A queue browser's look at a queue: the waiting messages (up to {@code max}) that match the selector,
     * sent to the client as deliveries of {@code consumerId} with delivery id 0, in delivery order. Nothing
     * is taken from the queue. Returns how many were sent.
     */
    public int browse(Frame.ConsumerOpen f) throws BrokerException {
        broker.lock.lock();
        try {
            session(f.sessionId());
            Dest d = f.destination();
            if (!d.isQueue()) {
                throw new BrokerException(ErrorCode.INVALID_DESTINATION, "Only queues can be browsed, not " + d);
            }
            broker.access.check(user, AccessRules.Permission.BROWSE, d);
            broker.resolve(d, this);
            Predicate<WireMessage> selector = f.selector() == null || f.selector().isBlank() ? null : broker.selectors.compile(f.selector());
            long now = broker.clock.millis();
            int sent = 0;
            for (QueueEntry e : broker.queues.get(d.name()).browse(Integer.MAX_VALUE)) {
                if (sent >= f.credit()) {
                    break;
                }
                if (e.message.isExpired(now) || selector != null && !selector.test(e.message)) {
                    continue;
                }
                target.deliver(f.consumerId(), 0, e.message.redelivery(e.deliveryCount));
                sent++;
            }
            return sent;
        } finally {
            broker.lock.unlock();
        }
    }

    /** Lock held. */
    private CompletableFuture<Void> openSubscription(Frame.ConsumerOpen f, Session s, Topic t, Predicate<WireMessage> selector)
            throws BrokerException {
        assert broker.lock.isHeldByCurrentThread() : "the broker lock must be held";
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
                    removed = broker.removeSubscription(existing);
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
        String key = lookup + "#" + broker.nextSequence++;
        MessageQueue q = new MessageQueue(key, f.durable(), broker);
        String selectorText = normaliseSelector(f.selector());
        Subscription sub = new Subscription(key, t, q, selectorText, selector, f.noLocal(), id, f.shared() ? null : clientId,
                f.subscriptionName(), f.durable(), f.shared());
        t.subscriptions.put(key, sub);
        attach(new Consumer(f.consumerId(), s, q, f.destination(), null, false, key, f.credit()));
        if (!f.durable()) {
            return DONE;
        }
        broker.durableSubscriptions.put(key, sub);
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

    /** Lock held. */
    private Subscription findSubscription(String lookup) {
        assert broker.lock.isHeldByCurrentThread() : "the broker lock must be held";
        for (Topic t : broker.topics.values()) {
            for (Subscription s : t.subscriptions.values()) {
                if (s.key.startsWith(lookup + "#")) {
                    return s;
                }
            }
        }
        return null;
    }

    /** Lock held. */
    private void attach(Consumer c) {
        assert broker.lock.isHeldByCurrentThread() : "the broker lock must be held";
        consumers.put(c.id, c);
        c.queue.consumers.add(c);
        c.queue.dispatch(broker.clock.millis());
    }

    /** Closes a consumer; deliveries after {@code lastConsumed} return to the destination as never delivered. */
    public void closeConsumer(int consumerId, long lastConsumed) {
        broker.lock.lock();
        try {
            Consumer c = consumers.get(consumerId);
            if (c != null) {
                removeConsumer(c, lastConsumed);
            }
        } finally {
            broker.lock.unlock();
        }
    }

    /** Lock held. */
    private void removeConsumer(Consumer c, long lastConsumed) {
        assert broker.lock.isHeldByCurrentThread() : "the broker lock must be held";
        consumers.remove(c.id);
        c.queue.removeConsumer(c);
        takeBackUnseen(c, lastConsumed);
        if (c.ownsQueue) {
            c.queue.drain();
            c.queue.discard();
            for (Topic t : broker.topics.values()) {
                t.subscriptions.remove(c.queue.key);
            }
        } else if (c.subscription != null && c.subscription.startsWith("shared-nd:") && c.queue.consumers.isEmpty()) {
            c.queue.discard();
            for (Topic t : broker.topics.values()) {
                t.subscriptions.remove(c.subscription);
            }
        }
    }

    /** Lock held. Returns the consumer's deliveries after {@code lastConsumed} to its destination as never delivered; returns how many. */
    private int takeBackUnseen(Consumer c, long lastConsumed) {
        assert broker.lock.isHeldByCurrentThread() : "the broker lock must be held";
        List<Delivery> unseen = new ArrayList<>();
        c.session.unacked.values().removeIf(d -> {
            if (d.consumer == c && d.id > lastConsumed) {
                unseen.add(d);
                return true;
            }
            return false;
        });
        unseen.forEach(d -> broker.requeue(d, false));
        return unseen.size();
    }

    /** More credit for a consumer. */
    public void credit(int consumerId, int messages) {
        broker.lock.lock();
        try {
            Consumer c = consumers.get(consumerId);
            if (c != null && messages > 0) {
                c.credit = (int) Math.min(Integer.MAX_VALUE, (long) c.credit + messages);
                c.queue.dispatch(broker.clock.millis());
            }
        } finally {
            broker.lock.unlock();
        }
    }

    /**
     * Acknowledges deliveries. With {@code durable} the future completes when the acknowledgement is on
     * disk (the client waits for it); without, it is written lazily and becomes durable with the next
     * forced write: a crash in between only means the message is delivered again.
     */
    public CompletableFuture<Void> acknowledge(int sessionId, long deliveryId, boolean upTo, boolean durable) {
        List<StoreRecord.MessageAck> acks = new ArrayList<>();
        broker.lock.lock();
        try {
            Session s = session(sessionId);
            if (s.transacted) {
                s.acknowledgeInTransaction(deliveryId, upTo);
                return DONE;
            }
            consume(s.take(deliveryId, upTo), acks);
        } catch (BrokerException e) {
            return CompletableFuture.failedFuture(e);
        } finally {
            broker.lock.unlock();
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
        broker.lock.lock();
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
        } finally {
            broker.lock.unlock();
        }
        return writeAcks(acks, durable);
    }

    /** Lock held. */
    private void consume(List<Delivery> deliveries, List<StoreRecord.MessageAck> acks) {
        assert broker.lock.isHeldByCurrentThread() : "the broker lock must be held";
        for (Delivery d : deliveries) {
            d.entry.queue.consumed(d.entry);
            StoreRecord.MessageAck ack = broker.forget(d.entry);
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
        broker.lock.lock();
        try {
            long watermark = deliveryCounter;
            redeliver(session(sessionId), consumerIds, lastConsumed);
            return watermark;
        } finally {
            broker.lock.unlock();
        }
    }

    /** Lock held. Requeues every unacknowledged delivery of the session, telling the seen from the only prefetched. */
    private void redeliver(Session s, int[] consumerIds, long[] lastConsumed) {
        assert broker.lock.isHeldByCurrentThread() : "the broker lock must be held";
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
            broker.requeue(d, !unseen);
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
        broker.lock.lock();
        try {
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
        } finally {
            broker.lock.unlock();
        }
    }

    /** Commits a transacted session: its sends and acknowledgements become durable together, in one record. */
    public CompletableFuture<Void> commit(int sessionId) {
        List<Records.Add> adds = new ArrayList<>();
        List<StoreRecord.MessageAck> acks = new ArrayList<>();
        List<Runnable> afterwards = new ArrayList<>();
        broker.lock.lock();
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
                    broker.requeue(d, true);
                }
                throw new BrokerException(ErrorCode.TRANSACTION_ROLLED_BACK, "The transaction was rolled back because a send in it failed: "
                        + why);
            }
            for (WireMessage m : s.pendingSends) {
                if (broker.recentIds.original(m) != null) {
                    continue; // already stored by an earlier send of the same message
                }
                broker.recentIds.remember(m, DONE);
                List<MessageQueue> targets = broker.targets(m, id);
                List<String> keys = Broker.storedKeys(m, targets);
                long seq = broker.nextSequence++;
                if (!keys.isEmpty()) {
                    adds.add(new Records.Add(seq, keys, m));
                }
                afterwards.add(() -> broker.deliverTo(targets, seq, m, keys));
            }
            s.pendingSends.clear();
            for (Delivery d : new ArrayList<>(s.unacked.values())) {
                if (d.acknowledgedInTransaction) {
                    s.unacked.remove(d.id);
                    d.entry.queue.consumed(d.entry);
                    StoreRecord.MessageAck ack = broker.forget(d.entry);
                    if (ack != null) {
                        acks.add(ack);
                    }
                }
            }
            if (adds.isEmpty() && acks.isEmpty()) {
                afterwards.forEach(Runnable::run);
                return DONE;
            }
        } catch (BrokerException e) {
            return CompletableFuture.failedFuture(e);
        } finally {
            broker.lock.unlock();
        }
        return broker.journal.append(RecordType.TX_COMMIT, Records.transaction(adds, acks)).thenAcceptAsync(x -> {
            broker.lock.lock();
            try {
                afterwards.forEach(Runnable::run);
            } finally {
                broker.lock.unlock();
            }
        }, broker.executor());
    }

    /** Rolls back a transacted session: its sends are dropped and what it received is redelivered (watermark as {@link #recover}). */
    public long rollback(int sessionId, int[] consumerIds, long[] lastConsumed) throws BrokerException {
        broker.lock.lock();
        try {
            Session s = session(sessionId);
            s.pendingSends.clear();
            s.rollbackOnly = null;
            long watermark = deliveryCounter;
            redeliver(s, consumerIds, lastConsumed);
            return watermark;
        } finally {
            broker.lock.unlock();
        }
    }

    // ----------------------------------------------------------------------------------- destinations

    /** Creates a temporary queue or topic that lives as long as this connection; returns its name. */
    public String createTemporary(Dest.Kind kind) {
        broker.lock.lock();
        try {
            String name = (kind == Dest.Kind.TEMP_QUEUE ? "TMP.Q." : "TMP.T.") + id + "." + (++broker.tempCounter);
            Dest d = new Dest(kind, name);
            broker.addTemporary(d);
            temporaries.add(d);
            return name;
        } finally {
            broker.lock.unlock();
        }
    }

    public void deleteTemporary(Dest d) throws BrokerException {
        broker.lock.lock();
        try {
            if (!temporaries.contains(d)) {
                throw new BrokerException(ErrorCode.INVALID_DESTINATION, "The temporary " + d + " does not belong to this connection");
            }
            for (Consumer c : consumers.values()) {
                if (d.equals(c.destination)) {
                    throw new BrokerException(ErrorCode.ILLEGAL_STATE, "The temporary " + d + " still has a consumer");
                }
            }
            dropTemporary(d);
        } finally {
            broker.lock.unlock();
        }
    }

    private void dropTemporary(Dest d) {
        temporaries.remove(d);
        broker.removeTemporary(d);
    }

    /** Deletes a durable subscription of this connection's client id (or a shared one by name). */
    public CompletableFuture<Void> unsubscribe(String name) {
        broker.lock.lock();
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
            return broker.removeSubscription(s).thenApplyAsync(x -> null, broker.executor());
        } catch (BrokerException e) {
            return CompletableFuture.failedFuture(e);
        } finally {
            broker.lock.unlock();
        }
    }

    /** Closes the connection: sessions close (redelivering), temporaries go, the client id is released. */
    public void close() {
        broker.lock.lock();
        try {
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
        } finally {
            broker.lock.unlock();
        }
    }
}
