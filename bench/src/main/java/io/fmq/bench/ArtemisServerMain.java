package io.fmq.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyAcceptorFactory;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;

/**
 * The reference broker for {@code ./bench.sh}: an Apache Artemis server in its own process, configured
 * as {@code artemis create} would configure a broker on this machine (NIO journal, the journal buffer
 * timeout from a disk sync test, persistence on), with one CORE acceptor. Prints "ready" when started and
 * runs until killed.
 *
 * <p>Usage: {@code ArtemisServerMain DATA_DIR PORT}
 */
public final class ArtemisServerMain {
    private ArtemisServerMain() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        Files.createDirectories(data);
        long timeoutNanos = journalBufferTimeout(data);
        Configuration config = new ConfigurationImpl()
                .setPersistenceEnabled(true)
                .setSecurityEnabled(false)
                .setJournalType(JournalType.NIO)
                .setJournalDirectory(data.resolve("journal").toString())
                .setBindingsDirectory(data.resolve("bindings").toString())
                .setLargeMessagesDirectory(data.resolve("large-messages").toString())
                .setPagingDirectory(data.resolve("paging").toString())
                .setJournalBufferTimeout_NIO((int) timeoutNanos)
                .setJournalBufferSize_NIO(490 * 1024)
                .setJournalMinFiles(2)
                .setJournalPoolFiles(10)
                .setJMXManagementEnabled(false);
        java.util.Map<String, Object> params = new java.util.HashMap<>();
        params.put("host", "localhost");
        params.put("port", port);
        params.put("useEpoll", false);
        config.addAcceptorConfiguration(new TransportConfiguration(NettyAcceptorFactory.class.getName(), params, "artemis"));
        EmbeddedActiveMQ server = new EmbeddedActiveMQ();
        server.setConfiguration(config);
        server.start();
        System.out.println("ready journal-buffer-timeout=" + timeoutNanos + "ns");
        System.out.flush();
        Thread.currentThread().join();
    }

    /**
     * What {@code artemis create} measures: how many 4 KiB synchronous writes the disk does per second; the
     * journal buffer timeout is one second divided by that.
     */
    static long journalBufferTimeout(Path dir) throws IOException {
        Path file = dir.resolve("sync-test.tmp");
        ByteBuffer block = ByteBuffer.allocateDirect(4096);
        int writes = 0;
        long start = System.nanoTime();
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"); FileChannel ch = raf.getChannel()) {
            raf.setLength(4096L * 256);
            while (System.nanoTime() - start < 2_000_000_000L && writes < 20_000) {
                block.clear();
                ch.write(block, (writes % 256) * 4096L);
                ch.force(false);
                writes++;
            }
        } finally {
            Files.deleteIfExists(file);
        }
        double perSecond = writes / ((System.nanoTime() - start) / 1e9);
        return Math.max(1000, (long) (1e9 / perSecond));
    }
}
