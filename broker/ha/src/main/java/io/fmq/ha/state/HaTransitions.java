package io.fmq.ha.state;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import static io.fmq.ha.state.HaState.ACTIVE;
import static io.fmq.ha.state.HaState.ACTIVE_SYNC;
import static io.fmq.ha.state.HaState.PASSIVE;
import static io.fmq.ha.state.HaState.PASSIVE_SYNC;
import static io.fmq.ha.state.HaState.STANDALONE;
import static io.fmq.ha.state.HaState.WAITING;

/**
 * The legal transitions of DESIGN §5 as data (the table with its conditions is in
 * {@link HaStateMachine}'s Javadoc). Staying in a state is not a transition. Two transitions are
 * tied to one event: finishing a synchronisation needs SYNC_COMPLETE, and leaving "(start)" needs
 * START; every other legal transition is decided by conditions and may follow any event.
 */
public final class HaTransitions {

    private static final Map<HaState, Set<HaState>> TARGETS = new EnumMap<>(HaState.class);

    static {
        TARGETS.put(WAITING, EnumSet.of(PASSIVE_SYNC, ACTIVE_SYNC, STANDALONE));
        TARGETS.put(STANDALONE, EnumSet.of(ACTIVE_SYNC, WAITING));
        TARGETS.put(ACTIVE_SYNC, EnumSet.of(ACTIVE, STANDALONE, WAITING));
        TARGETS.put(ACTIVE, EnumSet.of(STANDALONE, WAITING));
        TARGETS.put(PASSIVE_SYNC, EnumSet.of(PASSIVE, STANDALONE, WAITING));
        TARGETS.put(PASSIVE, EnumSet.of(STANDALONE, WAITING));
        TARGETS.put(HaState.DEAD, EnumSet.noneOf(HaState.class));
    }

    private HaTransitions() {
    }

    /**
     * Checks one transition against the table.
     *
     * @param from  the state left, or {@code null} for "(start)"
     * @throws IllegalHaTransitionException naming from-state, to-state and event when not in the table
     */
    public static void check(HaState from, HaState to, HaEvent event) {
        if (!isLegal(from, to, event)) {
            throw new IllegalHaTransitionException(from, to, event);
        }
    }

    public static boolean isLegal(HaState from, HaState to, HaEvent event) {
        if (from == null) {
            return to == WAITING && event == HaEvent.START;
        }
        if (event == HaEvent.START) {
            return false;
        }
        if (!TARGETS.get(from).contains(to)) {
            return false;
        }
        boolean finishesSync = (from == ACTIVE_SYNC && to == ACTIVE) || (from == PASSIVE_SYNC && to == PASSIVE);
        return !finishesSync || event == HaEvent.SYNC_COMPLETE;
    }
}
