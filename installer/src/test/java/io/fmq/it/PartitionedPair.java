package io.fmq.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fmq.it.NetNamespaces.Host;
import io.fmq.profile.ConfigKey;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The replicated HA pair of an {@link Installation} run as two machines of a {@link NetNamespaces} network: the primary
 * in {@link Host#PRIMARY}'s namespace, the secondary in {@link Host#SECONDARY}'s. Each profile points its HA channel at
 * the peer's address on the direct peer link, its gateway at {@link NetNamespaces#GATEWAY} (port 7, where nothing
 * listens, so a reachable gateway refuses), and advertises its management address for JMX. The lock file stays where
 * the profiles put it, shared by both through the common file system (as an NFS share would be).
 */
final class PartitionedPair implements AutoCloseable {
    static final Set<String> SERVING = Set.of("ACTIVE", "ACTIVE_SYNC", "STANDALONE");
    private static final ObjectName HA = io.fmq.management.ObjectNames.HA_STATUS;
    private static final Map<Host, String> PROFILES = Map.of(Host.PRIMARY, HaPair.PRIMARY, Host.SECONDARY, HaPair.SECONDARY);

    final Installation fmq;
    /** {client, rmi, ha}; each server has its own namespace, so the numbers only need to differ for readability. */
    private final Map<Host, int[]> ports = new EnumMap<>(Host.class);
    private final Map<Host, JMXConnector> connectors = new EnumMap<>(Host.class);

    PartitionedPair(Installation fmq) throws IOException {
        this.fmq = fmq;
        int[] free = Installation.freePorts(6);
        ports.put(Host.PRIMARY, new int[] {free[0], free[1], free[2]});
        ports.put(Host.SECONDARY, new int[] {free[3], free[4], free[5]});
        for (Host h : Host.values()) {
            configure(h);
        }
    }

    private void configure(Host h) throws IOException {
        int[] own = ports.get(h);
        int[] peer = ports.get(h.other());
        Map<ConfigKey, String> values = new HashMap<>();
        values.put(ConfigKey.SERVER_PORT, Integer.toString(own[0]));
        values.put(ConfigKey.RMI_SERVER_PORT, Integer.toString(own[1]));
        values.put(ConfigKey.PORT, Integer.toString(own[2]));
        values.put(ConfigKey.RMI_SERVER_HOST, h.managementAddress);
        values.put(ConfigKey.BACKUP_SERVER_PORT, Integer.toString(peer[0]));
        values.put(ConfigKey.BACKUP_RMI_SERVER_PORT, Integer.toString(peer[1]));
        values.put(ConfigKey.BACKUP_HA_PORT, Integer.toString(peer[2]));
        values.put(ConfigKey.BACKUP_HA_IP_ADDRESS, h.other().peerLinkAddress);
        values.put(ConfigKey.BACKUP_SERVER_IP, h.other().peerLinkAddress);
        values.put(ConfigKey.GATEWAY_SERVER_IP_ADDRESS, NetNamespaces.GATEWAY);
        values.put(ConfigKey.GATEWAY_SERVER_PORT, "7");
        values.put(ConfigKey.PING_INTERVAL, "1000");
        values.put(ConfigKey.ACTIVE_LOCK_REACQUISITION_INTERVAL, "1000");
        values.put(ConfigKey.PASSIVE_LOCK_ACQUISITION_INTERVAL, "2000");
        values.put(ConfigKey.SOCKET_CREATION_TIMEOUT, "1000");
        fmq.configure(PROFILES.get(h), values);
    }

    static String profile(Host h) {
        return PROFILES.get(h);
    }

    /** Starts the server with {@code ip netns exec NS bin/fmq.sh -profile ...}; returns when it has started. */
    void start(Host h) {
        Installation.Result r = Installation.exec(NetNamespaces.inside(h, fmq.home.resolve("bin/fmq.sh").toString(),
                "-profile", profile(h)), Map.of(), null, fmq.workDir);
        assertThat(r.exitCode()).as(r.output()).isZero();
    }

    /** The server's HA state over JMX through the management network, or "DOWN" when it does not answer. */
    String state(Host h) {
        return attribute(h, "State");
    }

