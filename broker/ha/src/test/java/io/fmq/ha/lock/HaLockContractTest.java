package io.fmq.ha.lock;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link HaLock} contract, run against every implementation. Each subclass provides holders
 * that compete for one lock, and a way to take the lock away from its holder.
 */
abstract class HaLockContractTest {

    protected static final Clock FIXED_CLOCK = Clock.fixed(Instant.parse("2024-05-01T10:15:30.123Z"), ZoneOffset.UTC);

    private final List<HaLock> opened = new ArrayList<>();

    /** A new holder of the one lock under test, as a server with that name would open it. */
    protected abstract HaLock createHolder(LockOwner owner);

    /** Takes the lock away from whoever holds it, the way this kind of lock can lose it. */
    protected abstract void loseLock();

    protected final HaLock holder(String server) {
        HaLock lock = createHolder(new LockOwner(server, "host-" + server, 1000 + opened.size()));
        opened.add(lock);
        return lock;
    }

    @AfterEach
    void closeHolders() {
        opened.forEach(HaLock::close);
    }

    @Test
    void onlyOneHolderAtATime() {
        HaLock primary = holder("Primary");
        HaLock secondary = holder("Secondary");

        assertThat(primary.tryAcquire(1)).isTrue();
        assertThat(secondary.tryAcquire(1)).isFalse();
        assertThat(primary.verify()).isTrue();
        assertThat(secondary.verify()).isFalse();
        assertThat(secondary.isHeld()).isFalse();
    }

    @Test
    void releaseLetsTheOtherHolderAcquire() {
        HaLock primary = holder("Primary");
        HaLock secondary = holder("Secondary");
        assertThat(primary.tryAcquire(1)).isTrue();

        primary.release();

        assertThat(primary.isHeld()).isFalse();
        assertThat(primary.verify()).isFalse();
        assertThat(secondary.tryAcquire(2)).isTrue();
        assertThat(secondary.verify()).isTrue();
        assertThat(primary.tryAcquire(3)).isFalse();
    }

    @Test
    void holderCanAcquireAgainAfterReleasing() {
        HaLock primary = holder("Primary");
        assertThat(primary.tryAcquire(1)).isTrue();
        primary.release();

        assertThat(primary.tryAcquire(2)).isTrue();
        assertThat(primary.verify()).isTrue();
        assertThat(primary.lastHolder()).get().extracting(LockHolder::epoch).isEqualTo(2L);
    }

    @Test
    void acquiringWhileHoldingSucceedsAndRecordsTheNewEpoch() {
        HaLock primary = holder("Primary");
        assertThat(primary.tryAcquire(1)).isTrue();

        assertThat(primary.tryAcquire(7)).isTrue();

        assertThat(primary.verify()).isTrue();
        assertThat(primary.lastHolder()).get().extracting(LockHolder::epoch).isEqualTo(7L);
    }

    @Test
    void verifyFailsOnceTheLockIsLostAndTheOtherHolderCanTakeIt() {
        HaLock primary = holder("Primary");
        HaLock secondary = holder("Secondary");
        assertThat(primary.tryAcquire(1)).isTrue();

        loseLock();

        assertThat(primary.verify()).isFalse();
        assertThat(primary.isHeld()).isFalse();
        assertThat(secondary.tryAcquire(2)).isTrue();
        assertThat(secondary.verify()).isTrue();
        assertThat(primary.verify()).isFalse();
    }

    @Test
    void verifyWithoutHavingAcquiredIsFalse() {
        HaLock primary = holder("Primary");

        assertThat(primary.verify()).isFalse();
        assertThat(primary.isHeld()).isFalse();
    }

    @Test
    void releasingWithoutHoldingChangesNothing() {
        HaLock primary = holder("Primary");
        HaLock secondary = holder("Secondary");
        assertThat(primary.tryAcquire(1)).isTrue();

        secondary.release();
        secondary.release();

        assertThat(primary.verify()).isTrue();
        assertThat(secondary.tryAcquire(1)).isFalse();
    }

