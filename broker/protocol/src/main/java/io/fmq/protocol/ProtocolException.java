package io.fmq.protocol;

/** A frame that breaks the protocol: malformed, too large, unknown, or out of place. The connection is closed. */
public final class ProtocolException extends RuntimeException {
    public ProtocolException(String message) {
        super(message);
    }
}
