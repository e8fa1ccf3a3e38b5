package io.fmq.client;

import java.util.LinkedHashMap;
import java.util.Map;

/** A bounded set of recent message ids (the oldest go first); thread-safe. */
final class RecentIds {
    private final Map<String, Boolean> ids;

    RecentIds(int capacity) {
        ids = new LinkedHashMap<>(256, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized void add(String id) {
        if (id != null) {
            ids.put(id, Boolean.TRUE);
        }
    }

    synchronized boolean contains(String id) {
        return id != null && ids.containsKey(id);
    }
}
