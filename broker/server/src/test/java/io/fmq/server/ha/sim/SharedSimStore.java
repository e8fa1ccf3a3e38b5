package io.fmq.server.ha.sim;

import io.fmq.ha.state.RepositoryPosition;
import io.fmq.server.ha.HaStore;
import io.fmq.store.NotAllowedToConfirmException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * The one store of a simulated shared pair, with the fence of the file store ({@code WriterFence}): a writer epoch
 * ({@code writer.epoch}), one segment of records per writer epoch, and the seals a new writer takes of every older
 * segment when it activates. Read back (what a new writer recovers), an older epoch's segment counts up to its seal
 * and not at all if it has none; the segment of the epoch that sealed last counts whole. A writer confirms a record
 * only while the fence still names its epoch; once it sees a newer one it writes nothing more.
 *
 * <p>Each server opens it through its own {@link Handle}, whose open journal is process memory (a kill closes it).
 * The store remembers every record a stale writer wrote (after a newer epoch had fenced it off), so the simulation
 * can check that none is ever read back. With {@code fenced = false} it is the planted bug of a store without the
 * fence: no seals, no check, every segment read whole.
 *
 * <p>The simulation is one thread: fencing and sealing happen in one step, as one controller action.
 */
final class SharedSimStore {
    private final boolean fenced;
    private long fence;
    private long sealEpoch;
    private final TreeMap<Long, List<long[]>> segments = new TreeMap<>();
    private final Map<Long, Integer> seals = new HashMap<>();
    private final Set<Long> staleIds = new HashSet<>();
    private List<long[]> view;

    SharedSimStore(boolean fenced) {
        this.fenced = fenced;
    }

    Handle handle(BooleanSupplier storageCut) {
        return new Handle(storageCut);
    }

    /** The newest epoch the store has seen. */
    long sharedEpoch() {
        return Math.max(fence, sealEpoch);
    }

    /** The records as a new writer would read them back: {sequence, epoch, id} each. */
    List<long[]> view() {
        if (view == null) {
            List<long[]> out = new ArrayList<>();
            for (Map.Entry<Long, List<long[]>> e : segments.entrySet()) {
                List<long[]> recs = e.getValue();
                int n = !fenced || e.getKey() >= sealEpoch ? recs.size() : seals.getOrDefault(e.getKey(), 0);
                out.addAll(recs.subList(0, Math.min(n, recs.size())));
            }
            view = out;
        }
        return view;
    }

    boolean holds(long sequence, long id) {
        List<long[]> v = view();
        return sequence >= 1 && sequence <= v.size() && v.get((int) sequence - 1)[0] == sequence && v.get((int) sequence - 1)[2] == id;
    }

    /** A record written by a stale writer that is read back, or null. */
    long[] staleRecordReadBack() {
        if (staleIds.isEmpty()) {
            return null;
        }
        for (long[] r : view()) {
            if (staleIds.contains(r[2])) {
                return r;
            }
        }
        return null;
    }

    int staleWrites() {
        return staleIds.size();
    }

    /** The read-back contents as bytes (sequence, epoch, id per record). */
    byte[] bytes() {
        List<long[]> v = view();
        ByteBuffer b = ByteBuffer.allocate(v.size() * 24);
        v.forEach(r -> b.putLong(r[0]).putLong(r[1]).putLong(r[2]));
        return b.array();
    }

    private void append(long epoch, long sequence, long id) {
        segments.computeIfAbsent(epoch, e -> new ArrayList<>()).add(new long[] {sequence, epoch, id});
        view = null;
        if (epoch != fence) {
            staleIds.add(id); // written after a newer writer fenced this one off
        }
    }

    /** One server's access to the store. The open journal (its epoch and end) is process memory. */
    final class Handle implements SimNodeStore, HaStore.Unreplicated {
        private final BooleanSupplier storageCut;
        private long openEpoch;
        private long lastSequence;
        private BooleanSupplier gate;

        private Handle(BooleanSupplier storageCut) {
            this.storageCut = storageCut;
        }

        boolean writing() {
            return openEpoch > 0;
        }

        @Override
        public long epoch() {
            return position().epoch();
        }

        @Override
        public boolean holds(long sequence, long id) {
            return SharedSimStore.this.holds(sequence, id);
        }

        @Override
        public RepositoryPosition position() {
            return openEpoch > 0 ? new RepositoryPosition(openEpoch, lastSequence) : new RepositoryPosition(sharedEpoch(), 0);
        }

        @Override
        public void openJournal() throws IOException {
            if (openEpoch == 0) {
                throw new IOException("the shared store is opened for writing only when this server activates (in a new epoch)");
            }
        }

        @Override
        public long beginEpoch(long atLeast) throws IOException {
            stopWriting();
            if (storageCut.getAsBoolean()) {
                throw new IOException("the shared storage is unreachable");
            }
            long epoch = Math.max(atLeast, sharedEpoch() + 1);
            fence = epoch;
            if (fenced) {
                // measure and seal every older segment (an earlier seal stands), as openFenced does
                for (Map.Entry<Long, List<long[]>> e : segments.entrySet()) {
                    if (e.getKey() < epoch) {
                        int size = e.getValue().size();
                        Integer old = e.getKey() < sealEpoch ? seals.get(e.getKey()) : null;
                        seals.put(e.getKey(), e.getKey() < sealEpoch ? (old == null ? 0 : Math.min(old, size)) : size);
                    }
                }
                sealEpoch = epoch;
            }
            view = null;
            lastSequence = view().size();
            openEpoch = epoch;
            lastSequence++;
            append(epoch, lastSequence, -epoch); // the journal's EPOCH record
            return epoch;
        }

        @Override
        public CompletableFuture<Long> clientAppend(long id) {
            if (openEpoch == 0) {
                return CompletableFuture.failedFuture(new IOException("the journal is closed"));
            }
            if (storageCut.getAsBoolean()) {
                return CompletableFuture.failedFuture(new IOException("the shared storage is unreachable"));
            }
            long seq = ++lastSequence;
            append(openEpoch, seq, id);
            if (fenced && fence != openEpoch) {
                openEpoch = 0; // the journal stops: it writes nothing more
                return CompletableFuture.failedFuture(new NotAllowedToConfirmException("taken over by epoch " + fence));
            }
            if (gate != null && !gate.getAsBoolean()) {
                return CompletableFuture.failedFuture(new NotAllowedToConfirmException("not allowed to confirm"));
            }
            return CompletableFuture.completedFuture(seq);
        }

        @Override
        public byte[] bytes() {
            return SharedSimStore.this.bytes();
        }

        @Override
        public void crash() {
            stopWriting();
            gate = null;
        }

        @Override
        public void stopWriting() {
            openEpoch = 0;
            lastSequence = 0;
        }

        @Override
        public void setConfirmGate(BooleanSupplier gate) {
            this.gate = gate;
        }

        @Override
        public void close() {
            stopWriting();
        }
    }
}
