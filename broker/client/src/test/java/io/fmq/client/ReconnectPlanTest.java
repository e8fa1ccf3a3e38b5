package io.fmq.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReconnectPlanTest {
    private final ReconnectPlan plan = new ReconnectPlan(Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofMinutes(5));

    @Test
    void firstAttemptGoesToTheOtherServerOfAPair() {
        assertEquals(1, ReconnectPlan.serverFor(0, 0, 2));
        assertEquals(0, ReconnectPlan.serverFor(0, 1, 2));
    }

    @Test
    void attemptsGoRoundTheListStartingAfterTheLostServer() {
        assertEquals(List.of("c", "a", "b"), ReconnectPlan.round(List.of("a", "b", "c"), 1));
        assertEquals(2, ReconnectPlan.serverFor(0, 1, 3));
        assertEquals(0, ReconnectPlan.serverFor(1, 1, 3));
        assertEquals(1, ReconnectPlan.serverFor(2, 1, 3));
        assertEquals(2, ReconnectPlan.serverFor(3, 1, 3));
    }

    @Test
    void aSingleServerIsTriedAgainAndAgain() {
        for (int a = 0; a < 10; a++) {
            assertEquals(0, ReconnectPlan.serverFor(a, 0, 1));
        }
    }

    @Test
    void firstAttemptIsImmediateThenTheWaitDoublesUpToTheMaximum() {
        assertEquals(0, plan.delayMillis(0));
        assertEquals(100, plan.delayMillis(1));
        assertEquals(200, plan.delayMillis(2));
        assertEquals(400, plan.delayMillis(3));
        assertEquals(1600, plan.delayMillis(5));
        assertEquals(2000, plan.delayMillis(6));
        assertEquals(2000, plan.delayMillis(1000)); // no overflow
    }

    @Test
    void withSeveralServersEachRoundTriesThemAllWithoutWaitingBetween() {
        // a pair: the other server, then the lost one at once; the backoff comes between rounds
        assertEquals(0, plan.delayMillis(0, 2));
        assertEquals(0, plan.delayMillis(1, 2));
        assertEquals(100, plan.delayMillis(2, 2));
        assertEquals(0, plan.delayMillis(3, 2));
        assertEquals(200, plan.delayMillis(4, 2));
        assertEquals(0, plan.delayMillis(5, 2));
        assertEquals(2000, plan.delayMillis(2000, 2)); // no overflow
        // three servers: rounds of three
        assertEquals(0, plan.delayMillis(2, 3));
        assertEquals(100, plan.delayMillis(3, 3));
        assertEquals(0, plan.delayMillis(4, 3));
        assertEquals(200, plan.delayMillis(6, 3));
        // one server: every attempt is a round of its own
        assertEquals(plan.delayMillis(5), plan.delayMillis(5, 1));
    }

    @Test
    void theTimeoutIsMeasuredFromTheLoss() {
        assertEquals(60_000, plan.remainingMillis(Duration.ofMinutes(4).toNanos()));
        assertEquals(0, plan.remainingMillis(Duration.ofMinutes(5).toNanos()));
        assertTrue(plan.remainingMillis(Duration.ofMinutes(6).toNanos()) < 0);
    }

    @Test
    void nonsenseSettingsAreRefusedWithTheValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ReconnectPlan(Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofMinutes(1)));
        assertTrue(e.getMessage().contains("PT3S"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ReconnectPlan(Duration.ofMillis(1), Duration.ofMillis(1), Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> ReconnectPlan.serverFor(0, 0, 0));
    }
}
