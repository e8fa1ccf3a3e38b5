package io.fmq.ha.sim;

import java.time.Duration;

/** A monotonic ticker that moves only when a test advances it. */
final class ManualTicker {

    private long nanos;

    long nanos() {
        return nanos;
    }

    void advance(Duration by) {
        advanceNanos(by.toNanos());
    }

    void advanceNanos(long by) {
        if (by < 0) {
            throw new IllegalArgumentException("a monotonic ticker never goes back: " + by);
        }
        nanos += by;
    }
}