    synchronized String attribute(Host h, String name) {
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                JMXConnector c = connectors.get(h);
                if (c == null) {
                    JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://" + h.managementAddress + ":"
                            + ports.get(h)[1] + "/fmq");
                    c = JMXConnectorFactory.connect(url, Map.of(JMXConnector.CREDENTIALS, new String[] {"admin", "passwd"}));
                    connectors.put(h, c);
                }
                MBeanServerConnection s = c.getMBeanServerConnection();
                return String.valueOf(s.getAttribute(HA, name));
            } catch (Exception e) {
                closeConnector(h); // a server that was restarted needs a new connection; try once more
            }
        }
        return "DOWN";
    }

    private void closeConnector(Host h) {
        JMXConnector c = connectors.remove(h);
        if (c != null) {
            try {
                c.close();
            } catch (IOException | RuntimeException e) {
                // it is gone anyway
            }
        }
    }

    /** Whether the server's client port accepts a connection (probed over the management network). */
    boolean acceptsClients(Host h) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(h.managementAddress, ports.get(h)[0]), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    void awaitState(Host h, String state, Duration within) {
        try {
            await().atMost(within).pollInterval(Duration.ofMillis(100)).until(() -> state(h), state::equals);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(h + " did not reach " + state + " within " + within + " (it is " + state(h)
                    + "); consoles:\n" + consoles(), e);
        }
    }

    void awaitClientPort(Host h, boolean open, Duration within) {
        try {
            await().atMost(within).pollInterval(Duration.ofMillis(100)).until(() -> acceptsClients(h) == open);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(h + "'s client port did not " + (open ? "open" : "close") + " within " + within
                    + " (state " + state(h) + "); consoles:\n" + consoles(), e);
        }
    }

    /** Waits until one server is ACTIVE and the other PASSIVE and the active accepts clients; returns the active one. */
    Host awaitActivePassive(Duration within) {
        try {
            await().atMost(within).pollInterval(Duration.ofMillis(200)).until(() -> {
                String p = state(Host.PRIMARY);
                String s = state(Host.SECONDARY);
                return p.equals("ACTIVE") && s.equals("PASSIVE") || p.equals("PASSIVE") && s.equals("ACTIVE");
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("the pair did not form (primary " + state(Host.PRIMARY) + ", secondary "
                    + state(Host.SECONDARY) + "); consoles:\n" + consoles(), e);
        }
        Host active = state(Host.PRIMARY).equals("ACTIVE") ? Host.PRIMARY : Host.SECONDARY;
        awaitClientPort(active, true, Duration.ofSeconds(30));
        return active;
    }

    void kill9(Host h) {
        long pid = fmq.serverPid(profile(h));
        if (pid > 0) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            await().atMost(Duration.ofSeconds(30)).until(() -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        }
    }

    /** Both servers' console output and HA log lines, for failure messages and the test report. */
    String consoles() {
        StringBuilder b = new StringBuilder();
        for (Host h : Host.values()) {
            b.append("--- console of ").append(profile(h)).append('\n').append(read(h, "logs/fmq.out"));
            b.append("--- HA log of ").append(profile(h)).append('\n').append(haLog(h));
        }
        return b.toString();
    }

    String haLog(Host h) {
        return read(h, "logs/fmq.log").lines().filter(l -> l.contains(" WARN ") || l.contains(" ERROR ") || l.contains("HA"))
                .reduce("", (a, l) -> a + l + "\n");
    }

    private String read(Host h, String file) {
        Path p = fmq.profile(profile(h)).resolve(file);
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Kills both servers (if running) and closes the JMX connections. */
    @Override
    public void close() {
        for (Host h : Host.values()) {
            closeConnector(h);
            kill9(h);
        }
    }

    /**
     * Samples both servers' states every 100 ms on its own thread and records every round in which both were serving.
     * One round reads the primary, the secondary, then the primary again, and counts as an overlap only when all three
     * reads say "serving": a hand-over between two sequential reads can then not pass for an overlap, while an overlap
     * that lasts longer than a round (a few tens of ms) is seen.
     */
    final class ServingMonitor implements AutoCloseable {
        private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fmqnp-serving-monitor");
            t.setDaemon(true);
            return t;
        });
        private final long startNanos = System.nanoTime();
        private final List<String> overlaps = new ArrayList<>();
        private final List<String> timeline = new ArrayList<>();
        private String last = "";
        private int rounds;

        ServingMonitor() {
            sampler.scheduleWithFixedDelay(this::sample, 0, 100, TimeUnit.MILLISECONDS);
        }

        private void sample() {
            String p1 = state(Host.PRIMARY);
            String s = state(Host.SECONDARY);
            String p2 = state(Host.PRIMARY);
            long ms = (System.nanoTime() - startNanos) / 1_000_000;
            synchronized (this) {
                rounds++;
                if (SERVING.contains(p1) && SERVING.contains(s) && SERVING.contains(p2)) {
                    overlaps.add("+" + ms + " ms: primary " + p1 + "/" + p2 + ", secondary " + s);
                }
                String now = "primary " + p2 + ", secondary " + s;
                if (!now.equals(last)) {
                    timeline.add("+" + ms + " ms: " + now);
                    last = now;
                }
            }
        }

        synchronized List<String> overlaps() {
            return new ArrayList<>(overlaps);
        }

        synchronized int rounds() {
            return rounds;
        }

        /** Every change of the sampled pair of states, with its time since the monitor started. */
        synchronized String timeline() {
            return String.join("\n", timeline);
        }

        long elapsedMillis() {
            return (System.nanoTime() - startNanos) / 1_000_000;
        }

        @Override
        public void close() {
            sampler.shutdownNow();
            try {
                sampler.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
