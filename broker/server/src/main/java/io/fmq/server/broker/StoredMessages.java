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
    /** How many stored entries were done with so far: compaction has nothing new to reclaim while this stands still. */
    long forgotten;
    /** {@link #forgotten} when the last compaction's snapshot was taken (-1: none yet). */
    long forgottenAtSnapshot = -1;

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

    /** A reserved message is not held for {@code key} after all: it stays in the journal only (paged). */
    void unreserve(long sequence, String key) {
        Set<String> keys = stored.get(sequence);
        if (keys != null) {
            keys.remove(key);
            if (keys.isEmpty()) {
                stored.remove(sequence);
            }
        }
    }

    /** A stored entry left its queue for good: the acknowledgement to write, or null when it was never stored. */
    StoreRecord.MessageAck forget(QueueEntry e) {
        if (!e.stored()) {
            return null;
        }
        forgotten++;
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
        Map<String, long[]> tails = new HashMap<>();
        d.queues.values().forEach(q -> addTail(tails, q));
        d.durableSubscriptions.values().forEach(s -> addTail(tails, s.queue));
        return new Live(b::compactionStopped, b.journal.lastSequence(), new HashSet<>(b.stored.stored.keySet()), new HashSet<>(d.durableSubscriptions.keySet()),
                new HashSet<>(d.queues.keySet()), new HashSet<>(d.topics.keySet()), b.security.users(), tails); // users: an immutable copy already
    }

    private static void addTail(Map<String, long[]> tails, MessageQueue q) {
        if (q.tail != null) {
            tails.put(q.key, new long[] {q.tail.fromJournal, q.tail.fromMessage});
        }
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
        /** Paged tails: queue key → {first journal sequence, first message sequence} (see {@link MessageQueue.PagedTail}). */
        private final Map<String, long[]> tails;
        private final long pinFrom;
        /** Sequences of messages whose records stay in the journal after this compaction. */
        private final Set<Long> staying = new HashSet<>();

        private final java.util.function.BooleanSupplier stopped;

        Live(java.util.function.BooleanSupplier stopped, long journalSequence, Set<Long> messages, Set<String> subscriptions, Set<String> queues, Set<String> topics,
             Map<String, String> users, Map<String, long[]> tails) {
            this.stopped = stopped;
            this.tails = tails;
            this.pinFrom = tails.values().stream().mapToLong(t -> t[0]).min().orElse(Long.MAX_VALUE);
            this.journalSequence = journalSequence;
            this.messages = messages;
            this.subscriptions = subscriptions;
            this.queues = queues;
            this.topics = topics;
            this.users = users;
        }

        @Override
        public boolean stopped() {
            return stopped.getAsBoolean();
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
                return addLive(r.sequence(), a);
            } else if (rec instanceof StoreRecord.MessageAck a) {
                return ackLive(a);
            } else if (rec instanceof StoreRecord.Transaction t) {
                return t.adds().stream().anyMatch(a -> addLive(r.sequence(), a)) || t.acks().stream().anyMatch(this::ackLive);
            } else if (rec instanceof StoreRecord.SubscriptionAdd s) {
                return subscriptions.contains(s.key());
            } else if (rec instanceof StoreRecord.DestinationAdd a) {
                return a.queue() ? queues.contains(a.name()) : topics.contains(a.name());
            } else if (rec instanceof StoreRecord.PrincipalPut u) {
                return u.passwordHash().equals(users.get(u.name()));
            }
            return true; // removals, grants and groups are small and must outlive what they remove
        }

        /** Held in memory, or part of a paged tail. */
        private boolean addLive(long journalSequence, StoreRecord.MessageAdd a) {
            if (messages.contains(a.sequence())) {
                return true;
            }
            if (!tails.isEmpty() && journalSequence >= pinFrom) {
                for (String key : a.queueKeys()) {
                    long[] t = tails.get(key);
                    if (t != null && journalSequence >= t[0] && a.sequence() >= t[1]) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** Its message is held, or its record stays, or it is one of a paged tail's acknowledgements found at a restart. */
        private boolean ackLive(StoreRecord.MessageAck a) {
            if (messages.contains(a.sequence()) || staying.contains(a.sequence())) {
                return true;
            }
            long[] t = tails.isEmpty() ? null : tails.get(a.queueKey());
            return t != null && a.sequence() >= t[1];
        }

        @Override
        public long keepInPlaceFrom() {
            return pinFrom;
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
        Live live = b.call(() -> {
            b.stored.forgottenAtSnapshot = b.stored.forgotten;
            return snapshot(b);
        });
        return b.journal.compact(live);
    }

    /** As {@link #compact(Broker)} if any stored message was done with since the last one (else nothing to reclaim). */
    static Journal.CompactionResult compactIfChanged(Broker b) throws java.io.IOException {
        if (b.call(() -> b.stored.forgotten == b.stored.forgottenAtSnapshot)) {
            return new Journal.CompactionResult(0, 0, 0);
        }
        return compact(b);
    }
}
