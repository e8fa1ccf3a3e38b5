package io.fmq.jmx.tools;

/** Exit statuses of the JMX tools, stable for scripts. */
public final class ExitCodes {
    /** Success; for {@code status}: the server is running. */
    public static final int OK = 0;
    /** The request reached the server but failed (unknown MBean or attribute, operation error, server did not stop). */
    public static final int FAILED = 1;
    /** Wrong arguments. */
    public static final int USAGE = 2;
    /** No server answers on that host and port. */
    public static final int UNREACHABLE = 3;
    /** The server refused the user name or password. */
    public static final int CREDENTIALS_REFUSED = 4;
    /** The account is read-only and the request needs read-write access. */
    public static final int ACCESS_DENIED = 5;
    /** For {@code status}: the server answers but is not running (starting or stopping). */
    public static final int NOT_RUNNING = 6;

    private ExitCodes() {
    }
}
