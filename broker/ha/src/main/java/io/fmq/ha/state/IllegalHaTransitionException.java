package io.fmq.ha.state;

/** A transition that DESIGN §5's table does not allow: always a bug in the caller or the machine. */
public final class IllegalHaTransitionException extends IllegalStateException {

    private final HaState from;
    private final HaState to;
    private final HaEvent event;

    public IllegalHaTransitionException(HaState from, HaState to, HaEvent event) {
        super("illegal HA transition from " + (from == null ? "(start)" : from) + " to " + to + " on " + event);
        this.from = from;
        this.to = to;
        this.event = event;
    }

    /** The state left, or {@code null} before START. */
    public HaState from() {
        return from;
    }

    public HaState to() {
        return to;
    }

    public HaEvent event() {
        return event;
    }
}
