package io.fmq.store;

import java.util.Arrays;

/**
 * One journal record: its sequence number (one more than the record before it, across the whole
 * journal's history), its type and its payload.
 */
public record Record(long sequence, RecordType type, byte[] payload) {

    @Override
    public boolean equals(Object o) {
        return o instanceof Record && ((Record) o).sequence == sequence && ((Record) o).type == type
                && Arrays.equals(((Record) o).payload, payload);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(sequence) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "Record[" + sequence + ", " + type + ", " + payload.length + " bytes]";
    }
}
