package io.fmq.server.ha;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The HA controller's one thread: runs the tasks posted to it one at a time, in the order they were posted, and a
 * periodic task (the tick) on the controller's ticker. In a server it is a real thread
 * ({@link #newThread}); in the pair simulation a manual queue that the simulator runs, so a whole pair is
 * deterministic for a seed.
 */
public interface HaExecutor {

    /** Runs {@code task} after the tasks posted before it. Ignored once {@link #shutdown()} was called. */
    void execute(Runnable task);

    /** Runs {@code task} every {@code periodNanos}, the first time one period from now. */
    void scheduleAtFixedRate(Runnable task, long periodNanos);

    /** Whether the caller runs on this executor (the controller thread). */
    boolean inExecutor();

    /** Runs nothing more. */
    void shutdown();

    /** The production executor: one daemon-less thread named {@code name}. */
    static HaExecutor newThread(String name) {
        return new HaExecutor() {
            private volatile Thread thread;
            private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, name);
                thread = t;
                return t;
            });

            @Override
            public void execute(Runnable task) {
                if (!executor.isShutdown()) {
                    try {
                        executor.execute(task);
                    } catch (java.util.concurrent.RejectedExecutionException e) {
                        // shut down meanwhile
                    }
                }
            }

            @Override
            public void scheduleAtFixedRate(Runnable task, long periodNanos) {
                executor.scheduleAtFixedRate(task, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
            }

            @Override
            public boolean inExecutor() {
                return Thread.currentThread() == thread;
            }

            @Override
            public void shutdown() {
                executor.shutdownNow();
            }
        };
    }
}
