package io.fmq.server.broker;

import io.fmq.profile.JmxUsers;
import io.fmq.protocol.Dest;
import io.fmq.protocol.WireMessage;
import io.fmq.store.RecordType;
import io.fmq.store.payload.StoreRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What administrators do (over JMX or the offline tools): destinations, users, groups and grants, purging, browsing
 * and moving messages, statistics. Called on their own threads: each operation hands its work on the state to the
 * broker's thread and waits there only for the answer; it waits for the disk on its own thread, and the state and
 * its record change together (the state first, then the record, as every other change, so that a compaction judging
 * by the state never drops a record that is about to count).
 */
final class Administration {
    private static final Logger LOG = LoggerFactory.getLogger(Administration.class);
    private final Broker b;

    static final int PURGE_ACKS_PER_RECORD = 10_000;

    Administration(Broker broker) {
        this.b = broker;
    }

    void createDestination(Dest d) throws IOException {
        Broker.await(b.call(() -> {
            b.destinations.create(d);
            return b.journal.append(RecordType.DESTINATION_ADD, Records.destination(d));
        }));
    }

    void putUser(String name, char[] password) throws IOException {
        String hash = JmxUsers.hash(password);
        Broker.await(b.call(() -> {
            b.security.putUser(name, hash);
            return b.journal.append(RecordType.PRINCIPAL_PUT, Records.encode(new StoreRecord.PrincipalPut(name, hash)));
        }));
    }

    void removeUser(String name) throws IOException {
        Broker.await(b.call(() -> {
            b.security.removeUser(name);
            return b.journal.append(RecordType.PRINCIPAL_REMOVE, Records.encode(new StoreRecord.PrincipalRemove(name)));
        }));
    }

    List<String> users() {
        return new ArrayList<>(new TreeSet<>(b.security.users().keySet()));
    }

    void setGroup(String group, Set<String> members) throws IOException {
        if (!group.matches("[A-Za-z0-9_.@-]+")) {
            throw new IllegalArgumentException("a group name may only use letters, digits and _ . @ -");
        }
        Set<String> sorted = new TreeSet<>(members);
        Broker.await(b.call(() -> {
            b.security.access.setGroup(group, sorted);
            return sorted.isEmpty()
                    ? b.journal.append(RecordType.ADMIN_OBJECT_REMOVE, Records.encode(new StoreRecord.AdminObjectRemove(StoreRecord.AdminObjectPut.GROUP, group)))
                    : b.journal.append(RecordType.ADMIN_OBJECT_PUT, Records.encode(new StoreRecord.AdminObjectPut(StoreRecord.AdminObjectPut.GROUP, group,
                            List.copyOf(sorted))));
        }));
    }

    Set<String> groupMembers(String group) {
        return b.call(() -> new TreeSet<>(b.security.access.group(group)));
    }

    List<String> groups() {
        return b.call(() -> {
            List<String> lines = new ArrayList<>();
            b.security.access.groups().forEach((g, m) -> lines.add(g + ": " + String.join(", ", m)));
            return lines;
        });
    }

    void grant(String principal, String pattern, String permissions) throws IOException {
        AccessRules.checkPattern(pattern);
        EnumSet<AccessRules.Permission> perms = AccessRules.parse(permissions);
        if (principal == null || principal.isBlank() || principal.contains("\n")) {
            throw new IllegalArgumentException("give a user, group:NAME or * to grant to");
        }
        Broker.await(b.call(() -> {
            b.security.access.grant(principal, pattern, perms);
            return perms.isEmpty()
                    ? b.journal.append(RecordType.ACL_REMOVE, Records.encode(new StoreRecord.AclRemove(principal, pattern)))
                    : b.journal.append(RecordType.ACL_PUT, Records.encode(new StoreRecord.AclPut(principal, pattern, permissions)));
        }));
    }

    List<String> grants() {
        return b.call(b.security.access::describe);
    }

