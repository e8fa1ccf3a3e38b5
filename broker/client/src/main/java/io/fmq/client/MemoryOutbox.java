package io.fmq.client;

import io.fmq.protocol.WireMessage;
import jakarta.jms.JMSException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** The outbox of non-persistent messages: in memory, lost with the client process as non-persistent messages may be. */
final class MemoryOutbox implements Outbox {
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private final int maxCount;
    private final long maxBytes;
    private long bytes;
    private long nextSequence = 1;

    MemoryOutbox(int maxCount, long maxBytes) {
        this.maxCount = maxCount;
        this.maxBytes = maxBytes;
    }

    @Override
    public void add(WireMessage message, boolean force) throws JMSException {
        int size = message.approximateSize();
        if (!force && (entries.size() + 1 > maxCount || bytes + size > maxBytes)) {
            throw Outbox.full("in-memory outbox (non-persistent messages)", entries.size(), bytes, maxCount, maxBytes);
        }
        entries.addLast(new Entry(nextSequence++, message, size));
        bytes += size;
    }

    @Override
    public List<Entry> oldest(int max) {
        List<Entry> list = new ArrayList<>();
        for (Entry e : entries) {
            if (list.size() >= max) {
                break;
            }
            list.add(e);
        }
        return list;
    }

    @Override
    public void remove(Entry entry) {
        if (entries.remove(entry)) {
            bytes -= entry.size();
        }
    }

    @Override
    public int count() {
        return entries.size();
    }

    @Override
    public long bytes() {
        return bytes;
    }

    @Override
    public void close() {
        entries.clear();
        bytes = 0;
    }
}
