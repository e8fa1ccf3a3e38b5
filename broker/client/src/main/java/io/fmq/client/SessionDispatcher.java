package io.fmq.client;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * The delivery thread of one session: it alone calls the session's message listeners and completion listeners,
 * one callback at a time, so a callback never runs on the client's I/O thread and two callbacks of a session
 * never run at once.
 *
 * <p>Two queues, each kept in arrival order: messages for consumers with a listener (run only while the
 * connection is started) and completions of asynchronous sends (run whether or not the connection is started,
 * in the order the sends were made). Completions go first when both wait. The thread starts with the first
 * task and ends when the session closes.
 *
 * <p>Thread model: the queues are guarded by {@link #lock}; producers of tasks are the I/O thread (deliveries,
 * send confirmations) and application threads (a listener set on a consumer that has messages waiting); the
 * delivery thread takes them. {@link #current} names the kind of callback running, read by the session to refuse
 * the calls the specification forbids inside a callback.
 */
final class SessionDispatcher {
    /** What the delivery thread is running. */
    enum Callback { NONE, MESSAGE_LISTENER, COMPLETION_LISTENER }

    /** A message waiting for its consumer's listener. */
    record Pending(FmqMessageConsumer consumer, FmqMessage message) {
    }

    private final String threadName;
    private final java.util.function.BooleanSupplier started;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Pending> messages = new ArrayDeque<>();
    private final ArrayDeque<Runnable> completions = new ArrayDeque<>();
    private Thread thread;
    private boolean busy;
    private boolean closed;
    private volatile Callback current = Callback.NONE;

    SessionDispatcher(String threadName, java.util.function.BooleanSupplier started) {
        this.threadName = threadName;
        this.started = started;
    }

    void submit(FmqMessageConsumer consumer, FmqMessage message) {
        lock.lock();
        try {
            messages.add(new Pending(consumer, message));
            startOrSignal();
        } finally {
            lock.unlock();
        }
    }

    /** Runs a completion listener's callback on the delivery thread, after the ones submitted before it. */
    void submitCompletion(Runnable callback) {
        lock.lock();
        try {
            if (closed) {
                // the session is gone: tell the application anyway, on a thread of its own, never on the I/O thread
                Thread t = new Thread(callback, threadName + "-late");
                t.setDaemon(true);
                t.start();
                return;
            }
            completions.add(callback);
            startOrSignal();
        } finally {
            lock.unlock();
        }
    }

    /** Lock held. */
    private void startOrSignal() {
        if (thread == null && !closed) {
            thread = new Thread(this::loop, threadName);
            thread.setDaemon(true);
            thread.start();
        }
        changed.signalAll();
    }

    /** The connection started: waiting messages may go to their listeners. */
    void wakeUp() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Drops the waiting messages that match (they were only prefetched: the server delivers them again). */
    void dropMessages(Predicate<Pending> which) {
        lock.lock();
        try {
            for (Iterator<Pending> it = messages.iterator(); it.hasNext(); ) {
                if (which.test(it.next())) {
                    it.remove();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Takes out the waiting messages of one consumer (in order), e.g. when its listener is removed. */
    java.util.List<FmqMessage> takeMessages(FmqMessageConsumer consumer) {
        java.util.List<FmqMessage> taken = new java.util.ArrayList<>();
        lock.lock();
        try {
            for (Iterator<Pending> it = messages.iterator(); it.hasNext(); ) {
                Pending p = it.next();
                if (p.consumer() == consumer) {
                    taken.add(p.message());
                    it.remove();
                }
            }
        } finally {
            lock.unlock();
        }
        return taken;
    }

    boolean isDeliveryThread() {
        return Thread.currentThread() == thread;
    }

    /** The callback running now, when called from inside it (NONE from any other thread). */
    Callback callbackOfCurrentThread() {
        return isDeliveryThread() ? current : Callback.NONE;
    }

    /**
     * Waits until no message listener runs (for stop and close); completions may go on. Returns at once on the
     * delivery thread itself. Bounded by {@code timeoutMillis}.
     */
    void awaitListenerIdle(long timeoutMillis) {
        awaitIdle(false, timeoutMillis);
    }

    /** Waits until every submitted completion has run and no callback runs (for close). */
    void awaitCompletionsDone(long timeoutMillis) {
        awaitIdle(true, timeoutMillis);
    }

    private void awaitIdle(boolean completionsToo, long timeoutMillis) {
        if (isDeliveryThread()) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        lock.lock();
        try {
            while (busy && (completionsToo || current == Callback.MESSAGE_LISTENER) || completionsToo && !completions.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || thread == null) {
                    return;
                }
                changed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** Ends the delivery thread after the callback it runs (waiting messages are dropped). */
    void close() {
        lock.lock();
        try {
            closed = true;
            messages.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        while (true) {
            Runnable completion = null;
            Pending pending = null;
            lock.lock();
            try {
                while (true) {
                    if (!completions.isEmpty()) {
                        completion = completions.poll();
                        break;
                    }
                    if (closed) {
                        thread = null;
                        changed.signalAll();
                        return;
                    }
                    if (!messages.isEmpty() && started.getAsBoolean()) {
                        pending = messages.poll();
                        break;
                    }
                    // bounded, so a start that raced with the check above is seen within a second
                    changed.await(1, TimeUnit.SECONDS);
                }
                busy = true;
                current = completion != null ? Callback.COMPLETION_LISTENER : Callback.MESSAGE_LISTENER;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                lock.unlock();
            }
            try {
                if (completion != null) {
                    completion.run();
                } else {
                    pending.consumer().deliverToListener(pending.message());
                }
            } catch (RuntimeException e) {
                java.util.logging.Logger.getLogger(SessionDispatcher.class.getName()).warning("a callback of session thread "
                        + threadName + " threw " + e);
            } finally {
                lock.lock();
                try {
                    busy = false;
                    current = Callback.NONE;
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        }
    }
}
