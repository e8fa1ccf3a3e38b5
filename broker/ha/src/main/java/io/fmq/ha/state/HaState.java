package io.fmq.ha.state;

/**
 * The states of a server of an HA pair, as DESIGN §5 reads the vendor guide: replicated mode uses WAITING,
 * ACTIVE_SYNC, PASSIVE_SYNC, ACTIVE, PASSIVE and STANDALONE; shared mode ACTIVATING, ACTIVE and PASSIVE.
 * {@link #DEAD} never describes this server: it is how a server shows a peer that is not there.
 */
public enum HaState {
    /** Waiting for the peer or for the lock; serves no clients. Every server starts here. */
    WAITING,
    /** Serving clients while bringing the passive peer up to date. */
    ACTIVE_SYNC,
    /** Being brought up to date by the active peer; serves no clients. */
    PASSIVE_SYNC,
    /** Serving clients; replicated: every change is stored by the passive peer before it is confirmed; shared: the one writer of the store. */
    ACTIVE,
    /** Hot standby: stores every change the active peer sends (replicated), or watches it (shared); serves no clients. */
    PASSIVE,
    /** Shared mode: holds the lock and has fenced the shared store; its services are starting; serves no clients yet. */
    ACTIVATING,
    /** Serving clients without a peer; changes are confirmed once stored here alone. */
    STANDALONE,
    /** Only for the peer: not running or not reachable. */
    DEAD;

    /** Whether a server in this state accepts client connections. */
    public boolean acceptsClients() {
        return this == ACTIVE || this == ACTIVE_SYNC || this == STANDALONE;
    }

    /** Whether a server in this state stores what an active peer replicates to it. */
    public boolean isPassiveRole() {
        return this == PASSIVE || this == PASSIVE_SYNC;
    }
}
