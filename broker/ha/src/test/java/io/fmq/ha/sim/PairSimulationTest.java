package io.fmq.ha.sim;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Random schedules of partitions, gateway loss, kills, restarts, stalls and client writes, with the
 * invariants checked after every step. A failure names its seed; {@link #replay} reruns one seed.
 */
class PairSimulationTest {

    /** Seeds per run; more with -Dfmq.sim.seeds=N. */
    private static final int SEEDS = Integer.getInteger("fmq.sim.seeds", 2_000);
    private static final int STEPS = 300;
    private static final Pattern TRANSITION = Pattern.compile(": ([A-Z_]+ -> [A-Z_]+):");
    private static final List<Duration> LOCK_LEASES = List.of(Duration.ofMillis(500), Duration.ofSeconds(3),
            Duration.ofSeconds(8));

    @Test
    void randomSchedulesNeverBreakTheInvariants() {
        long acknowledged = 0;
        long epochs = 0;
        Map<String, Integer> transitions = new TreeMap<>();
        for (long seed = 1; seed <= SEEDS; seed++) {
            PairSimulation simulation = run(seed);
            acknowledged += simulation.acknowledgedCount();
            epochs += simulation.maxEpochIssued();
            for (String line : simulation.logs()) {
                Matcher transition = TRANSITION.matcher(line);
                if (transition.find()) {
                    transitions.merge(transition.group(1), 1, Integer::sum);
                }
            }
        }
        System.out.println("pair simulation: " + SEEDS + " seeds x " + STEPS + " steps, " + acknowledged
                + " records acknowledged, transitions " + transitions);
        // The schedules must actually exercise the pair, not sit in WAITING.
        assertThat(acknowledged).as("records acknowledged over all seeds").isGreaterThan(SEEDS * 10L);
        assertThat(epochs).as("epochs issued over all seeds").isGreaterThan(SEEDS * 2L);
        assertThat(transitions).as("every row of the table is exercised").hasSize(15);
    }

    /** Re-runs one seed, e.g. after a failure of the test above. */
    @Test
    void replay() {
        run(Long.getLong("fmq.sim.seed", 42L));
    }

    private static PairSimulation run(long seed) {
        Random random = new Random(seed);
        PairSimulation simulation = new PairSimulation(LOCK_LEASES.get(random.nextInt(LOCK_LEASES.size())));
        int step = 0;
        try {
            simulation.startBoth();
            simulation.checkInvariants();
            for (step = 1; step <= STEPS; step++) {
                simulation.randomStep(random);
                simulation.checkInvariants();
            }
        } catch (AssertionError | RuntimeException e) {
            List<String> logs = simulation.logs();
            String tail = String.join("\n", logs.subList(Math.max(0, logs.size() - 60), logs.size()));
            fail("seed " + seed + " failed at step " + step + " (rerun with -Dfmq.sim.seed=" + seed
                    + " -Dtest=PairSimulationTest#replay): " + e + "\n" + simulation.describe() + "\n" + tail, e);
        }
        return simulation;
    }
}
