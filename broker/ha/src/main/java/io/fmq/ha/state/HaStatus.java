package io.fmq.ha.state;

/**
 * The state machine's own immutable state: the HA state plus the instants its timeouts count from.
 * The controller keeps the latest one (from {@link HaDecision#status()}) and passes it back in.
 * Instants are {@link System#nanoTime()}-style values; {@link #NONE} means "not set".
 *
 * @param started            START has been handled
 * @param state              the current state (WAITING before START, for display only)
 * @param previous           the state before the last transition
 * @param enteredAt          when the current state was entered
 * @param lastTickAt         when the last TICK arrived, to notice stalls
 * @param peerWaitUntil      WAITING without a link: when to stop waiting for the peer and go for the lock
 * @param lockAttemptUntil   passive states: set once the active peer is lost; the lock must be
 *                           obtained by then or the server goes back to WAITING
 * @param lockVerifiedAt     when the lock and gateway were last proven (acquisition or verification)
 * @param servingAllowedFrom the earliest instant this lock holder may serve, once any previous
 *                           holder's serving lease has certainly run out
 * @param syncDeadline       synchronising states: MaxWaitTimeout after entry or the last progress
 * @param peerJoined         since entering this state the peer was seen in the matching role
 *                           (serving, for a passive; passive, for an active), so its leaving it is a failure
 * @param handoverUntil      ACTIVE during a switchover: the acceptor is stopped and the passive has until then
 *                           (MaxWaitTimeout) to confirm every record before this server gives the role up
 * @param servicesReady      shared mode, ACTIVATING: the broker is restored and waits for the port to open
 */
public record HaStatus(
        boolean started,
        HaState state,
        HaState previous,
        long enteredAt,
        long lastTickAt,
        long peerWaitUntil,
        long lockAttemptUntil,
        long lockVerifiedAt,
        long servingAllowedFrom,
        long syncDeadline,
        boolean peerJoined,
        long handoverUntil,
        boolean servicesReady) {

    public static final long NONE = Long.MIN_VALUE;

    /** The status before START. */
    public static final HaStatus NOT_STARTED =
            new HaStatus(false, HaState.WAITING, HaState.DEAD, NONE, NONE, NONE, NONE, NONE, NONE, NONE, false, NONE, false);

    /** Whether this server may accept and confirm client work at {@code nowNanos}. */
    public boolean acceptsClientsAt(long nowNanos, HaTimings timings) {
        long until = acceptClientsUntil(timings);
        return until != NONE && nowNanos - until < 0;
    }

    /**
     * The end of this server's serving lease: the acceptor must refuse to confirm client work
     * from this instant on, even if the controller has not yet handled a step-down (a stalled
     * controller thread must not extend it). {@link #NONE} when not in a serving state.
     */
    public long acceptClientsUntil(HaTimings timings) {
        if (!started || !state.acceptsClients() || lockVerifiedAt == NONE || handoverUntil != NONE) {
            return NONE;
        }
        return lockVerifiedAt + timings.servingLeaseNanos();
    }

    HaStatus enter(HaState next, long now) {
        return new HaStatus(true, next, state, now, lastTickAt, NONE, NONE, lockVerifiedAt, servingAllowedFrom,
                NONE, false, NONE, false);
    }

    HaStatus withLastTickAt(long at) {
        return new HaStatus(started, state, previous, enteredAt, at, peerWaitUntil, lockAttemptUntil,
                lockVerifiedAt, servingAllowedFrom, syncDeadline, peerJoined, handoverUntil, servicesReady);
    }

    HaStatus withPeerWaitUntil(long at) {
        return new HaStatus(started, state, previous, enteredAt, lastTickAt, at, lockAttemptUntil,
                lockVerifiedAt, servingAllowedFrom, syncDeadline, peerJoined, handoverUntil, servicesReady);
    }

    HaStatus withLockAttemptUntil(long at) {
        return new HaStatus(started, state, previous, enteredAt, lastTickAt, peerWaitUntil, at,
                lockVerifiedAt, servingAllowedFrom, syncDeadline, peerJoined, handoverUntil, servicesReady);
    }

    HaStatus withLock(long verifiedAt, long allowedFrom) {
        return new HaStatus(started, state, previous, enteredAt, lastTickAt, peerWaitUntil, lockAttemptUntil,
                verifiedAt, allowedFrom, syncDeadline, peerJoined, handoverUntil, servicesReady);
    }

    /** The lock proven again at {@code proof}; a late event with an older proof never moves the last proof back. */
    HaStatus withLockProof(long proof) {
        return withLock(lockVerifiedAt == NONE ? proof : Math.max(proof, lockVerifiedAt), servingAllowedFrom);
    }

    HaStatus withSyncDeadline(long at) {
        return new HaStatus(started, state, previous, enteredAt, lastTickAt, peerWaitUntil, lockAttemptUntil,
                lockVerifiedAt, servingAllowedFrom, at, peerJoined, handoverUntil, servicesReady);
    }

    HaStatus withHandoverUntil(long at) {
        return new HaStatus(started, state, previous, enteredAt, lastTickAt, peerWaitUntil, lockAttemptUntil,
                lockVerifiedAt, servingAllowedFrom, syncDeadline, peerJoined, at, servicesReady);
    }

    HaStatus withServicesReady() {
        return new HaStatus(started, state, previous, enteredAt, lastTickAt, peerWaitUntil, lockAttemptUntil,
                lockVerifiedAt, servingAllowedFrom, syncDeadline, peerJoined, handoverUntil, true);
    }

    HaStatus withPeerJoined() {
        return new HaStatus(started, state, previous, enteredAt, lastTickAt, peerWaitUntil, lockAttemptUntil,
                lockVerifiedAt, servingAllowedFrom, syncDeadline, true, handoverUntil, servicesReady);
    }
}
