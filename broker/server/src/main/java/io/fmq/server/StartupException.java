package io.fmq.server;

/**
 * A reason the server cannot start that the user can act on. The message is a complete sentence for
 * the console (what is wrong, where, what to do); {@link #exitCode()} is the process exit status.
 */
public class StartupException extends Exception {
    /** Exit status: the server failed to start for a runtime reason (a port in use, a folder not writable, ...). */
    public static final int FAILED = 1;
    /** Exit status: wrong command-line arguments. */
    public static final int USAGE = 2;
    /** Exit status: the profile is not valid. */
    public static final int INVALID_PROFILE = 3;
    /** Exit status: another server already runs on this profile or store. */
    public static final int ALREADY_RUNNING = 4;

    private final int exitCode;

    public StartupException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public StartupException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
