package io.fmq.ha.sim;

import io.fmq.ha.state.RepositoryPosition;

/**
 * One record in a simulated store. {@code sequence} is its 1-based place in the store; {@code id}
 * is unique across the simulation, so two stores hold "the same record" only if the ids match.
 * An epoch marker is what RAISE_EPOCH appends.
 */
record StoredRecord(long epoch, long sequence, long id, boolean epochMarker) {

    RepositoryPosition position() {
        return new RepositoryPosition(epoch, sequence);
    }
}
