package io.fmq.ha.lock;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TakeoverProofTest {
    static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
    static final LockHolder PRIMARY_EPOCH_4 = new LockHolder(new LockOwner("HAPrimary", "host-a", 42), 4, T);

    @Test
    void aReleaseRecordIsAProof() {
        assertThat(TakeoverProof.find(Optional.of(PRIMARY_EPOCH_4.released(T.plusSeconds(1))), false, false, "", -1)).isPresent();
    }

    @Test
    void aGoodbyeFromTheRecordedHolderForItsEpochIsAProof() {
        assertThat(TakeoverProof.find(Optional.of(PRIMARY_EPOCH_4), false, false, "HAPrimary", 4)).isPresent();
        assertThat(TakeoverProof.find(Optional.of(PRIMARY_EPOCH_4), false, false, "HAPrimary", 5)).isPresent();
    }

    @Test
    void aGoodbyeForAnOlderEpochOrFromAnotherServerIsNot() {
        assertThat(TakeoverProof.find(Optional.of(PRIMARY_EPOCH_4), false, false, "HAPrimary", 3)).isEmpty();
        assertThat(TakeoverProof.find(Optional.of(PRIMARY_EPOCH_4), false, false, "HASecondary", 9)).isEmpty();
        assertThat(TakeoverProof.find(Optional.of(PRIMARY_EPOCH_4), false, false, "HAPrimary", -1)).isEmpty();
    }

    @Test
    void aLocalPosixLockWithARecordIsAProof() {
        assertThat(TakeoverProof.find(Optional.of(PRIMARY_EPOCH_4), true, false, "", -1)).isPresent();
    }

    @Test
    void anEmptyOrUnreadableRecordIsNoProofUnlessTheLocalFileIsTheOneFoundAtStart() {
        assertThat(TakeoverProof.find(Optional.empty(), true, false, "HAPrimary", 9)).as("identity changed or unknown").isEmpty();
        assertThat(TakeoverProof.find(Optional.empty(), false, false, "", -1)).isEmpty();
        assertThat(TakeoverProof.find(Optional.empty(), false, true, "", -1)).as("a lock with a lease").isEmpty();
        assertThat(TakeoverProof.find(Optional.empty(), true, false, "HAPrimary", 9)).as("a replaced local file").isEmpty();
        assertThat(TakeoverProof.find(Optional.empty(), true, true, "", -1)).as("a never-held local file").isPresent();
    }

    @Test
    void aRecordThatWasNotReleasedOnALockWithALeaseIsNotAProof() {
        // the old active may be frozen or cut off from the lock while its lease runs out: wait it out
        assertThat(TakeoverProof.find(Optional.of(PRIMARY_EPOCH_4), false, false, "HAPrimary", -1)).isEmpty();
    }
}
