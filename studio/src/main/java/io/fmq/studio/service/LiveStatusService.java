package io.fmq.studio.service;

import java.io.IOException;
import java.util.function.Consumer;

/** Connects to a running server's JMX connector and follows its state. */
public interface LiveStatusService {

    /**
     * Connects and subscribes to state-change notifications. {@code onUpdate} receives a fresh reading
     * after every notification (and on a slow timer as a safety net); {@code onLost} is told when the
     * connection fails or closes. Both are called on a background thread.
     */
    Session connect(String host, int port, String user, String password,
                    Consumer<LiveStatus> onUpdate, Consumer<String> onLost) throws IOException;

    /** An open connection. */
    interface Session extends AutoCloseable {
        /** Reads the current state now. */
        LiveStatus read() throws IOException;

        @Override
        void close();
    }
}
