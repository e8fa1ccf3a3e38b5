package io.fmq.server.broker;

import io.fmq.store.Journal;
import io.fmq.store.Record;
import io.fmq.store.RecordType;
import io.fmq.store.payload.StoreRecord;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which stored messages the journal must keep: per broker message sequence, the queue keys still holding it. A
 * message is entered here before its record is appended (so a compaction that starts meanwhile keeps the record) and
 * leaves when the last of its queues is done with it. Owned by the broker's thread.
 */
final class StoredMessages {
    private final Map<Long, Set<String>> stored = new HashMap<>();

    /** A message about to be stored for {@code keys}. */
    void reserve(long sequence, Iterable<String> keys) {
        Set<String> set = null;
        for (String k : keys) {
            if (set == null) {
                set = stored.computeIfAbsent(sequence, s -> new HashSet<>());
            }
            set.add(k);
        }
    }

    /** A stored entry left its queue for good: the acknowledgement to write, or null when it was never stored. */
    StoreRecord.MessageAck forget(QueueEntry e) {
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

    boolean contains(long sequence) {
        return stored.containsKey(sequence);
    }

    /**
     * What is live now, for a compaction that runs on another thread: everything the journal holds up to its last
     * sequence now is judged by this copy; anything appended later is live.
     */
    static Live snapshot(Broker b) {
        Destinations d = b.destinations;
        return new Live(b.journal.lastSequence(), new HashSet<>(b.stored.stored.keySet()), new HashSet<>(d.durableSubscriptions.keySet()),
                new HashSet<>(d.queues.keySet()), new HashSet<>(d.topics.keySet()), b.security.users()); // users: an immutable copy already
    }

    /**
     * A copy of what is live, judged off the broker's thread. An acknowledgement lives as long as its message is held or
     * the message's record stays in the journal for another reason (its segment is kept in place for other live records,
     * or it is in the segment being written): dropping it then would bring the message back at the next start.
     */
    static final class Live implements Journal.CompactionJudge {
        private final long journalSequence;
        private final Set<Long> messages;
        private final Set<String> subscriptions;
        private final Set<String> queues;
        private final Set<String> topics;
        private final Map<String, String> users;
        /** Sequences of messages whose records stay in the journal after this compaction. */
        private final Set<Long> staying = new HashSet<>();

        Live(long journalSequence, Set<Long> messages, Set<String> subscriptions, Set<String> queues, Set<String> topics,
             Map<String, String> users) {
            this.journalSequence = journalSequence;
            this.messages = messages;
            this.subscriptions = subscriptions;
            this.queues = queues;
            this.topics = topics;
            this.users = users;
        }

        long journalSequence() {
            return journalSequence;
        }

        @Override
        public boolean isLive(Record r) {
            if (r.type() == RecordType.EPOCH || r.sequence() > journalSequence) {
                return true;
            }
            StoreRecord rec = Records.read(r);
            if (rec instanceof StoreRecord.MessageAdd a) {
                return messages.contains(a.sequence());
            } else if (rec instanceof StoreRecord.MessageAck a) {
                return ackLive(a);
            } else if (rec instanceof StoreRecord.Transaction t) {
                return t.adds().stream().anyMatch(a -> messages.contains(a.sequence())) || t.acks().stream().anyMatch(this::ackLive);
            } else if (rec instanceof StoreRecord.SubscriptionAdd s) {
                return subscriptions.contains(s.key());
            } else if (rec instanceof StoreRecord.DestinationAdd a) {
                return a.queue() ? queues.contains(a.name()) : topics.contains(a.name());
            } else if (rec instanceof StoreRecord.PrincipalPut u) {
                return u.passwordHash().equals(users.get(u.name()));
            }
            return true; // removals, grants and groups are small and must outlive what they remove
        }

        private boolean ackLive(StoreRecord.MessageAck a) {
            return messages.contains(a.sequence()) || staying.contains(a.sequence());
        }

        @Override
        public void remains(Record r) {
            if (r.type() != RecordType.MESSAGE_ADD && r.type() != RecordType.TX_COMMIT) {
                return;
            }
            StoreRecord rec = Records.read(r);
            if (rec instanceof StoreRecord.MessageAdd a) {
                staying.add(a.sequence());
            } else if (rec instanceof StoreRecord.Transaction t) {
                t.adds().forEach(a -> staying.add(a.sequence()));
            }
        }
    }

    /** Reclaims journal space: judged by a snapshot taken on the broker's thread, run on the caller's. */
    static Journal.CompactionResult compact(Broker b) throws java.io.IOException {
        Live live = b.call(() -> snapshot(b));
        return b.journal.compact(live);
    }
}
