package io.fmq.server.broker;

import io.fmq.protocol.WireMessage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The ids of the persistent messages the broker accepted most recently, per destination, so that a message a
 * client sends again (a durable connection resending after a failover a send whose confirmation it never got)
 * is dropped instead of stored twice. Each id maps to the future of the original store: a duplicate is
 * confirmed when the original is durable. The window is bounded (oldest ids go first) and is rebuilt from the
 * journal's message records when the broker opens, so it survives a restart or a failover as far as those
 * records are still in the journal (compaction removes the records of consumed messages, and with them their
 * ids: a resend that arrives after its original was consumed and compacted away is accepted again).
 * Not thread-safe: the broker's lock guards it.
 */
final class RecentMessageIds {
    static final int DEFAULT_CAPACITY = 200_000;

    private final Map<String, CompletableFuture<Void>> ids;

    RecentMessageIds(int capacity) {
        this.ids = new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CompletableFuture<Void>> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Whether the message takes part: persistent and with an id (ids may be disabled by the producer). */
    static boolean tracked(WireMessage m) {
        return m.persistent() && m.messageId() != null && !m.messageId().isEmpty();
    }

    private static String key(WireMessage m) {
        return m.destination() + "\n" + m.messageId();
    }

    /** The store of an earlier message with the same id and destination, or null when the message is new. */
    CompletableFuture<Void> original(WireMessage m) {
        return tracked(m) ? ids.get(key(m)) : null;
    }

    /** Remembers a message as accepted; {@code stored} completes when it is durable. */
    void remember(WireMessage m, CompletableFuture<Void> stored) {
        if (tracked(m)) {
            ids.put(key(m), stored);
        }
    }

    int size() {
        return ids.size();
    }
}
