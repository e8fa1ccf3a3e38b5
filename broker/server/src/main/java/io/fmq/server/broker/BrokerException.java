package io.fmq.server.broker;

/** A request the broker refuses, with the protocol error code the client maps to a JMS exception. */
public final class BrokerException extends Exception {
    private final String code;

    public BrokerException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
