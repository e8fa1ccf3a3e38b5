package io.fmq.protocol;

/** The stable codes of {@link Frame.Error}, which the client maps to JMS exceptions. */
public final class ErrorCode {
    /** The frame broke the protocol (fatal). */
    public static final String PROTOCOL = "PROTOCOL";
    /** Unsupported protocol version (fatal). */
    public static final String VERSION = "VERSION";
    /** Wrong user name or password (fatal), or an operation the user may not do. */
    public static final String SECURITY = "SECURITY";
    /** The destination does not exist or may not be used so. */
    public static final String INVALID_DESTINATION = "INVALID_DESTINATION";
    /** A selector that does not parse. */
    public static final String INVALID_SELECTOR = "INVALID_SELECTOR";
    /** The client id is in use by another connection. */
    public static final String CLIENT_ID_IN_USE = "CLIENT_ID_IN_USE";
    /** The request is not valid in the current state (e.g. unsubscribing an active subscription). */
    public static final String ILLEGAL_STATE = "ILLEGAL_STATE";
    /** A transaction could not be committed and was rolled back. */
    public static final String TRANSACTION_ROLLED_BACK = "TRANSACTION_ROLLED_BACK";
    /** The server could not store the message (full disk, closed store). */
    public static final String STORE = "STORE";
    /**
     * Fatal: this server may no longer confirm anything (an HA server that cannot prove it is the active one). The
     * refused request may or may not have been stored; a durable connection fails over and sends it again with
     * the same message id.
     */
    public static final String NOT_ACTIVE = "NOT_ACTIVE";
    /** Fatal: the server is too busy to take this request now (too many logins waiting); try again shortly. */
    public static final String BUSY = "BUSY";
    /** Anything else. */
    public static final String INTERNAL = "INTERNAL";

    private ErrorCode() {
    }
}
