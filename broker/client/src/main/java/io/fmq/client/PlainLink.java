package io.fmq.client;

import io.fmq.protocol.Frame;
import io.fmq.protocol.WireMessage;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import java.util.concurrent.CompletableFuture;

/**
 * The link of a plain connection: one channel to one server for the connection's whole life. Its loss reaches
 * the connection through the channel's listener and closes the connection (the application's ExceptionListener
 * hears it); nothing is repaired, remembered or kept in an outbox. Holds no mutable state of its own.
 */
final class PlainLink implements ServerLink {
    private final FmqConnection connection;
    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final int heartbeatMillis;
    private final int connectTimeoutMillis;
    private final ClientChannel.Listener listener;

    PlainLink(FmqConnection connection, String host, int port, String user, String password, int heartbeatMillis,
              int connectTimeoutMillis, ClientChannel.Listener listener) {
        this.connection = connection;
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.heartbeatMillis = heartbeatMillis;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.listener = listener;
    }

    @Override
    public ClientChannel connectFirst(String clientId) throws JMSException {
        return ClientChannel.connect(host, port, user, password, clientId, heartbeatMillis, connectTimeoutMillis, listener);
    }

    @Override
    public void start() {
        // nothing runs beside the channel
    }

    @Override
    public boolean isOnline() {
        return !connection.isClosed();
    }

    @Override
    public void awaitOnline() {
        // the one channel is there until the connection ends; requests on a lost one fail by themselves
    }

    @Override
    public CompletableFuture<Void> send(int sessionId, WireMessage m) {
        return connection.channel.requestAsync(rid -> new Frame.Send(rid, sessionId, m), null).thenApply(answer -> null);
    }

    @Override
    public boolean repairs(ClientChannel ch) {
        return false;
    }

    @Override
    public void acknowledged(String messageId) {
        // a plain connection never sees a redelivery from another channel
    }

    @Override
    public boolean wasAcknowledged(String messageId) {
        return false;
    }

    @Override
    public int[] outboxCounts() {
        return new int[2];
    }

    @Override
    public void setEvents(ConnectionEventListener listener) throws JMSException {
        throw new IllegalStateException("connection events are for durable connections (FmqConnectionFactory.setDurableConnections(true))");
    }

    @Override
    public void close() {
        // the connection closes the channel
    }
}
