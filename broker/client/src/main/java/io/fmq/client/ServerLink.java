package io.fmq.client;

import io.fmq.protocol.WireMessage;
import jakarta.jms.JMSException;
import java.util.concurrent.CompletableFuture;

/**
 * How a connection reaches its server and what happens when the channel to it breaks. A plain connection
 * ({@link PlainLink}) has one channel for its whole life: its loss ends the connection. A durable connection
 * ({@link DurableLink}) replaces a lost channel by one to whichever server of its list accepts clients, restores
 * its sessions and consumers there, and keeps what is sent meanwhile in its outboxes. The connection, its sessions,
 * producers and consumers talk only to this interface, so they carry no case for either kind.
 *
 * <p>Threads: every method may be called from application threads; {@link #repairs} and {@link #wasAcknowledged}
 * also from the client I/O thread, so they never block.
 */
sealed interface ServerLink permits PlainLink, DurableLink {

    /** Opens the first channel (blocking the application's thread); the connection installs it, then calls {@link #start}. */
    ClientChannel connectFirst(String clientId) throws JMSException;

    /** Begins the link's life after the first channel is installed. */
    void start();

    /** Whether a server is there right now (a plain link: until the connection is closed or its channel lost). */
    boolean isOnline();

    /** Waits, bounded, until a server is there, for operations that need one. */
    void awaitOnline() throws JMSException;

    /**
     * Sends a message outside a transaction. The future completes with the server's confirmation or refusal; a
     * durable link also completes it once the message is safe in its outbox when no server is there.
     */
    CompletableFuture<Void> send(int sessionId, WireMessage m) throws JMSException;

    /**
     * Whether a failure seen on {@code ch} is a loss this link repairs: the connection's state (sessions, consumers,
     * start/stop) is then restored on the next channel and the failure is not the application's. Never for a plain link.
     */
    boolean repairs(ClientChannel ch);

    /** The application acknowledged this message (remembered so that a redelivery after a failover is dropped). */
    void acknowledged(String messageId);

    /** Whether the application acknowledged this message on an earlier channel of this link. */
    boolean wasAcknowledged(String messageId);

    /** Messages waiting in the outboxes, {@code [persistent, non-persistent]}. */
    int[] outboxCounts();

    /** Who hears the link go offline and come back; refused by a link that never comes back. */
    void setEvents(ConnectionEventListener listener) throws JMSException;

    /** Ends the link (the connection closes its current channel itself). */
    void close();
}
