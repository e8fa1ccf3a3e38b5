package io.fmq.ha.state;

/**
 * Where a data store ends: the epoch of its last record and that record's sequence number.
 * Ordered by epoch first, so a store that saw a later period of activity is newer than one with
 * more records from an earlier period.
 */
public record RepositoryPosition(long epoch, long sequence) implements Comparable<RepositoryPosition> {

    /** An empty store. */
    public static final RepositoryPosition EMPTY = new RepositoryPosition(0, 0);

    public RepositoryPosition {
        if (epoch < 0 || sequence < 0) {
            throw new IllegalArgumentException("epoch and sequence must not be negative: " + epoch + "/" + sequence);
        }
    }

    @Override
    public int compareTo(RepositoryPosition other) {
        int byEpoch = Long.compare(epoch, other.epoch);
        return byEpoch != 0 ? byEpoch : Long.compare(sequence, other.sequence);
    }

    public boolean isBefore(RepositoryPosition other) {
        return compareTo(other) < 0;
    }

    @Override
    public String toString() {
        return epoch + "/" + sequence;
    }
}
