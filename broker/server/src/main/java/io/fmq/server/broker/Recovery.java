package io.fmq.server.broker;

import io.fmq.protocol.WireMessage;
import io.fmq.store.Record;
import io.fmq.store.RecordType;
import io.fmq.store.payload.PayloadCodec;
import io.fmq.store.payload.StoreRecord;
import java.io.IOException;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the broker's state from its journal: destinations, durable subscriptions, users and grants, and every
 * stored message not yet acknowledged, in its queues in the order it was accepted. Runs on the broker's thread,
 * before any client can connect.
 *
 * <p>One pass in journal order, in bounded memory: a queue's messages are restored into memory until the messages
 * restored reach the paging threshold; from then on a queue's later messages form its paged tail ({@link Pager}),
 * of which only their place in the journal, a count and the acknowledgements found after them are kept (the tail is
 * read back from the journal once consumers come). Only the messages of the last records are decoded to rebuild the
 * window of recent message ids. Acknowledgements may come before their message's record (compaction re-appends
 * records), so that order is not relied on.
 */
final class Recovery {
    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

    private Recovery() {
    }

    /** What the pass found for one queue key (the queue itself may be restored later in the journal, or not at all). */
    private static final class Restored {
        final TreeMap<Long, WireMessage> inMemory = new TreeMap<>();
        MessageQueue.PagedTail tail;
        long base;
        final BitSet present = new BitSet();
        final BitSet acked = new BitSet();
    }

    private static final class Pass {
        final Broker b;
        final long threshold;
        final long recentFrom;
        final Map<String, Restored> restored = new HashMap<>();
        /** Acknowledgements met before their message: "key#sequence". */
        final Set<String> early = new HashSet<>();
        long held;

        Pass(Broker b) {
            this.b = b;
            this.threshold = b.pager.threshold();
            this.recentFrom = b.journal.lastSequence() - RecentMessageIds.DEFAULT_CAPACITY;
        }

        /** A message record: its sequence, the queues it was stored for, and a copy of its bytes on demand. */
        void add(long journalSequence, long seq, List<String> queueKeys, Supplier<byte[]> message) {
            b.routing.nextSequence = Math.max(b.routing.nextSequence, seq + 1);
            WireMessage m = null;
            if (journalSequence > recentFrom) {
                m = Records.message(message.get());
                b.recentIds.remember(m, MemoryBudget.AVAILABLE);
            }
            for (int i = 0, n = queueKeys.size(); i < n; i++) {
                String key = queueKeys.get(i);
                if (!early.isEmpty() && early.remove(key + "#" + seq)) {
                    continue;
                }
                Restored r = restored.computeIfAbsent(key, k -> new Restored());
                if (r.tail == null ? held < threshold : seq < r.tail.fromMessage) {
                    if (m == null) {
                        m = Records.message(message.get());
                    }
                    if (r.inMemory.put(seq, m) == null) {
                        held += m.approximateSize();
                    }
                } else if (seq - (r.tail == null ? seq : r.base) < Integer.MAX_VALUE) {
                    if (r.tail == null) {
                        if (m == null) {
                            m = Records.message(message.get());
                        }
                        r.tail = new MessageQueue.PagedTail(journalSequence, seq, m.timestamp());
                        r.base = seq;
                    }
                    r.present.set((int) (seq - r.base));
                    r.tail.toJournal = Math.max(r.tail.toJournal, journalSequence);
                }
            }
        }

        void ack(StoreRecord.MessageAck a) {
            Restored r = restored.get(a.queueKey());
            if (r != null) {
                WireMessage m = r.inMemory.remove(a.sequence());
                if (m != null) {
                    held -= m.approximateSize();
                    return;
                }
                if (r.tail != null && a.sequence() >= r.base && a.sequence() - r.base < Integer.MAX_VALUE) {
                    r.acked.set((int) (a.sequence() - r.base));
                    return;
                }
            }
            early.add(a.queueKey() + "#" + a.sequence());
        }
    }

