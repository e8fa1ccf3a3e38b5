package io.fmq.store.payload;

/**
 * A journal record whose payload this build cannot read: another payload format, or bytes that do not fit the
 * layout of its type. Its message says which record and why; the store is left as it is.
 */
public final class PayloadFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public PayloadFormatException(String message) {
        super(message);
    }
}