    @Test
    void closingReleasesTheLock() {
        HaLock primary = holder("Primary");
        HaLock secondary = holder("Secondary");
        assertThat(primary.tryAcquire(1)).isTrue();

        primary.close();

        assertThat(secondary.tryAcquire(2)).isTrue();
    }

    @Test
    void identityIsTheSameForEveryHolderAndAcrossReopening() {
        HaLock primary = holder("Primary");
        LockIdentity first = primary.identity();
        assertThat(primary.tryAcquire(1)).isTrue();
        primary.close();

        HaLock secondary = holder("Secondary");
        HaLock reopened = holder("Primary");

        assertThat(secondary.identity()).isEqualTo(first);
        assertThat(reopened.identity()).isEqualTo(first);
        assertThat(reopened.tryAcquire(2)).isTrue();
        assertThat(reopened.identity()).isEqualTo(first);
    }

    @Test
    void releaseAfterStoppingLeavesAReleaseRecordForTheEpochAndFreesTheLock() {
        HaLock primary = holder("Primary");
        HaLock secondary = holder("Secondary");
        assertThat(primary.tryAcquire(4)).isTrue();
        assertThat(secondary.lastHolder()).get().extracting(LockHolder::releasedAfterStopping).isEqualTo(false);
        Instant stopped = Instant.parse("2024-05-01T10:16:00.456Z");

        primary.releaseAfterStopping(stopped);

        assertThat(primary.isHeld()).isFalse();
        LockHolder recorded = secondary.lastHolder().orElseThrow();
        assertThat(recorded.owner().server()).isEqualTo("Primary");
        assertThat(recorded.epoch()).isEqualTo(4L);
        assertThat(recorded.releasedAfterStopping()).isTrue();
        assertThat(recorded.acceptorStoppedAt()).isEqualTo(stopped);
        assertThat(secondary.tryAcquire(5)).isTrue();
        assertThat(secondary.lastHolder()).get().extracting(LockHolder::releasedAfterStopping)
                .as("a new acquisition's record is not released").isEqualTo(false);
    }

    @Test
    void aPlainReleaseOrALostLockLeavesNoReleaseRecord() {
        HaLock primary = holder("Primary");
        HaLock secondary = holder("Secondary");
        assertThat(primary.tryAcquire(1)).isTrue();
        primary.release();
        assertThat(secondary.lastHolder()).get().extracting(LockHolder::releasedAfterStopping).isEqualTo(false);

        assertThat(primary.tryAcquire(2)).isTrue();
        loseLock();
        primary.releaseAfterStopping(Instant.parse("2024-05-01T10:17:00Z")); // can no longer prove it holds the lock
        assertThat(secondary.lastHolder().map(LockHolder::releasedAfterStopping).orElse(false)).isFalse();
    }

    @Test
    void lastHolderNamesWhoAcquiredAndStaysAfterRelease() {
        HaLock primary = holder("Primary");
        HaLock secondary = holder("Secondary");
        assertThat(secondary.lastHolder()).isEmpty();
        assertThat(primary.tryAcquire(5)).isTrue();

        primary.release();

        LockHolder recorded = secondary.lastHolder().orElseThrow();
        assertThat(recorded.owner().server()).isEqualTo("Primary");
        assertThat(recorded.owner().host()).isEqualTo("host-Primary");
        assertThat(recorded.epoch()).isEqualTo(5L);
        assertThat(recorded.acquiredAt()).isEqualTo(FIXED_CLOCK.instant());
    }

    @Test
    void concurrentAttemptsLetExactlyOneHolderWin() throws Exception {
        int contenders = 8;
        List<HaLock> holders = new ArrayList<>();
        for (int i = 0; i < contenders; i++) {
            holders.add(holder("Server" + i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(contenders);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            for (HaLock lock : holders) {
                results.add(pool.submit(() -> {
                    start.await();
                    return lock.tryAcquire(1);
                }));
            }
            start.countDown();
            int winners = 0;
            for (Future<Boolean> result : results) {
                winners += result.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
            assertThat(holders.stream().filter(HaLock::verify).count()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }
}
