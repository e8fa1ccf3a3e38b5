package io.fmq.ha.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InMemoryHaLockTest extends HaLockContractTest {

    private InMemoryLockFile file;

    @BeforeEach
    void newLockFile() {
        file = new InMemoryLockFile("memory:pair-lock");
    }

    @Override
    protected HaLock createHolder(LockOwner owner) {
        return new InMemoryHaLock(file, owner, FIXED_CLOCK);
    }

    @Override
    protected void loseLock() {
        file.revoke();
    }

    @Test
    void unreachableLockCannotBeAcquiredNorVerified() {
        HaLock primary = holder("Primary");
        HaLock secondary = holder("Secondary");
        assertThat(primary.tryAcquire(1)).isTrue();

        file.setReachable(false);

        assertThat(primary.verify()).isFalse();
        assertThatThrownBy(() -> secondary.tryAcquire(2)).isInstanceOf(LockFileException.class).hasMessageContaining("unreachable");
        file.setReachable(true);
        // the release during the outage never reached the lock, as with a lease that has not expired
        assertThat(secondary.tryAcquire(2)).isFalse();
        file.revoke();
        assertThat(secondary.tryAcquire(2)).isTrue();
    }

    @Test
    void replacedLockFileHasANewIdentityAndTheHolderLosesIt() {
        HaLock primary = holder("Primary");
        LockIdentity before = primary.identity();
        assertThat(primary.tryAcquire(1)).isTrue();

        file.replace();

        assertThat(primary.verify()).isFalse();
        assertThat(primary.identity()).isNotEqualTo(before);
        assertThat(primary.lastHolder()).isEmpty();
    }

    @Test
    void currentHolderIsVisibleForAssertions() {
        HaLock primary = holder("Primary");
        assertThat(file.currentHolder()).isEmpty();

        assertThat(primary.tryAcquire(3)).isTrue();

        assertThat(file.currentHolder()).get().extracting(h -> h.owner().server()).isEqualTo("Primary");
        primary.release();
        assertThat(file.currentHolder()).isEmpty();
    }
}
