package io.fmq.jmx.tools;

/** A failure the tool reports as one sentence and an exit status (see {@link ExitCodes}). */
final class ToolException extends Exception {
    private final int exitCode;

    ToolException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
