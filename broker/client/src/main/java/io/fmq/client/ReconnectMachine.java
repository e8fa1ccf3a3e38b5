package io.fmq.client;

/**
 * The state of a durable connection's link and what to do next, as a pure machine over events with the time passed
 * in (no clock, no I/O, no threads): the connection feeds it what happened (the link was lost, an attempt connected
 * or failed, restoring failed, the outbox is sent) and carries out what it answers (try server {@code i} after
 * {@code d} ms, or give up). {@link ReconnectPlan} gives the order of servers and the backoff; this class keeps
 * the state, the server in use, the attempt count and when the outage began. Not thread-safe: its owner calls it
 * under one lock (DurableLink's).
 */
final class ReconnectMachine {
    enum State { RESTORING, ONLINE, DISCONNECTED, FAILED, CLOSED }

    /** What to do after a step: nothing, try a server after a delay, or give up (the reconnect timeout ran out). */
    record Next(Kind kind, int attempt, int serverIndex, long delayMillis) {
        enum Kind { NOTHING, ATTEMPT, GIVE_UP }

        static final Next NOTHING = new Next(Kind.NOTHING, -1, -1, 0);
    }

    private final ReconnectPlan plan;
    private final int serverCount;
    private State state = State.RESTORING;
    private int serverIndex;
    private int previousIndex;
    private int attempt;
    private long outageStart;
    private boolean inOutage;

    ReconnectMachine(ReconnectPlan plan, int serverCount) {
        if (serverCount < 1) {
            throw new IllegalArgumentException("a connection needs at least one server");
        }
        this.plan = plan;
        this.serverCount = serverCount;
    }

    State state() {
        return state;
    }

    int serverIndex() {
        return serverIndex;
    }

    /** The server in use before the last successful reconnect. */
    int previousIndex() {
        return previousIndex;
    }

    /** The first connection went to server {@code index} (before going online). */
    void firstConnected(int index) {
        serverIndex = index;
        previousIndex = index;
    }

    /** The link in use broke. Returns false when that changes nothing (already disconnected, failed or closed). */
    boolean lost(long now) {
        if (state != State.ONLINE && state != State.RESTORING) {
            return false;
        }
        startOutage(now);
        state = State.DISCONNECTED;
        attempt = 0;
        return true;
    }

    /** What to do next while disconnected: the next attempt, or give up once the reconnect timeout has passed. */
    Next next(long now) {
        if (state != State.DISCONNECTED) {
            return Next.NOTHING;
        }
        long remaining = plan.remainingMillis(now - outageStart);
        if (remaining <= 0) {
            state = State.FAILED;
            return new Next(Next.Kind.GIVE_UP, attempt, -1, 0);
        }
        int a = attempt++;
        // the last attempt comes right at the timeout
        return new Next(Next.Kind.ATTEMPT, a, ReconnectPlan.serverFor(a, serverIndex, serverCount), Math.min(plan.delayMillis(a, serverCount), remaining));
    }

    /** Whether an attempt may still go ahead (nothing else re-established or ended the link meanwhile). */
    boolean attemptWanted() {
        return state == State.DISCONNECTED;
    }

    /** An attempt connected to server {@code index}; returns false when it is not wanted (then abandon it). */
    boolean connected(int index) {
        if (state != State.DISCONNECTED) {
            return false;
        }
        state = State.RESTORING;
        previousIndex = serverIndex;
        serverIndex = index;
        return true;
    }

    /** Restoring the sessions or sending the outbox failed on the new link; returns whether to look again. */
    boolean restoreFailed(long now) {
        if (state != State.RESTORING) {
            return false;
        }
        startOutage(now);
        state = State.DISCONNECTED;
        return true;
    }

    /** The outbox is sent: the link is online again. Returns false when it was not restoring. */
    boolean online() {
        if (state != State.RESTORING) {
            return false;
        }
        state = State.ONLINE;
        inOutage = false;
        return true;
    }

    /** The application closed the connection. Returns false if it was closed already. */
    boolean close() {
        if (state == State.CLOSED) {
            return false;
        }
        state = State.CLOSED;
        return true;
    }

    private void startOutage(long now) {
        if (!inOutage) {
            inOutage = true;
            outageStart = now;
        }
    }
}
