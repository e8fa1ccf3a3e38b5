package io.fmq.ha.state;

import java.util.Objects;

/**
 * Everything one step of {@link HaStateMachine#next} looks at.
 *
 * @param status             the machine's state from the previous decision ({@link HaStatus#NOT_STARTED} at first)
 * @param event              what just happened
 * @param nowNanos           the monotonic ticker's reading (never a wall clock)
 * @param peer               what is known of the peer
 * @param lock               what is known of the lock
 * @param gatewayReachable   the last gateway check succeeded
 * @param ownPosition        where this server's store ends (last record, contiguous)
 */
public record HaInputs(
        HaStatus status,
        HaEvent event,
        long nowNanos,
        PeerView peer,
        LockView lock,
        boolean gatewayReachable,
        RepositoryPosition ownPosition) {

    public HaInputs {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(lock, "lock");
        Objects.requireNonNull(ownPosition, "ownPosition");
    }
}
