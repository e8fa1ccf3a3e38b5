package io.fmq.server.ha.sim;

import io.fmq.server.ha.HaExecutor;
import java.util.ArrayDeque;
import java.util.PriorityQueue;
import java.util.function.LongSupplier;

/**
 * The controller's "thread" in the simulation: a queue the simulator runs when the simulated server is running (not
 * killed, not paused). Timed tasks come due on the simulation's ticker; a periodic task that missed its times runs
 * once per missed period when the server runs again, as a {@code ScheduledThreadPoolExecutor} does after a stall.
 */
final class SimExecutor implements HaExecutor {
    private record Timed(long due, long order, Runnable task, long period) {
    }

    private final LongSupplier now;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private final PriorityQueue<Timed> timers = new PriorityQueue<>((a, b) -> a.due != b.due ? Long.compare(a.due, b.due)
            : Long.compare(a.order, b.order));
    private long order;
    private boolean shutdown;
    private boolean running;

    SimExecutor(LongSupplier now) {
        this.now = now;
    }

    @Override
    public void execute(Runnable task) {
        if (!shutdown) {
            tasks.add(task);
        }
    }

    @Override
    public void scheduleAtFixedRate(Runnable task, long periodNanos) {
        if (!shutdown) {
            timers.add(new Timed(now.getAsLong() + periodNanos, order++, task, periodNanos));
        }
    }

    /** Runs {@code task} once, {@code delayNanos} from now (the simulated restore thread, which stalls with its server). */
    void schedule(Runnable task, long delayNanos) {
        if (!shutdown) {
            timers.add(new Timed(now.getAsLong() + delayNanos, order++, task, 0));
        }
    }

    @Override
    public boolean inExecutor() {
        return running;
    }

    @Override
    public void shutdown() {
        shutdown = true;
        tasks.clear();
        timers.clear();
    }

    /** Whether a task is ready to run now. */
    boolean hasReady() {
        return !tasks.isEmpty() || !timers.isEmpty() && timers.peek().due <= now.getAsLong();
    }

    /** Runs up to {@code max} ready tasks (posted ones first, then those that came due); returns how many ran. */
    int runReady(int max) {
        int ran = 0;
        running = true;
        try {
            while (ran < max && !shutdown) {
                Runnable next = tasks.poll();
                if (next == null) {
                    Timed t = timers.peek();
                    if (t == null || t.due > now.getAsLong()) {
                        break;
                    }
                    timers.poll();
                    if (t.period > 0) {
                        timers.add(new Timed(t.due + t.period, order++, t.task, t.period));
                    }
                    next = t.task;
                }
                next.run();
                ran++;
            }
        } finally {
            running = false;
        }
        return ran;
    }
}
