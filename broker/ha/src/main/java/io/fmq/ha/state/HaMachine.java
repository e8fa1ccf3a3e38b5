package io.fmq.ha.state;

/**
 * The decision core of one HA mode: a pure function from {@link HaInputs} to {@link HaDecision}
 * ({@link HaStateMachine} for replicated pairs, {@link SharedHaStateMachine} for shared ones). The controller
 * that feeds it events and carries out its actions is the same for both.
 */
public interface HaMachine {

    /** One step; see the implementations for the rows. */
    HaDecision next(HaInputs in);

    HaTimings timings();
}
