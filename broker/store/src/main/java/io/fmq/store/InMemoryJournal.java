package io.fmq.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Predicate;

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

    /** Drops every record the predicate calls dead; live records keep their place (there are no segments to rewrite). */
    @Override
    public CompactionResult compact(Predicate<Record> live) {
        synchronized (backing) {
            int before = backing.records.size();
            long bytes = backing.records.stream().filter(r -> !live.test(r)).mapToLong(r -> r.payload().length).sum();
            backing.records.removeIf(r -> !live.test(r));
            return new CompactionResult(0, 0, bytes + (before - backing.records.size()) * 17L);
        }
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
