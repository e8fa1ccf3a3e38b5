package io.fmq.server.ha.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.fmq.server.ha.HaController;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The production HA controllers of a pair, run by the seeded simulation ({@link PairWorld}) with every fault, the
 * invariants checked after every step and a full heal at the end. A failing seed prints the command that replays
 * it and the last log lines of both servers.
 */
class ControllerSimulationTest {
    /** Seeds per run; more or fewer with -Dfmq.sim.seeds=N. */
    private static final int SEEDS = Integer.getInteger("fmq.sim.seeds", 10_000);
    private static final int STEPS = Integer.getInteger("fmq.sim.steps", 500);

    @BeforeAll
    static void captureLogs() {
        SimLog.install();
    }

    @AfterAll
    static void releaseLogs() {
        SimLog.uninstall();
    }

    @Test
    void randomSchedulesNeverBreakTheInvariants() throws Exception {
        Set<String> states = runSeeds("replicated", PairWorld::new).states();
        assertThat(states).as("states both servers went through").contains("primary:ACTIVE", "primary:PASSIVE",
                "primary:ACTIVE_SYNC", "primary:PASSIVE_SYNC", "primary:STANDALONE", "primary:WAITING",
                "secondary:ACTIVE", "secondary:PASSIVE", "secondary:ACTIVE_SYNC", "secondary:PASSIVE_SYNC",
                "secondary:STANDALONE", "secondary:WAITING");
    }

    /**
     * Shared pairs (one store both open, on the storage path of the lock) with the same faults and invariants, plus:
     * a record a stale writer wrote after a newer epoch fenced it off is never read back.
     */
    @Test
    void sharedPairsNeverBreakTheInvariants() throws Exception {
        Totals totals = runSeeds("shared", seed -> PairWorld.shared(seed, true));
        Set<String> states = totals.states();
        // the schedules must make stale writers write, or the fence is not tried
        assertThat(totals.staleWrites()).as("writes by stale writers over all seeds").isGreaterThan(SEEDS / 100L);
        assertThat(states).as("states both servers went through").contains("primary:ACTIVE", "primary:PASSIVE",
                "primary:ACTIVATING", "secondary:ACTIVE", "secondary:PASSIVE", "secondary:ACTIVATING");
    }

    private record Totals(Set<String> states, long staleWrites) {
    }

    private static Totals runSeeds(String mode, java.util.function.LongFunction<PairWorld> make) throws Exception {
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong epochs = new AtomicLong();
        AtomicLong convergences = new AtomicLong();
        AtomicLong stale = new AtomicLong();
        java.util.concurrent.atomic.AtomicBoolean failed = new java.util.concurrent.atomic.AtomicBoolean();
        Set<String> states = java.util.Collections.synchronizedSet(new TreeSet<>());
        int threads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> parts = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t + 1;
                parts.add(pool.submit(() -> {
                    for (long seed = first; seed <= SEEDS && !failed.get(); seed += threads) {
                        PairWorld w;
                        try {
                            w = run(seed, make);
                        } catch (AssertionError e) {
                            failed.set(true);
                            throw e;
                        }
                        acknowledged.addAndGet(w.acknowledged());
                        epochs.addAndGet(w.maxEpoch());
                        convergences.addAndGet(w.convergences());
                        stale.addAndGet(w.staleWrites());
                        states.addAll(w.statesSeen());
                    }
                    return null;
                }));
            }
            for (Future<?> f : parts) {
                try {
                    f.get(30, TimeUnit.MINUTES);
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof AssertionError a ? a : new AssertionError(e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.println("controller simulation (" + mode + "): " + SEEDS + " seeds x " + STEPS + " steps, " + acknowledged + " records acknowledged, "
                + epochs + " epochs, " + convergences + " heals converged, " + stale + " stale writes, states " + states);
        // the schedules must exercise the pair, not sit in WAITING
        assertThat(acknowledged.get()).as("records acknowledged over all seeds").isGreaterThan(SEEDS * 8L);
        assertThat(epochs.get()).as("epochs over all seeds").isGreaterThan(SEEDS * 2L);
        assertThat(convergences.get()).as("heals that converged").isGreaterThanOrEqualTo(SEEDS);
        return new Totals(states, stale.get());
    }

    /** Re-runs one seed: -Dfmq.sim.seed=N, and -Dfmq.sim.shared=true for a shared pair. */
    @Test
    void replay() {
        run(Long.getLong("fmq.sim.seed", 42L), Boolean.getBoolean("fmq.sim.shared") ? s -> PairWorld.shared(s, true) : PairWorld::new);
    }

    /**
     * A controller whose takeover rule counts any lost link as proof that the old active stopped serving (it skips
     * the R + 2T wait after a reset or silent link) is caught within the default seeds.
     */
    @Test
    void aControllerThatSkipsTheTakeoverWaitIsCaught() {
        HaController.TakeoverRule guess = (record, medium, sameFile, peer, goodbye) -> Optional.of("guess: the link is gone");
        for (long seed = 1; seed <= SEEDS; seed++) {
            try {
                run(seed, s -> new PairWorld(s, guess));
            } catch (AssertionError e) {
                assertThat(e.getMessage()).containsAnyOf("both servers accept clients", "without acknowledged record");
                System.out.println("planted bug (takeover without proof) caught by seed " + seed);
                return;
            }
        }
        fail("no seed of " + SEEDS + " caught a controller that skips the takeover wait");
    }

    /**
     * A shared store without the fence (no seals, no check before confirming, every segment read whole) is caught:
     * a server that wakes up after a takeover writes into the store, and that write is read back.
     */
    @Test
    void aSharedStoreWithoutTheFenceIsCaught() {
        for (long seed = 1; seed <= SEEDS; seed++) {
            try {
                run(seed, s -> PairWorld.shared(s, false));
            } catch (AssertionError e) {
                assertThat(e.getMessage()).containsAnyOf("stale writer", "without acknowledged record");
                System.out.println("planted bug (shared store without fence) caught by seed " + seed);
                return;
            }
        }
        fail("no seed of " + SEEDS + " caught a shared store without the fence");
    }

    static PairWorld run(long seed, java.util.function.LongFunction<PairWorld> make) {
        PairWorld w = make.apply(seed);
        int step = 0;
        try {
            w.startBoth();
            w.checkInvariants();
            for (step = 1; step <= STEPS; step++) {
                w.randomStep();
                w.checkInvariants();
            }
            step = STEPS + 1;
            w.healAndConverge();
        } catch (AssertionError | RuntimeException e) {
            List<String> lines = SimLog.lines();
            String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - Integer.getInteger("fmq.sim.tail", 80)), lines.size()));
            throw new AssertionError("seed " + seed + " failed at step " + step + ": " + e.getMessage() + "\n  replay: mvn -pl broker/server -am test "
                    + "-Dsurefire.failIfNoSpecifiedTests=false -Dtest=ControllerSimulationTest#replay -Dfmq.sim.seed=" + seed + (w.shared() ? " -Dfmq.sim.shared=true" : "") + "\n  " + w.describe() + "\n" + tail, e);
        }
        return w;
    }
}
