package io.fmq.ha.lock;

import java.util.Optional;

/**
 * Whether a new lock holder may serve at once, or must first wait out the previous holder's serving lease
 * (R + 2T, see the safety argument of {@code HaStateMachine}). A pure function of what the new holder knows;
 * it answers with the proof it found, or empty when there is none — and then the holder waits.
 *
 * <p>The proofs, each the previous holder's own act or a property of the lock medium, never an inference:
 * <ol>
 *   <li>the holder record (read before this acquisition overwrote it) is a release record: its holder marked it
 *       released after stopping its acceptor;</li>
 *   <li>the peer named in the record said goodbye on the HA channel for that record's epoch or a later one (sent
 *       after stopping its acceptor);</li>
 *   <li>the lock cannot be lost by a living holder ({@link HaLock#acquisitionProvesHolderGone()}) and the proof
 *       speaks of this very lock file, not of one that replaced it (a server holding a lock on a deleted or replaced
 *       file notices only at its next check): there is a holder record, or the file still has the identity this
 *       server found when it started — then nobody ever held this file, and a replaced file would have another
 *       identity.</li>
 * </ol>
 * An unreadable record, an empty record in a file whose identity changed, a reset or silent link and a peer's last
 * status prove nothing.
 */
public final class TakeoverProof {
    private TakeoverProof() {
    }

    /**
     * @param lastRecord               the holder record before this acquisition; empty when there was none or it could
     *                                 not be read (a damaged record must be passed as empty with sameFileSinceStart false)
     * @param mediumProvesHolderGone   {@link HaLock#acquisitionProvesHolderGone()} of the lock
     * @param peerName                 the peer's server name ("" when never linked)
     * @param peerGoodbyeEpoch         the highest epoch the peer said goodbye for on the HA channel (-1 for none)
     * @param sameFileSinceStart       the lock file's identity is the one this server read when it started (only
     *                                 used when there is no record)
     * @return the proof that the previous holder no longer serves, or empty: wait
     */
    public static Optional<String> find(Optional<LockHolder> lastRecord, boolean mediumProvesHolderGone, boolean sameFileSinceStart,
                                        String peerName, long peerGoodbyeEpoch) {
        if (lastRecord.isEmpty()) {
            return mediumProvesHolderGone && sameFileSinceStart
                    ? Optional.of("the lock file on a local disk was never held and is the one this server found at start")
                    : Optional.empty();
        }
        LockHolder holder = lastRecord.get();
        if (holder.releasedAfterStopping()) {
            return Optional.of("the lock's record says " + holder.owner().server() + " released it after its acceptor stopped at "
                    + holder.acceptorStoppedAt() + " (epoch " + holder.epoch() + ")");
        }
        if (peerGoodbyeEpoch >= 0 && peerGoodbyeEpoch >= holder.epoch() && holder.owner().server().equals(peerName)) {
            return Optional.of("the peer " + peerName + " said goodbye for epoch " + peerGoodbyeEpoch);
        }
        if (mediumProvesHolderGone) {
            return Optional.of("the lock is a POSIX lock on a local disk: " + holder.owner().server() + " released it or ended");
        }
        return Optional.empty();
    }
}
