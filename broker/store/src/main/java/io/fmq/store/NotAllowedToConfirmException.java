package io.fmq.store;

import java.io.IOException;

/**
 * A journal refused to confirm appends because its server may no longer confirm anything: the HA confirm gate
 * is closed (the server cannot prove it still holds the HA lock, its serving lease ran out). The records may be on
 * disk, but the client must not count them as stored here: it should look for the active server and send again
 * (with the same message ids, so that nothing is stored twice).
 */
public final class NotAllowedToConfirmException extends IOException {
    private static final long serialVersionUID = 1L;

    public NotAllowedToConfirmException(String message) {
        super(message);
    }
}
