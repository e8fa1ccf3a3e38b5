package io.fmq.ha.state;

import java.util.Objects;

/**
 * What this server knows of its peer: whether the HA link is up, and the peer's last state
 * broadcast. When the link is down the broadcast fields keep the last values received (a display
 * may show the peer as DEAD); a peer never heard from has {@link HaState#DEAD}.
 *
 * @param linkUp    the HA link is up and the peer's state has arrived over it (the handshake carries
 *                  the first broadcast), so the fields below are current; until then a new link counts
 *                  as down and the fields describe the peer as last heard
 * @param current   the peer's state in its last broadcast
 * @param previous  the state the peer was in before that
 * @param position  where the peer's store ended
 * @param confirmed the last record the peer confirmed to any client
 */
public record PeerView(boolean linkUp, HaState current, HaState previous,
                       RepositoryPosition position, RepositoryPosition confirmed) {

    /** A peer never heard from, link down. */
    public static final PeerView UNKNOWN =
            new PeerView(false, HaState.DEAD, HaState.DEAD, RepositoryPosition.EMPTY, RepositoryPosition.EMPTY);

    public PeerView {
        Objects.requireNonNull(current, "current");
        Objects.requireNonNull(previous, "previous");
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(confirmed, "confirmed");
    }

    public PeerView withLink(boolean up) {
        return new PeerView(up, current, previous, position, confirmed);
    }

    /** The view after a broadcast arrived over a live link. */
    public PeerView withBroadcast(HaState peerCurrent, HaState peerPrevious,
                                  RepositoryPosition peerPosition, RepositoryPosition peerConfirmed) {
        return new PeerView(true, peerCurrent, peerPrevious, peerPosition, peerConfirmed);
    }
}
