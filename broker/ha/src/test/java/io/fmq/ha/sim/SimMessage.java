package io.fmq.ha.sim;

import java.util.List;

import io.fmq.ha.state.HaState;
import io.fmq.ha.state.RepositoryPosition;

/**
 * What travels over the simulated HA link. Replication messages carry the source's sync session so
 * that nothing from an earlier session is mistaken for an answer in the current one.
 */
sealed interface SimMessage {

    record State(HaState current, HaState previous, RepositoryPosition position, RepositoryPosition confirmed)
            implements SimMessage {
    }

    /** Target → source: "here is my store, tell me where we part". (A real sync compares positions.) */
    record SyncRequest(List<StoredRecord> targetStore) implements SimMessage {
    }

    /** Source → target: keep your first {@code commonLength} records, the rest follows. */
    record SyncFrom(long session, int commonLength) implements SimMessage {
    }

    record Replicate(long session, int index, StoredRecord record) implements SimMessage {
    }

    /** Source → target: you now hold all {@code length} records I have. */
    record CaughtUp(long session, int length) implements SimMessage {
    }

    /** Target → source: I store the first {@code length} records of your store. */
    record Stored(long session, int length) implements SimMessage {
    }

    record SyncConfirmed(long session) implements SimMessage {
    }
}