    /**
     * Deletes the waiting messages of a destination; returns how many. Paged messages are acknowledged from the journal
     * on the calling thread, in records of up to {@value #PURGE_ACKS_PER_RECORD} acknowledgements.
     */
    int purge(Dest d) throws IOException {
        long[] count = {0};
        Map<String, MessageQueue.PagedTail> tails = new LinkedHashMap<>();
        CompletableFuture<Long> written = b.call(() -> {
            List<StoreRecord.MessageAck> acks = new ArrayList<>();
            for (MessageQueue q : b.destinations.queuesOf(d)) {
                for (QueueEntry e : q.drain()) {
                    count[0]++;
                    q.dequeued++;
                    StoreRecord.MessageAck ack = b.stored.forget(e);
                    if (ack != null) {
                        acks.add(ack);
                    }
                }
                if (q.tail != null) {
                    tails.put(q.key, q.tail);
                    count[0] += q.tail.count;
                    q.dequeued += q.tail.count;
                    b.stored.forgotten += q.tail.count;
                    q.tail = null;
                }
            }
            return acks.isEmpty() ? null : b.journal.append(RecordType.TX_COMMIT, Records.transaction(List.of(), acks));
        });
        if (written != null) {
            Broker.await(written);
        }
        for (Map.Entry<String, MessageQueue.PagedTail> t : tails.entrySet()) {
            List<CompletableFuture<Long>> writes = new ArrayList<>();
            List<StoreRecord.MessageAck> acks = new ArrayList<>();
            Pager.scan(b.journal, t.getKey(), t.getValue(), Long.MAX_VALUE, a -> {
                acks.add(new StoreRecord.MessageAck(t.getKey(), a.sequence()));
                if (acks.size() == PURGE_ACKS_PER_RECORD) {
                    writes.add(b.journal.append(RecordType.TX_COMMIT, Records.transaction(List.of(), List.copyOf(acks))));
                    acks.clear();
                }
            });
            if (!acks.isEmpty()) {
                writes.add(b.journal.append(RecordType.TX_COMMIT, Records.transaction(List.of(), acks)));
            }
            for (CompletableFuture<Long> w : writes) {
                Broker.await(w);
            }
        }
        LOG.info("Purged {} message(s) from {}", count[0], d);
        return (int) Math.min(Integer.MAX_VALUE, count[0]);
    }

    /** The first waiting messages of a destination: those in memory, then paged ones read from the journal. */
    List<WireMessage> browse(Dest d, int max) {
        return b.call(() -> {
            List<WireMessage> list = new ArrayList<>();
            for (MessageQueue q : b.destinations.queuesOf(d)) {
                for (QueueEntry e : q.browse(max - list.size())) {
                    list.add(e.message);
                }
                if (q.tail != null && list.size() < max) {
                    try {
                        Pager.scan(b.journal, q.key, q.tail, max - list.size(), a -> list.add(Records.message(a.message())));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }
            return list;
        });
    }

    /**
     * Moves waiting messages of a queue to another queue, atomically in the store; returns how many. They reach the
     * target queue once the move is durable.
     */
    int move(String fromQueue, String toQueue, int max) throws IOException {
        List<java.util.function.LongConsumer> afterwards = new ArrayList<>();
        CompletableFuture<Long> written = b.call(() -> {
            MessageQueue from = b.destinations.queues.get(fromQueue);
            if (from == null || fromQueue.equals(toQueue)) {
                return null;
            }
            List<Records.Add> adds = new ArrayList<>();
            List<StoreRecord.MessageAck> acks = new ArrayList<>();
            MessageQueue to = b.destinations.queue(toQueue);
            for (QueueEntry e : from.browse(max)) {
                from.remove(e);
                from.dequeued++;
                StoreRecord.MessageAck ack = b.stored.forget(e);
                if (ack != null) {
                    acks.add(ack);
                }
                WireMessage moved = e.message.withDestination(Dest.queue(toQueue));
                long seq = b.routing.nextSequence();
                List<String> keys = Routing.storedKeys(moved, List.of(to));
                if (!keys.isEmpty()) {
                    adds.add(new Records.Add(seq, keys, moved));
                    b.stored.reserve(seq, keys);
                }
                afterwards.add(journalSequence -> b.routing.deliverTo(List.of(to), seq, moved, keys.isEmpty() ? 0 : journalSequence));
            }
            return adds.isEmpty() && acks.isEmpty() ? CompletableFuture.completedFuture(0L)
                    : b.journal.append(RecordType.TX_COMMIT, Records.transaction(adds, acks));
        });
        if (written == null) {
            return 0;
        }
        long journalSequence = Broker.await(written);
        b.call(() -> {
            afterwards.forEach(a -> a.accept(journalSequence));
            return null;
        });
        LOG.info("Moved {} message(s) from queue {} to queue {}", afterwards.size(), fromQueue, toQueue);
        return afterwards.size();
    }

    List<Broker.DestinationStats> destinationStats() {
        return b.call(() -> {
            long now = b.clock.millis();
            List<Broker.DestinationStats> list = new ArrayList<>();
            b.destinations.queues.forEach((name, q) -> list.add(new Broker.DestinationStats(name, true, q.depth(), q.enqueued, q.dequeued,
                    q.expired, q.consumers.size(), q.oldestAgeMillis(now), 0)));
            b.destinations.topics.forEach((name, t) -> {
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
                list.add(new Broker.DestinationStats(name, false, depth, enq, deq, exp, consumers, oldest, t.subscriptions.size()));
            });
            return list;
        });
    }
}
