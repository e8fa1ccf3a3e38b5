package io.fmq.server.broker;

import io.fmq.protocol.WireMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The messages waiting for one queue or one topic subscription, and the consumers taking them.
 * Owned by the broker's thread, like all broker state.
 *
 * <p>Dispatch: ready messages in {@link QueueEntry#DELIVERY_ORDER} go, round robin, to consumers with
 * credit on a started connection whose selector matches; a message no consumer's selector matches waits for
 * one that does. Expired messages are dropped when they come up.
 *
 * <p>Message groups: the first message of a group (its {@code JMSXGroupID}) binds the group to the consumer
 * that gets it; later messages of the group go to that consumer only (waiting while it has no credit or is
 * stopped), so one consumer at a time sees a group, in order. The binding ends when the consumer goes, or with
 * the message whose {@code JMSXGroupSeq} is -1 (the group's last); the next message of the group binds anew.
 *
 * <p>Paging: a durable queue's stored messages beyond the broker's paging threshold are not held here but counted in
 * its {@link PagedTail}, which says where in the journal they are; once the queue has a tail, every later stored
 * message joins it (so the queue keeps its order), and the {@link Pager} reads the tail back, oldest first, while
 * consumers take what is in memory. Non-persistent messages stay in memory (JMS lets them pass persistent ones).
 */
final class MessageQueue {
    static final String GROUP_ID = "JMSXGroupID";
    static final String GROUP_SEQ = "JMSXGroupSeq";

    final String key;
    private final boolean durable;
    private final Broker broker;
    private final TreeSet<QueueEntry> ready = new TreeSet<>(QueueEntry.DELIVERY_ORDER);
    final List<Consumer> consumers = new ArrayList<>();
    private int nextConsumer;
    /** Message group id → the consumer the group is bound to. */
    private final Map<String, Consumer> groups = new HashMap<>();
    int inFlight;
    /** Approximate bytes of the messages this queue holds (waiting and in flight), for the broker's memory limit. */
    private long bytes;
    /** Approximate bytes of the waiting messages only. */
    private long readyBytes;
    /** Set once the queue is dropped: its bytes no longer count towards the broker's total. */
    private boolean discarded;
    long enqueued;
    long dequeued;
    long expired;
    /** The stored messages of this queue that are only in the journal, or null when all are in memory. */
    PagedTail tail;

    /**
     * Where a queue's paged messages are: the records from {@code fromJournal} to {@code toJournal} that name the queue
     * and carry a message sequence of {@code fromMessage} or more, oldest first. Owned by the broker's thread.
     */
    static final class PagedTail {
        long count;
        long fromJournal;
        long fromMessage;
        long toJournal;
        /** When the oldest paged message was sent, for the queue's age while nothing of it is in memory. */
        long oldestTimestamp;
        /** A read back is under way (or waits for memory): no second one. */
        boolean reading;
        /** Restored from the journal: paged messages already acknowledged before the restart (offsets from fromMessage). */
        java.util.BitSet acked;
        long ackedBase;

        PagedTail(long fromJournal, long fromMessage, long oldestTimestamp) {
            this.fromJournal = fromJournal;
            this.fromMessage = fromMessage;
            this.toJournal = fromJournal;
            this.oldestTimestamp = oldestTimestamp;
        }

        boolean ackedBefore(long sequence) {
            return acked != null && sequence >= ackedBase && sequence - ackedBase < Integer.MAX_VALUE
                    && acked.get((int) (sequence - ackedBase));
        }
    }

    MessageQueue(String key, boolean durable, Broker broker) {
        this.key = key;
        this.durable = durable;
        this.broker = broker;
    }

    boolean durable() {
        return durable;
    }

    int depth() {
        return (int) Math.min(Integer.MAX_VALUE, ready.size() + inFlight + pagedCount());
    }

    long pagedCount() {
        return tail == null ? 0 : tail.count;
    }

    int readyCount() {
        return ready.size();
    }

    /** Age in ms of the oldest message waiting, 0 when none waits. */
    long oldestAgeMillis(long now) {
        long oldest = Long.MAX_VALUE;
        for (QueueEntry e : ready) {
            oldest = Math.min(oldest, e.message.timestamp());
        }
        if (tail != null && tail.oldestTimestamp > 0) {
            oldest = Math.min(oldest, tail.oldestTimestamp);
        }
        return oldest == Long.MAX_VALUE || oldest == 0 ? 0 : Math.max(0, now - oldest);
    }

    void add(QueueEntry e) {
        assert broker.inOwner() : "on the broker's thread";
        enqueued++;
        makeReady(e);
        account(e.message.approximateSize());
    }

    /** A stored message that stays in the journal only: it joins the tail (the record at {@code journalSequence}). */
    void page(long journalSequence, long sequence, WireMessage m) {
        assert broker.inOwner() : "on the broker's thread";
        if (tail == null) {
            tail = new PagedTail(journalSequence, sequence, m.timestamp());
        }
        tail.count++;
        tail.toJournal = Math.max(tail.toJournal, journalSequence);
        enqueued++;
    }

    /** A paged message read back into memory (it was counted as enqueued when it was paged). */
    void readBack(QueueEntry e) {
        makeReady(e);
        account(e.message.approximateSize());
    }

    private void account(long delta) {
        bytes += delta;
        if (!discarded) {
            broker.memoryChanged(delta);
        }
    }

    /** The queue is dropped (its subscription or temporary queue is gone): what it still holds stops counting. */
    void discard() {
        tail = null;
        if (!discarded) {
            discarded = true;
            broker.memoryChanged(-bytes);
        }
    }

    /** Puts a message back (consumer closed, session recovered or rolled back); it keeps its place by sequence. */
    void putBack(QueueEntry e) {
        inFlight--;
        makeReady(e);
    }

    private void makeReady(QueueEntry e) {
        ready.add(e);
        readyBytes += e.message.approximateSize();
    }

    /** The message was consumed (acknowledged). */
    void consumed(QueueEntry e) {
        inFlight--;
        dequeued++;
        account(-e.message.approximateSize());
        readBackIfLow(); // consumers with credit left get nothing else that would ask for the tail
    }

    List<QueueEntry> browse(int max) {
        List<QueueEntry> list = new ArrayList<>();
        for (QueueEntry e : ready) {
            if (list.size() >= max) {
                break;
            }
            list.add(e);
        }
        return list;
    }

    /** Removes every waiting message; returns them (in-flight messages are left to their consumers). */
    List<QueueEntry> drain() {
        List<QueueEntry> all = new ArrayList<>(ready);
        ready.clear();
        readyBytes = 0;
        for (QueueEntry e : all) {
            account(-e.message.approximateSize());
        }
        return all;
    }

    /** Removes one waiting message, if it is still waiting. */
    boolean remove(QueueEntry e) {
        boolean removed = ready.remove(e);
        if (removed) {
            readyBytes -= e.message.approximateSize();
            account(-e.message.approximateSize());
        }
        return removed;
    }

    /** Hands waiting messages to consumers while any has credit; asks for paged ones when few are left in memory. */
    void dispatch(long now) {
        dispatchReady(now);
        readBackIfLow();
    }

    /** Asks for the next batch of the tail when consumers are here and little is left in memory. */
    private void readBackIfLow() {
        if (tail != null && !tail.reading && !consumers.isEmpty() && ready.size() < Pager.READ_BACK_BELOW
                && readyBytes < broker.pager.batchBytes() && !discarded) {
            broker.pager.readBack(this, ready.isEmpty());
        }
    }

    private void dispatchReady(long now) {
        assert broker.inOwner() : "on the broker's thread";
        if (consumers.isEmpty() || ready.isEmpty()) {
            return;
        }
        Iterator<QueueEntry> it = ready.iterator();
        while (it.hasNext()) {
            if (!anyCredit()) {
                return;
            }
            QueueEntry e = it.next();
            if (e.message.isExpired(now)) {
                it.remove();
                readyBytes -= e.message.approximateSize();
                expired++;
                account(-e.message.approximateSize());
                broker.expired(e);
                continue;
            }
            if (e.message.deliveryTime() > now) {
                continue;
            }
            Consumer c = pickConsumer(e.message);
            if (c == null) {
                continue;
            }
            it.remove();
            readyBytes -= e.message.approximateSize();
            inFlight++;
            c.credit--;
            c.session.deliver(c, e);
        }
    }

    private boolean anyCredit() {
        for (Consumer c : consumers) {
            if (c.ready()) {
                return true;
            }
        }
        return false;
    }

    /** A consumer leaves the queue; the message groups bound to it are free again. */
    void removeConsumer(Consumer c) {
        consumers.remove(c);
        if (!groups.isEmpty()) {
            groups.values().removeIf(bound -> bound == c);
        }
    }

    private Consumer pickConsumer(WireMessage m) {
        Object group = m.properties().isEmpty() ? null : m.properties().get(GROUP_ID);
        if (!(group instanceof String)) {
            return roundRobin(m);
        }
        String g = (String) group;
        Consumer bound = groups.get(g);
        Consumer c;
        if (bound != null && bound.accepts(m)) {
            c = bound.ready() ? bound : null; // the group waits for its consumer
        } else {
            c = roundRobin(m);
            if (c != null && bound == null) {
                groups.put(g, c);
            }
        }
        Object seq = m.properties().get(GROUP_SEQ);
        if (c != null && seq instanceof Number && ((Number) seq).longValue() == -1) {
            groups.remove(g); // the group's last message
        }
        return c;
    }

    private Consumer roundRobin(WireMessage m) {
        int n = consumers.size();
        for (int i = 0; i < n; i++) {
            Consumer c = consumers.get((nextConsumer + i) % n);
            if (c.ready() && c.accepts(m)) {
                nextConsumer = (nextConsumer + i + 1) % n;
                return c;
            }
        }
        return null;
    }
}
