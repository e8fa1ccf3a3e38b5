package io.fmq.server.broker;

import io.fmq.protocol.WireMessage;
import io.fmq.store.RecordType;
import io.fmq.store.payload.StoreRecord;
import java.io.IOException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the broker's state from its journal: destinations, durable subscriptions, users and grants, and every
 * stored message not yet acknowledged, in its queues in the order it was accepted. Runs on the broker's thread,
 * before any client can connect.
 */
final class Recovery {
    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

    private Recovery() {
    }

    static void replay(Broker b) throws IOException {
        Destinations d = b.destinations;
        Map<Long, Records.Add> adds = new TreeMap<>();
        Set<String> acks = new HashSet<>();
        b.journal.replay(r -> {
            if (r.type() == RecordType.EPOCH) {
                return; // the journal's own
            }
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
                Records.Add add = Records.fromStore(a);
                adds.put(add.sequence(), add);
                b.recentIds.remember(add.message(), MemoryBudget.AVAILABLE);
            } else if (rec instanceof StoreRecord.MessageAck a) {
                acks.add(a.queueKey() + "#" + a.sequence());
            } else if (rec instanceof StoreRecord.Transaction t) {
                for (StoreRecord.MessageAdd a : t.adds()) {
                    Records.Add add = Records.fromStore(a);
                    adds.put(add.sequence(), add);
                    b.recentIds.remember(add.message(), MemoryBudget.AVAILABLE);
                }
                t.acks().forEach(a -> acks.add(a.queueKey() + "#" + a.sequence()));
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
        long now = b.clock.millis();
        for (Records.Add a : adds.values()) {
            b.routing.nextSequence = Math.max(b.routing.nextSequence, a.sequence() + 1);
            for (String key : a.keys()) {
                if (acks.contains(key + "#" + a.sequence())) {
                    continue;
                }
                MessageQueue q = d.queueByKey(key);
                if (q == null) {
                    continue; // its subscription was removed
                }
                QueueEntry entry = new QueueEntry(a.sequence(), a.message(), q);
                entry.recovered = true; // it may have been delivered before the restart or failover
                q.add(entry);
                b.stored.reserve(a.sequence(), java.util.List.of(key));
                restored++;
                b.routing.scheduleDispatch(q, a.message().deliveryTime(), now);
            }
        }
        LOG.info("Broker state restored: {} queues, {} topics, {} durable subscriptions, {} stored messages",
                d.queues.size(), d.topics.size(), d.durableSubscriptions.size(), restored);
    }
}
