package io.fmq.server.ha.sim;

import io.fmq.ha.gateway.GatewayStatus;
import io.fmq.ha.lock.InMemoryHaLock;
import io.fmq.ha.lock.LockOwner;
import io.fmq.ha.state.HaState;
import io.fmq.ha.state.HaStateMachine;
import io.fmq.ha.state.SharedHaStateMachine;
import io.fmq.server.ConsoleLog;
import io.fmq.server.ha.HaController;
import java.util.Map;

/**
 * One simulated server: a production {@link HaController} over the simulation's parts (in-memory channel end, lock
 * path, gateway path, store, serving role, manual executor, shared ticker), with the replicated or the shared
 * state machine. The store survives a kill; a restart
 * is a new process with a new controller, lock handle and executor.
 */
final class SimNode {
    private static final Map<String, String> PAIR_SETTINGS = Map.of("FMQGroup.LockFile", "sim.lck");

    final int index;
    final String name;
    final boolean primary;
    final SimNodeStore store;
    private final PairWorld world;
    /** Shared mode: client changes that reached the process while it was paused, handled when it runs again. */
    final java.util.ArrayDeque<Long> inbox = new java.util.ArrayDeque<>();

    private int pid;
    private boolean alive;
    private long pausedUntil = Long.MIN_VALUE;
    private boolean serving;
    private String fatal;
    SimExecutor executor;
    HaController controller;
    SimLock lock;

    SimNode(PairWorld world, int index) {
        this.world = world;
        this.index = index;
        this.primary = index == 0;
        this.name = primary ? "primary" : "secondary";
        this.store = world.newStore(index);
    }

    void start() {
        pid++;
        executor = new SimExecutor(world::now);
        lock = new SimLock(new InMemoryHaLock(world.lockFile(), new LockOwner(name, "host-" + name, pid), world.clock()),
                () -> world.lockCut(index), world.localLock());
        serving = false;
        SimExecutor restoreOn = executor;
        HaController.ServingRole role = new HaController.ServingRole() {
            @Override
            public java.util.concurrent.CompletableFuture<Restored> restore() {
                if (store instanceof SharedSimStore.Handle h && !h.writing()) {
                    // as the server's: the broker is restored from the journal the controller opened
                    return java.util.concurrent.CompletableFuture.failedFuture(new java.io.IOException("the journal is not open"));
                }
                // the broker's restore takes a while on its own thread, which stalls and dies with its server
                java.util.concurrent.CompletableFuture<Restored> done = new java.util.concurrent.CompletableFuture<>();
                Restored r = new Restored() {
                    @Override
                    public void open() {
                        serving = true;
                    }

                    @Override
                    public void discard() {
                    }
                };
                restoreOn.schedule(() -> done.complete(r), world.restoreNanos());
                return done;
            }

            @Override
            public void stop() {
                serving = false;
            }
        };
        HaController.Parts parts = new HaController.Parts(lock,
                () -> world.gatewayCut(index) ? GatewayStatus.unreachable("simulated cut") : GatewayStatus.reachable("simulated"),
                store, role, executor, world::now, world.clock(), world.takeoverRule());
        controller = new HaController(new HaController.Identity(primary ? "Primary" : "Secondary", primary, name, PAIR_SETTINGS),
                world.shared() ? new SharedHaStateMachine(world.timings()) : new HaStateMachine(world.timings(), primary), parts, new ConsoleLog(), m -> fatal = m, (from, to, cause) -> {
                });
        world.network().endpoint(index).attach(controller, controller::hello);
        alive = true;
        pausedUntil = Long.MIN_VALUE;
        controller.start();
    }

    /** kill -9: the process is gone; the store keeps what it had written. */
    void kill() {
        alive = false;
        serving = false;
        inbox.clear();
        executor.shutdown();
        world.network().endpoint(index).processDied();
        store.crash();
    }

    int pid() {
        return pid;
    }

    boolean alive() {
        return alive;
    }

    boolean running() {
        return alive && world.now() >= pausedUntil;
    }

    boolean paused() {
        return alive && world.now() < pausedUntil;
    }

    void pauseUntil(long nanos) {
        pausedUntil = nanos;
    }

    void resume() {
        pausedUntil = Long.MIN_VALUE;
    }

    /** Judged as production judges it: the acceptor is open and its own serving lease has not run out. */
    boolean accepting() {
        return alive && serving && controller.mayConfirm();
    }

    boolean serving() {
        return alive && serving;
    }

    String fatal() {
        return fatal;
    }

    HaState state() {
        return alive ? controller.state() : HaState.DEAD;
    }

    @Override
    public String toString() {
        return name + "[" + (alive ? (paused() ? "paused " : "") + controller.state() : "dead") + " store " + store.position()
                + (serving ? " serving" : "") + "]";
    }
}