    static void replay(Broker b) throws IOException {
        Destinations d = b.destinations;
        Pass pass = new Pass(b);
        PayloadCodec.AddReader adds = new PayloadCodec.AddReader();
        Supplier<byte[]> addMessage = adds::copyMessage;
        b.journal.replayViews((sequence, type, payload) -> {
            if (type == RecordType.EPOCH) {
                return; // the journal's own
            }
            if (type == RecordType.MESSAGE_ADD && PayloadCodec.formatOf(payload) == PayloadCodec.FORMAT_VERSION) {
                adds.read(sequence, payload); // in place: the message's bytes are copied only if kept
                pass.add(sequence, adds.sequence(), adds.queueKeys(), addMessage);
                return;
            }
            byte[] bytes = new byte[payload.remaining()];
            payload.get(bytes);
            Record r = new Record(sequence, type, bytes);
            StoreRecord rec = Records.read(r);
            if (rec instanceof StoreRecord.DestinationAdd a) {
                if (a.queue()) {
                    d.queue(a.name());
                } else {
                    d.topic(a.name());
                }
            } else if (rec instanceof StoreRecord.DestinationRemove a) {
                d.remove(a.queue(), a.name());
            } else if (rec instanceof StoreRecord.SubscriptionAdd s) {
                Predicate<WireMessage> sel;
                try {
                    sel = s.selector() == null ? null : b.selectors.compile(s.selector());
                } catch (BrokerException e) {
                    sel = null;
                }
                Topic t = d.topic(s.topic());
                Subscription sub = new Subscription(s.key(), t, new MessageQueue(s.key(), true, b), s.selector(), sel,
                        s.noLocal(), null, s.clientId(), s.name(), true, s.clientId() == null);
                t.subscriptions.put(s.key(), sub);
                d.durableSubscriptions.put(s.key(), sub);
            } else if (rec instanceof StoreRecord.SubscriptionRemove s) {
                Subscription sub = d.durableSubscriptions.remove(s.key());
                if (sub != null) {
                    sub.topic.subscriptions.remove(sub.key);
                }
            } else if (rec instanceof StoreRecord.MessageAdd a) {
                pass.add(r.sequence(), a.sequence(), a.queueKeys(), a::message);
            } else if (rec instanceof StoreRecord.MessageAck a) {
                pass.ack(a);
            } else if (rec instanceof StoreRecord.Transaction t) {
                for (StoreRecord.MessageAdd a : t.adds()) {
                    pass.add(r.sequence(), a.sequence(), a.queueKeys(), a::message);
                }
                t.acks().forEach(pass::ack);
            } else if (rec instanceof StoreRecord.PrincipalPut u) {
                b.security.putUser(u.name(), u.passwordHash());
            } else if (rec instanceof StoreRecord.PrincipalRemove u) {
                b.security.removeUser(u.name());
            } else if (rec instanceof StoreRecord.AclPut a) {
                b.security.access.grant(a.principal(), a.pattern(), AccessRules.parse(a.permissions()));
            } else if (rec instanceof StoreRecord.AclRemove a) {
                b.security.access.grant(a.principal(), a.pattern(), AccessRules.parse(""));
            } else if (rec instanceof StoreRecord.AdminObjectPut o) {
                if (o.kind().equals(StoreRecord.AdminObjectPut.GROUP)) {
                    b.security.access.setGroup(o.name(), new HashSet<>(o.values()));
                }
            } else if (rec instanceof StoreRecord.AdminObjectRemove o) {
                if (o.kind().equals(StoreRecord.AdminObjectPut.GROUP)) {
                    b.security.access.setGroup(o.name(), Set.of());
                }
            }
        });
        long restored = 0;
        long paged = 0;
        long now = b.clock.millis();
        for (Map.Entry<String, Restored> e : pass.restored.entrySet()) {
            String key = e.getKey();
            Restored r = e.getValue();
            MessageQueue q = d.queueByKey(key);
            if (q == null) {
                continue; // its subscription was removed
            }
            for (Map.Entry<Long, WireMessage> m : r.inMemory.entrySet()) {
                QueueEntry entry = new QueueEntry(m.getKey(), m.getValue(), q);
                entry.recovered = true; // it may have been delivered before the restart or failover
                q.add(entry);
                b.stored.reserve(m.getKey(), List.of(key));
                restored++;
                b.routing.scheduleDispatch(q, m.getValue().deliveryTime(), now);
            }
            if (r.tail != null) {
                r.acked.and(r.present);
                long count = r.present.cardinality() - r.acked.cardinality();
                if (count > 0) {
                    r.tail.count = count;
                    r.tail.acked = r.acked.isEmpty() ? null : r.acked;
                    r.tail.ackedBase = r.base;
                    q.tail = r.tail;
                    q.enqueued += count;
                    restored += count;
                    paged += count;
                }
            }
        }
        b.recoveredBelow = b.routing.nextSequence;
        LOG.info("Broker state restored: {} queues, {} topics, {} durable subscriptions, {} stored messages ({} of them paged)",
                d.queues.size(), d.topics.size(), d.durableSubscriptions.size(), restored, paged);
    }
}
