package io.fmq.client;

/**
 * An FMQ extension: what a durable connection tells about its link to the servers (set with
 * {@link FmqConnection#setConnectionEventListener}). Called on the connection's own recovery thread; keep the
 * work short. The JMS {@link jakarta.jms.ExceptionListener} hears only of a final failure (the reconnect
 * timeout ran out).
 */
public interface ConnectionEventListener {
    /** The connection to {@code server} ({@code host:port}) was lost; the client is looking for a server. */
    default void disconnected(String server, Exception cause) {
    }

    /** The connection is back, to the same server it lost. */
    default void reconnected(String server) {
    }

    /** The connection is back, to another server than the one it lost (an HA failover). */
    default void failedOver(String fromServer, String toServer) {
    }
}
