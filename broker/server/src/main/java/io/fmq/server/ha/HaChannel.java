package io.fmq.server.ha;

import java.util.concurrent.CompletableFuture;

/**
 * The HA channel between the two servers of a pair, as the controller sees it: links that come and go, and the
 * frames they carry. {@link HaLinks} is the channel over TCP; the pair simulation has an in-memory one with the
 * faults a network has (partitions, delay, connections that reset or go silent).
 *
 * <p>A channel keeps at most one link up at a time. Within one link frames arrive in the order they were sent and
 * none is lost or duplicated (TCP); across links nothing is promised, so the controller checks each frame against
 * the link it holds.
 */
public interface HaChannel extends AutoCloseable {

    /** Why a link ended. */
    enum LossCause {
        /** The peer closed it or its process ended (the connection was closed or reset by the peer's side). */
        PEER_CLOSED,
        /** Nothing arrived for three ping intervals: the peer hangs or the network between us is cut. */
        HEARTBEAT_TIMEOUT,
        /** This server closed it (refusal, replacement by another link, shutdown). */
        LOCAL
    }

    /** One established connection to the peer. Its methods may be called from any thread. */
    interface Link {
        /** Sends a frame; the future completes once it is handed to the network. */
        CompletableFuture<Void> send(HaFrame frame);

        /** Sends a refusal and closes. */
        void refuse(String reason);

        /** Closes the link from this side. */
        void close();
    }

    /**
     * What a channel reports. Calls come from the channel's own thread (the Netty HA event loop), one at a time; the
     * listener must not block it (the controller posts each call to its own thread).
     */
    interface Listener {
        /** The handshake finished: {@code hello} is the peer's. */
        void linkUp(Link link, HaFrame.Hello hello);

        /** A frame after the handshake. */
        void frame(Link link, HaFrame frame);

        /** A link that was up ended. */
        void linkDown(Link link, LossCause cause, String detail);

        /** This server starts trying to reach the peer (repeated once a minute while the peer stays absent). */
        default void connecting(String peer) {
        }

        /** The first attempt after {@link #connecting} failed: the peer is absent. */
        default void connectFailed(String peer, String reason) {
        }
    }

    /** Stops the channel: no more links; the current one is closed. */
    @Override
    void close();
}
