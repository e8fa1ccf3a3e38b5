package io.fmq.server.net;

/** A port this server must listen on is taken by another program. */
public final class PortInUseException extends Exception {
    private final int port;

    public PortInUseException(int port, Throwable cause) {
        super("port " + port + " is already in use", cause);
        this.port = port;
    }

    public int port() {
        return port;
    }
}
