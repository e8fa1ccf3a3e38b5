package io.fmq.store;

import java.util.List;

/**
 * What opening a journal found: how much it holds and what it had to repair. A repair is only ever
 * the removal of a torn last write (records that had not been confirmed to anyone).
 */
public record RecoveryReport(int segments, long records, long lastSequence, long epoch, List<String> repairs) {
    public RecoveryReport {
        repairs = List.copyOf(repairs);
    }
}
