package io.fmq.server.broker;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flow control by memory: the bytes of messages the broker holds and the confirmations held back while that is over
 * the limit. The count and the waiters are changed on the broker's thread only; {@link #available()} may be asked on
 * any thread (it reads the count, and hands a registration to the broker's thread when over the limit).
 */
final class MemoryBudget {
    private static final Logger LOG = LoggerFactory.getLogger(MemoryBudget.class);
    /** Producers held back by the memory limit resume once usage is below this share of it. */
    private static final double RESUME_RATIO = 0.8;
    static final CompletableFuture<Void> AVAILABLE = CompletableFuture.completedFuture(null);

    private final Broker broker;
    private final long limit;
    /** The count, broker's thread only. */
    private long count;
    /** The count as other threads read it: written (without a fence) by the broker's thread after each change. */
    private final AtomicLong used = new AtomicLong();
    /** Broker's thread only. */
    private final List<CompletableFuture<Void>> waiters = new ArrayList<>();

    MemoryBudget(Broker broker, long limit) {
        this.broker = broker;
        this.limit = limit;
    }

    long used() {
        return used.get();
    }

    /** A queue's holding changed by {@code delta} bytes (broker's thread). */
    void changed(long delta) {
        long now = count += delta;
        used.lazySet(now);
        if (delta < 0 && now <= broker.pager.readBackLimit() && broker.pager.waiting()) {
            broker.execute(broker.pager::memoryFreed); // not from inside the queue that is changing
        }
        if (delta < 0 && !waiters.isEmpty() && now <= limit * RESUME_RATIO) {
            List<CompletableFuture<Void>> ready = new ArrayList<>(waiters);
            waiters.clear();
            LOG.info("Memory use down to {} KB: {} held-back confirmation(s) released", now / 1024, ready.size());
            // completed in a task of their own: the waiters write to client channels
            broker.execute(() -> ready.forEach(f -> f.complete(null)));
        }
    }

    /**
     * Completes when the broker holds less than its memory limit: at once normally, later while producers have filled
     * it. A client connection holds back a send's or commit's confirmation on it, which stops the producer (its window
     * of unconfirmed sends fills) while consumers and their acknowledgements go on.
     */
    CompletableFuture<Void> available() {
        if (used.get() <= limit) {
            return AVAILABLE;
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        broker.execute(() -> {
            if (used.get() <= limit) {
                f.complete(null);
                return;
            }
            if (waiters.isEmpty()) {
                LOG.warn("Memory limit reached: the broker holds {} KB of messages (limit {} KB, MemoryLimitMB); producers wait "
                        + "until consumers catch up", used.get() / 1024, limit / 1024);
            }
            waiters.add(f);
        });
        return f;
    }
}
