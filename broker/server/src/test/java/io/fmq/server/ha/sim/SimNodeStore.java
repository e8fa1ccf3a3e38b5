package io.fmq.server.ha.sim;

import io.fmq.server.ha.HaStore;
import java.util.concurrent.CompletableFuture;

/**
 * What the simulation needs of a server's store beyond {@link HaStore}: its epoch and contents, a client's change,
 * a crash, and the replica writer's work ({@link SimStore}: a replicated server's own store; {@link SharedSimStore}:
 * one server's handle on the store both servers of a shared pair open).
 */
interface SimNodeStore extends HaStore {
    long epoch();

    /** Whether the store, as it would be read back now, holds client record {@code id} at {@code sequence}. */
    boolean holds(long sequence, long id);

    /** A client's change on the serving server; completes with its sequence once confirmed. */
    CompletableFuture<Long> clientAppend(long id);

    /** The durable contents (for comparing stores). */
    byte[] bytes();

    /** The process ended: what was only in memory is gone. */
    void crash();

    /** Runs the replica writer; whether it had something to do. */
    default boolean applyReplica() {
        return false;
    }

    default boolean replicaBusy() {
        return false;
    }
}
