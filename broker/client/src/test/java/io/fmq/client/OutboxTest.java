package io.fmq.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fmq.protocol.Dest;
import io.fmq.protocol.WireMessage;
import jakarta.jms.JMSException;
import jakarta.jms.ResourceAllocationException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxTest {
    @TempDir
    Path dir;

    static WireMessage message(int n) {
        return new WireMessage("ID:test-" + n, Dest.queue("orders"), true, 4, 1000L + n, 0, 0, null, null, null, false, 0,
                Map.of("n", n), WireMessage.BODY_TEXT, ("body " + n).getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> ids(Outbox o) {
        return o.oldest(Integer.MAX_VALUE).stream().map(e -> e.message().messageId()).collect(Collectors.toList());
    }

    @Test
    void fileOutboxKeepsTheOrderAcrossAReopen() throws Exception {
        try (FileOutbox o = FileOutbox.open(dir.resolve("client-a"), 100, 1_000_000)) {
            for (int i = 1; i <= 5; i++) {
                o.add(message(i), false);
            }
            o.remove(o.oldest(1).get(0));
        }
        try (FileOutbox o = FileOutbox.open(dir.resolve("client-a"), 100, 1_000_000)) {
            assertEquals(List.of("ID:test-2", "ID:test-3", "ID:test-4", "ID:test-5"), ids(o));
            WireMessage back = o.oldest(1).get(0).message();
            assertEquals(2, back.properties().get("n"));
            assertEquals("body 2", new String(back.body(), StandardCharsets.UTF_8));
            o.add(message(6), false);
            assertEquals("ID:test-6", ids(o).get(4), "new messages go after the ones an earlier run left");
        }
    }

    @Test
    void fileOutboxRefusesPastItsCountWithAClearException() throws Exception {
        try (FileOutbox o = FileOutbox.open(dir.resolve("small"), 2, 1_000_000)) {
            o.add(message(1), false);
            o.add(message(2), false);
            JMSException e = assertThrows(ResourceAllocationException.class, () -> o.add(message(3), false));
            assertTrue(e.getMessage().contains("full") && e.getMessage().contains("2 messages"), e.getMessage());
            o.add(message(3), true); // accepted before the loss: kept even past the bound
            assertEquals(3, o.count());
        }
    }

    @Test
    void fileOutboxRefusesPastItsBytes() throws Exception {
        try (FileOutbox o = FileOutbox.open(dir.resolve("bytes"), 1000, 150)) {
            o.add(message(1), false);
            assertThrows(ResourceAllocationException.class, () -> o.add(message(2), false));
            o.remove(o.oldest(1).get(0));
            assertEquals(0, o.bytes());
            o.add(message(2), false);
        }
    }

    @Test
    void aFolderIsUsedByOneConnectionAtATime() throws Exception {
        try (FileOutbox o = FileOutbox.open(dir.resolve("shared"), 10, 10_000)) {
            JMSException e = assertThrows(JMSException.class, () -> FileOutbox.open(dir.resolve("shared"), 10, 10_000));
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
        }
        FileOutbox.open(dir.resolve("shared"), 10, 10_000).close();
    }

    @Test
    void damagedAndUnfinishedFilesAreLeftOut() throws Exception {
        Path folder = dir.resolve("damaged");
        try (FileOutbox o = FileOutbox.open(folder, 10, 10_000)) {
            o.add(message(1), false);
            o.add(message(2), false);
        }
        Path first = folder.resolve(String.format("%020d.msg", 1));
        byte[] bytes = Files.readAllBytes(first);
        bytes[bytes.length - 6] ^= 0x55;
        Files.write(first, bytes);
        Files.write(folder.resolve(String.format("%020d.msg.tmp", 3)), new byte[] {1, 2, 3});
        try (FileOutbox o = FileOutbox.open(folder, 10, 10_000)) {
            assertEquals(List.of("ID:test-2"), ids(o));
        }
        assertTrue(Files.exists(folder.resolve(String.format("%020d.msg.corrupt", 1))));
        assertTrue(Files.notExists(folder.resolve(String.format("%020d.msg.tmp", 3))));
    }

    @Test
    void memoryOutboxIsOrderedAndBounded() throws Exception {
        MemoryOutbox o = new MemoryOutbox(3, 1_000_000);
        for (int i = 1; i <= 3; i++) {
            o.add(message(i), false);
        }
        assertThrows(ResourceAllocationException.class, () -> o.add(message(4), false));
        assertEquals(List.of("ID:test-1", "ID:test-2"), o.oldest(2).stream().map(e -> e.message().messageId()).collect(Collectors.toList()));
        o.remove(o.oldest(1).get(0));
        o.add(message(4), false);
        assertEquals(List.of("ID:test-2", "ID:test-3", "ID:test-4"), ids(o));
    }
}
