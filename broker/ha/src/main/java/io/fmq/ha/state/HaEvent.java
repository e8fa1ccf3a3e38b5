package io.fmq.ha.state;

/** What just happened, as reported by the controller to {@link HaStateMachine#next}. */
public enum HaEvent {
    /** The process started; only legal once, first. */
    START,
    /** Periodic tick, every {@link HaTimings#tickIntervalNanos()}; drives every timeout. */
    TICK,
    /** The HA link to the peer came up (handshake and settings check passed). */
    LINK_UP,
    /** The HA link broke or heartbeats stopped. */
    LINK_DOWN,
    /** A state broadcast from the peer arrived ({@link PeerView} holds it). */
    PEER_STATE_CHANGED,
    /** A {@link HaAction#TRY_ACQUIRE_LOCK} succeeded. */
    LOCK_ACQUIRED,
    /** A {@link HaAction#TRY_ACQUIRE_LOCK} failed: someone else holds it, or it is unreachable. */
    LOCK_UNAVAILABLE,
    /** A {@link HaAction#VERIFY_LOCK} proved the lock is still held and the gateway reachable. */
    LOCK_VERIFIED,
    /** A check could not prove the lock is still held. */
    LOCK_LOST,
    /** A gateway check failed: this server may be isolated. */
    GATEWAY_LOST,
    /** A gateway check succeeded after failing. */
    GATEWAY_RESTORED,
    /** Synchronisation moved forward (records transferred); restarts the MaxWaitTimeout bound. */
    SYNC_PROGRESS,
    /** Synchronisation finished: on the passive, it holds everything; on the active, the passive confirmed so. */
    SYNC_COMPLETE,
    /** An operator asked this server to hand the active role to its passive peer (JMX {@code switchover}). */
    SWITCHOVER_REQUESTED,
    /** During a switchover: the passive confirmed every record this server wrote before it stopped serving. */
    PEER_CONFIRMED,
    /** Shared mode: {@link HaAction#PREPARE_SERVICES} finished (the broker is restored from the shared store). */
    SERVICES_READY
}
