package io.fmq.ha.state;

import java.util.List;

/**
 * The outcome of one step: the machine's new state, what the controller must do (in order), and
 * why, in words for the log.
 *
 * @param status      pass it back in with the next event
 * @param actions     to carry out in order, on the controller's one thread
 * @param raisedEpoch the new epoch when {@code actions} contains {@link HaAction#RAISE_EPOCH}, else 0
 * @param cause       why the machine did what it did (or stayed put), for the log
 */
public record HaDecision(HaStatus status, List<HaAction> actions, long raisedEpoch, String cause) {

    public HaDecision {
        actions = List.copyOf(actions);
    }

    public HaState state() {
        return status.state();
    }

    /** Whether this decision changed the state (the log and the peer must hear of it). */
    public boolean transitioned(HaStatus before) {
        return !before.started() || before.state() != status.state();
    }
}
