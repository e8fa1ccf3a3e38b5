package io.fmq.ha.state;

/**
 * What the controller must do after a decision, in the order given. Each action reports back as
 * an event (noted below) so the machine never waits for I/O.
 */
public enum HaAction {
    /** Try once to take the lock, checking the gateway first; report LOCK_ACQUIRED or LOCK_UNAVAILABLE (and GATEWAY_LOST/RESTORED). */
    TRY_ACQUIRE_LOCK,
    /** Check the gateway and that the lock is still held; report LOCK_VERIFIED, LOCK_LOST or GATEWAY_LOST. */
    VERIFY_LOCK,
    /** Give the lock up, recording that it was released on purpose (after the acceptor stopped). */
    RELEASE_LOCK,
    /**
     * Start a new period of activity with {@link HaDecision#raisedEpoch()}: record it with the lock
     * first, then in the store, before any client work is confirmed in the new state.
     */
    RAISE_EPOCH,
    START_CLIENT_ACCEPTOR,
    /** Stop accepting and confirming client work at once. */
    STOP_CLIENT_ACCEPTOR,
    /** Send the passive peer what it lacks, then replicate every change; report SYNC_PROGRESS/SYNC_COMPLETE. */
    BEGIN_SYNC_AS_SOURCE,
    /** Receive the active peer's records (dropping an unconfirmed tail it lacks); report SYNC_COMPLETE. */
    BEGIN_SYNC_AS_TARGET,
    /** Stop sending or receiving replication. */
    STOP_REPLICATION,
    /** Send the current and previous state, repository position and confirmed position to the peer. */
    BROADCAST_STATE,
    /** Switchover: wait for the passive to confirm every record written so far; report PEER_CONFIRMED. */
    BEGIN_HANDOVER,
    /** Shared mode: restore the broker from the (fenced) shared store without opening the client port; report SERVICES_READY. */
    PREPARE_SERVICES
}
