package io.fmq.ha.lock;

/**
 * The lock cannot be used at all (as opposed to being held by someone else). The message is a
 * sentence for the operator: what is wrong, with which path, and what to do.
 */
public class LockFileException extends RuntimeException {

    public LockFileException(String message) {
        super(message);
    }

    public LockFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
