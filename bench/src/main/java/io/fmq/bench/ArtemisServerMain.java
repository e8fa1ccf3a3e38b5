package io.fmq.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.config.ClusterConnectionConfiguration;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.ha.ReplicaPolicyConfiguration;
import org.apache.activemq.artemis.core.config.ha.ReplicatedPolicyConfiguration;
import org.apache.activemq.artemis.core.config.ha.SharedStoreBackupPolicyConfiguration;
import org.apache.activemq.artemis.core.config.ha.SharedStorePrimaryPolicyConfiguration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyAcceptorFactory;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyConnectorFactory;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.cluster.impl.MessageLoadBalancingType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;

/**
 * The reference broker for {@code ./bench.sh}: an Apache Artemis server in its own process, configured
 * as {@code artemis create} would configure a broker on this machine (NIO journal, the journal buffer
 * timeout from a disk sync test, persistence on), with one CORE acceptor. Prints "ready" when started and
 * runs until killed.
 *
 * <p>With a role, one server of a replication pair as {@code artemis create --replicated} configures it
 * ({@code primary}: ha-policy replication primary; {@code backup}: replication backup with fail-back), both
 * with a cluster connection to the other over loopback (static connectors). A backup also prints
 * "in-sync" each time it reports its replica synchronised with the primary, and "active" when it took over.
 * With {@code shared-primary} or {@code shared-backup}, one server of a shared-store pair as
 * {@code artemis create --shared-store} configures it: both are given the same DATA_DIR, and the backup waits for
 * the journal's lock (it prints "active" when it took over).
 *
 * <p>Usage: {@code ArtemisServerMain DATA_DIR PORT [primary|backup|shared-primary|shared-backup PEER_PORT]}
 */
public final class ArtemisServerMain {
    private ArtemisServerMain() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        String role = args.length > 2 ? args[2] : null;
        Files.createDirectories(data);
        String measured = System.getProperty("bench.journalBufferTimeout");
        long timeoutNanos = measured != null ? Long.parseLong(measured) : journalBufferTimeout(data);
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
        config.addAcceptorConfiguration(new TransportConfiguration(NettyAcceptorFactory.class.getName(), netty(port), "artemis"));
        if (role != null) {
            int peer = Integer.parseInt(args[3]);
            config.addConnectorConfiguration("artemis", new TransportConfiguration(NettyConnectorFactory.class.getName(), netty(port), "artemis"));
            config.addConnectorConfiguration("peer", new TransportConfiguration(NettyConnectorFactory.class.getName(), netty(peer), "peer"));
            config.setClusterUser("cluster-admin").setClusterPassword("bench-cluster-password");
            config.addClusterConfiguration(new ClusterConnectionConfiguration()
                    .setName("my-cluster")
                    .setConnectorName("artemis")
                    .setStaticConnectors(List.of("peer"))
                    .setMessageLoadBalancingType(MessageLoadBalancingType.ON_DEMAND)
                    .setMaxHops(1)
                    .setRetryInterval(500));
            if (role.equals("shared-primary")) {
                config.setHAPolicyConfiguration(new SharedStorePrimaryPolicyConfiguration().setFailoverOnServerShutdown(true));
            } else if (role.equals("shared-backup")) {
                config.setHAPolicyConfiguration(new SharedStoreBackupPolicyConfiguration().setAllowFailBack(true)
                        .setFailoverOnServerShutdown(true));
            } else if (role.equals("primary")) {
                config.setHAPolicyConfiguration(new ReplicatedPolicyConfiguration().setClusterName("my-cluster"));
            } else {
                config.setHAPolicyConfiguration(new ReplicaPolicyConfiguration().setClusterName("my-cluster").setAllowFailBack(true));
            }
        }
        EmbeddedActiveMQ server = new EmbeddedActiveMQ();
        server.setConfiguration(config);
        server.start();
        System.out.println("ready journal-buffer-timeout=" + timeoutNanos + "ns");
        System.out.flush();
        if ("backup".equals(role) || "shared-backup".equals(role)) {
            ActiveMQServer s = server.getActiveMQServer();
            boolean inSync = false;
            while (true) {
                if (s.isActive()) {
                    System.out.println("active");
                    System.out.flush();
                    break;
                }
                boolean now = s.isReplicaSync();
                if (now && !inSync) {
                    System.out.println("in-sync");
                    System.out.flush();
                }
                inSync = now;
                Thread.sleep(10);
            }
        }
        Thread.currentThread().join();
    }

    private static Map<String, Object> netty(int port) {
        Map<String, Object> params = new HashMap<>();
        params.put("host", "localhost");
        params.put("port", port);
        params.put("useEpoll", false);
        return params;
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
