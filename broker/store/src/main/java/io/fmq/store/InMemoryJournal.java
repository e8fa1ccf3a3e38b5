package io.fmq.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A journal in memory, for tests and simulations (the HA pair simulator). Appends are durable at once;
 * the records outlive {@link #close()} so that {@link #reopen()} behaves like reopening a store folder.
 * {@link #failWrites(IOException)} makes writes fail as a full disk would.
 */
public final class InMemoryJournal implements Journal {
    private final Backing backing;
    private boolean closed;

    /** The "disk": what survives close and reopen. */
    private static final class Backing {
        final List<Record> records = new ArrayList<>();
        long lastSequence;
        long epoch;
        IOException failure;
    }

    public InMemoryJournal() {
        this(new Backing());
    }

    private InMemoryJournal(Backing backing) {
        this.backing = backing;
    }

    /** A new journal over the same records, as after a restart. */
    public InMemoryJournal reopen() {
        synchronized (backing) {
            backing.failure = null;
        }
        return new InMemoryJournal(backing);
    }

    /** From now on (until reopened), appends fail with this error. */
    public void failWrites(IOException error) {
        synchronized (backing) {
            backing.failure = error;
        }
    }

    @Override
    public CompletableFuture<Long> append(RecordType type, byte[] payload) {
        synchronized (backing) {
            if (closed) {
                return CompletableFuture.failedFuture(new IOException("the journal is closed"));
            }
            if (backing.failure != null) {
                return CompletableFuture.failedFuture(new IOException("the journal stopped after a write error: "
                        + backing.failure.getMessage(), backing.failure));
            }
            long seq = ++backing.lastSequence;
            backing.records.add(new Record(seq, type, payload.clone()));
            return CompletableFuture.completedFuture(seq);
        }
    }

    @Override
    public void replay(Consumer<Record> visitor) {
        List<Record> copy;
        synchronized (backing) {
            copy = new ArrayList<>(backing.records);
        }
        copy.forEach(visitor);
    }

    @Override
    public long lastSequence() {
        synchronized (backing) {
            return backing.lastSequence;
        }
    }

    @Override
    public long epoch() {
        synchronized (backing) {
            return backing.epoch;
        }
    }

    @Override
    public long beginEpoch() throws IOException {
        synchronized (backing) {
            long next = backing.epoch + 1;
            try {
                append(RecordType.EPOCH, ByteBuffer.allocate(8).putLong(next).array()).join();
            } catch (java.util.concurrent.CompletionException e) {
                throw (IOException) e.getCause();
            }
            backing.epoch = next;
            return next;
        }
    }

    /**
     * Drops every record the judge calls dead; live records keep their place (there are no segments to rewrite). The
     * records judged live are shown to {@link CompactionJudge#remains} first, then the others are judged again.
     */
    @Override
    public CompactionResult compact(CompactionJudge judge) {
        synchronized (backing) {
            if (judge.stopped()) {
                return new CompactionResult(0, 0, 0); // one step here: stopped before it, or not at all
            }
            List<Record> dead = new ArrayList<>();
            for (Record r : backing.records) {
                if (judge.isLive(r)) {
                    judge.remains(r);
                } else {
                    dead.add(r);
                }
            }
            java.util.Set<Record> drop = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            for (Record r : dead) {
                if (!judge.isLive(r)) {
                    drop.add(r);
                }
            }
            backing.records.removeIf(drop::contains);
            long bytes = drop.stream().mapToLong(r -> r.payload().length + 17L).sum();
            return new CompactionResult(0, 0, bytes);
        }
    }

    /** Reads a copy of the records from {@code fromSequence} on, as they are appended. */
    @Override
    public JournalReader reader(long fromSequence) {
        return new JournalReader() {
            private long next = fromSequence;

            @Override
            public Record next(long upTo) {
                synchronized (backing) {
                    List<Record> records = backing.records;
                    int lo = 0;
                    int hi = records.size();
                    while (lo < hi) { // the first record with sequence >= next
                        int mid = (lo + hi) >>> 1;
                        if (records.get(mid).sequence() < next) {
                            lo = mid + 1;
                        } else {
                            hi = mid;
                        }
                    }
                    if (lo == records.size() || records.get(lo).sequence() > upTo) {
                        return null;
                    }
                    Record r = records.get(lo);
                    next = r.sequence() + 1;
                    return r;
                }
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public JournalStats stats() {
        synchronized (backing) {
            return new JournalStats(1, backing.records.stream().mapToLong(r -> r.payload().length + 17L).sum(),
                    backing.lastSequence, backing.epoch);
        }
    }

    @Override
    public void close() {
        synchronized (backing) {
            closed = true;
        }
    }
}
