package io.fmq.server.broker;

import io.fmq.protocol.WireMessage;
import io.fmq.store.Journal;
import io.fmq.store.Record;
import io.fmq.store.payload.StoreRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backlogs larger than memory: once the messages the broker holds reach the paging threshold (half the memory limit),
 * a durable queue's new stored messages are kept only in the journal, in the queue's {@link MessageQueue.PagedTail},
 * and read back from the journal in batches, oldest first, when the queue's consumers have taken most of what is in
 * memory. The journal is the only copy: paging writes nothing more, replication sends nothing more, and compaction
 * keeps the tail's records in place ({@link StoredMessages.Live}) so that they are read back in order.
 *
 * <p>Threads: the tails and the decisions belong to the broker's thread. Reads run on the broker's reader
 * ({@link BrokerExecutor#reader()}, the thread {@code fmq-pager}), which owns one journal reader per queue being read
 * back (kept between batches, so a backlog is read once, sequentially); a batch's messages come back to the broker's
 * thread as a task, and are dropped there if the tail they were read for is gone (purged, queue removed).
 */
final class Pager {
    private static final Logger LOG = LoggerFactory.getLogger(Pager.class);
    /** A queue with consumers and fewer messages than this (and fewer bytes than a batch) in memory reads more back. */
    static final int READ_BACK_BELOW = 512;
    /** At most this many messages (and {@link #BATCH_BYTES}, or an eighth of the memory limit) per read back. */
    static final int BATCH_MESSAGES = 2048;
    static final long BATCH_BYTES = 4L * 1024 * 1024;
    /** Read backs wait while memory is above this share of the limit. */
    private static final double READ_BACK_RATIO = 0.9;
    private static final long ERROR_RETRY_MILLIS = 1_000;

    private final Broker broker;
    private final long threshold;
    private final long limit;
    private final long batchBytes;
    /** Queues whose read back waits for memory to come down (broker's thread). */
    private final java.util.Set<MessageQueue> waitingForMemory = new java.util.LinkedHashSet<>();
    /** Reader thread only: the open readers, by queue key, positioned at the record after the last one read. */
    private final Map<String, OpenReader> readers = new HashMap<>();
    private boolean warnedError;

    private static final class OpenReader {
        final Journal.JournalReader reader;
        long next;

        OpenReader(Journal.JournalReader reader, long next) {
            this.reader = reader;
            this.next = next;
        }
    }

    /** A paged message read back: its broker sequence and the message. */
    record Paged(long sequence, WireMessage message) {
    }

    /** A batch read back: the messages, the journal sequence to go on from, whether the tail's last record was reached. */
    private record Batch(List<Paged> messages, long nextJournal, long lastMessage, boolean end, Exception error) {
    }

    Pager(Broker broker, long memoryLimit) {
        this.broker = broker;
        this.limit = memoryLimit;
        this.threshold = memoryLimit / 2;
        this.batchBytes = Math.max(1, Math.min(BATCH_BYTES, memoryLimit / 8));
    }

    /**
     * Bytes read back at most per batch; a queue reads back only while less than this of it waits in memory, so that a
     * queue whose consumers left holds at most about two batches of what was read back for it.
     */
    long batchBytes() {
        return batchBytes;
    }

    /** Memory in use up to which a read back may add to it. */
    long readBackLimit() {
        return (long) (limit * READ_BACK_RATIO);
    }

    /** Whether a queue waits for memory to come down (broker's thread). */
    boolean waiting() {
        return !waitingForMemory.isEmpty();
    }

    /** Memory came down below {@link #readBackLimit()}: the waiting queues read back again (broker's thread). */
    void memoryFreed() {
        List<MessageQueue> ready = new ArrayList<>(waitingForMemory);
        waitingForMemory.clear();
        long now = broker.clock.millis();
        for (MessageQueue q : ready) {
            if (q.tail != null) {
                q.tail.reading = false;
                q.dispatch(now);
            }
        }
    }

    /** Memory in use from which new stored messages are paged. */
    long threshold() {
        return threshold;
    }

    /** Whether a stored message for {@code q} goes to its tail instead of memory (broker's thread). */
    boolean pages(MessageQueue q) {
        return q.durable() && (q.tail != null || broker.memory.used() >= threshold);
    }

    /**
     * Reads the next batch of the queue's tail back (broker's thread; the queue has a tail and no read under way). While
     * memory is above {@link #readBackLimit()} it waits, unless nothing of the queue waits in memory ({@code starved}):
     * its consumers may be holding what they have unacknowledged until more arrives (a transaction, a batch of client
     * acknowledgements), so one batch more always comes; what consumers hold beyond that is bounded by their prefetch.
     */
    void readBack(MessageQueue q, boolean starved) {
        MessageQueue.PagedTail t = q.tail;
        t.reading = true;
        if (!starved && broker.memory.used() > readBackLimit()) {
            waitingForMemory.add(q); // the memory in use must come down first (acknowledgements)
            return;
        }
        long from = t.fromJournal;
        long fromMessage = t.fromMessage;
        long to = t.toJournal;
        String key = q.key;
        broker.executor.reader().execute(() -> {
            Batch b = read(key, from, fromMessage, to);
            broker.execute(() -> accept(q, t, b));
        });
    }

    private void retryLater(MessageQueue q, MessageQueue.PagedTail t, long delay) {
        broker.executor.schedule(() -> {
            if (q.tail == t) {
                t.reading = false;
                q.dispatch(broker.clock.millis());
            }
        }, delay);
    }

    /** Broker's thread: the batch joins the queue's memory, and the tail moves on. */
    private void accept(MessageQueue q, MessageQueue.PagedTail t, Batch b) {
        if (q.tail != t) {
            return; // purged or removed meanwhile
        }
        if (b.error != null) {
            if (!warnedError) {
                warnedError = true;
                LOG.warn("Could not read paged messages of {} back from the data store ({}); retrying every second", q.key,
                        b.error.toString());
            }
            retryLater(q, t, ERROR_RETRY_MILLIS);
            return;
        }
        warnedError = false;
        long now = broker.clock.millis();
        for (Paged p : b.messages) {
            if (t.ackedBefore(p.sequence)) {
                continue; // acknowledged before the restart (not counted): its acknowledgement is in the journal
            }
            t.count--;
            QueueEntry e = new QueueEntry(p.sequence, p.message, q);
            e.recovered = p.sequence < broker.recoveredBelow;
            broker.stored.reserve(p.sequence, List.of(q.key));
            q.readBack(e);
            broker.routing.scheduleDispatch(q, p.message.deliveryTime(), now);
        }
        t.fromJournal = b.nextJournal;
        t.fromMessage = Math.max(t.fromMessage, b.lastMessage + 1);
        if (!b.messages.isEmpty()) {
            t.oldestTimestamp = 0; // the oldest is in memory now
        }
        if (t.count <= 0 || b.end && t.fromJournal > t.toJournal) {
            if (t.count != 0) {
                LOG.warn("Paged messages of {}: {} counted but not found in the data store", q.key, t.count);
            }
            q.tail = null;
        } else {
            t.reading = false;
        }
        q.dispatch(now);
    }

    /** Reader thread: up to a batch of the queue's paged messages from {@code from}. */
    private Batch read(String key, long from, long fromMessage, long to) {
        List<Paged> out = new ArrayList<>();
        long last = from - 1;
        long lastMessage = fromMessage - 1;
        try {
            OpenReader r = readers.get(key);
            if (r == null || r.next != from) {
                if (r != null) {
                    r.reader.close();
                }
                r = new OpenReader(broker.journal.reader(from), from);
                readers.put(key, r);
            }
            long bytes = 0;
            Record rec = null;
            while (out.size() < BATCH_MESSAGES && bytes < batchBytes && (rec = r.reader.next(to)) != null) {
                last = rec.sequence();
                for (StoreRecord.MessageAdd a : adds(rec)) {
                    if (a.sequence() >= fromMessage && a.queueKeys().contains(key)) {
                        out.add(new Paged(a.sequence(), Records.message(a.message())));
                        bytes += a.message().length;
                        lastMessage = Math.max(lastMessage, a.sequence());
                    }
                }
            }
            r.next = last + 1;
            boolean end = rec == null || last >= to;
            if (end) {
                r.reader.close();
                readers.remove(key);
            }
            return new Batch(out, last + 1, lastMessage, end, null);
        } catch (IOException | RuntimeException e) {
            OpenReader r = readers.remove(key);
            if (r != null) {
                r.reader.close();
            }
            return new Batch(List.of(), from, fromMessage - 1, false, e);
        }
    }

    private static List<StoreRecord.MessageAdd> adds(Record rec) {
        return switch (rec.type()) {
            case MESSAGE_ADD, TX_COMMIT -> {
                StoreRecord s = Records.read(rec);
                yield s instanceof StoreRecord.MessageAdd a ? List.of(a)
                        : s instanceof StoreRecord.Transaction t ? t.adds() : List.of();
            }
            default -> List.of();
        };
    }

    /**
     * The tail's messages, oldest first, up to {@code max}, read on the calling thread from the journal (a browser's look,
     * a purge): {@code visitor} gets each message's record (its broker sequence, queue keys and bytes). {@code t} is the
     * tail as the broker's thread saw it; its records stay in place while it is the queue's tail, and records a
     * compaction removes meanwhile are skipped (they were no longer needed).
     */
    static void scan(Journal journal, String key, MessageQueue.PagedTail t, long max,
                     java.util.function.Consumer<StoreRecord.MessageAdd> visitor) throws IOException {
        long n = 0;
        try (Journal.JournalReader r = journal.reader(t.fromJournal)) {
            for (Record rec; n < max && (rec = r.next(t.toJournal)) != null; ) {
                for (StoreRecord.MessageAdd a : adds(rec)) {
                    if (n < max && a.sequence() >= t.fromMessage && a.queueKeys().contains(key) && !t.ackedBefore(a.sequence())) {
                        visitor.accept(a);
                        n++;
                    }
                }
            }
        }
    }

    /** A copy of the tail's bounds, for a scan off the broker's thread. */
    static MessageQueue.PagedTail copy(MessageQueue.PagedTail t) {
        MessageQueue.PagedTail c = new MessageQueue.PagedTail(t.fromJournal, t.fromMessage, t.oldestTimestamp);
        c.toJournal = t.toJournal;
        c.count = t.count;
        c.acked = t.acked == null ? null : (java.util.BitSet) t.acked.clone();
        c.ackedBase = t.ackedBase;
        return c;
    }
}
