package io.fmq.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fmq.profile.ConfigKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The two HA profiles of an {@link Installation} (replicated, or shared with one {@code -dbPath} folder), given free
 * ports that point at each other and short HA intervals (ping 1 s, lock checks 1 s / 2 s) so that a test pair forms
 * and fails over quickly.
 */
final class HaPair {
    static final String PRIMARY = "FioranoMQ_HA_rpl/HAPrimary";
    static final String SECONDARY = "FioranoMQ_HA_rpl/HASecondary";
    private static final ObjectName HA = io.fmq.management.ObjectNames.HA_STATUS;

    static final String SHARED_PRIMARY = "FioranoMQ_HA_shared/HAPrimary";
    static final String SHARED_SECONDARY = "FioranoMQ_HA_shared/HASecondary";

    final Installation fmq;
    /** This pair's profiles. */
    final String primaryName;
    final String secondaryName;
    /** Shared mode: the store folder both use ({@code -dbPath}); null for a replicated pair. */
    final Path sharedStore;
    /** {client, rmi, ha} of each. */
    final int[] primary;
    final int[] secondary;

    HaPair(Installation fmq) throws IOException {
        this(fmq, Map.of());
    }

    HaPair(Installation fmq, Map<ConfigKey, String> extra) throws IOException {
        this(fmq, extra, null);
    }

    /** A shared pair over {@code store} (created if missing). */
    static HaPair shared(Installation fmq, Path store, Map<ConfigKey, String> extra) throws IOException {
        Files.createDirectories(store);
        return new HaPair(fmq, extra, store);
    }

    /**
     * A pair of profiles configured elsewhere (by the Studio, say): {@code primary} and {@code secondary} are their
     * {client, rmi, ha} ports; nothing is written to their Config.cfg.
     */
    HaPair(Installation fmq, String primaryName, String secondaryName, Path sharedStore, int[] primary, int[] secondary) {
        this.fmq = fmq;
        this.sharedStore = sharedStore;
        this.primaryName = primaryName;
        this.secondaryName = secondaryName;
        this.primary = primary.clone();
        this.secondary = secondary.clone();
    }

    private HaPair(Installation fmq, Map<ConfigKey, String> extra, Path sharedStore) throws IOException {
        this.fmq = fmq;
        this.sharedStore = sharedStore;
        this.primaryName = sharedStore == null ? PRIMARY : SHARED_PRIMARY;
        this.secondaryName = sharedStore == null ? SECONDARY : SHARED_SECONDARY;
        int[] ports = Installation.freePorts(6);
        primary = new int[] {ports[0], ports[1], ports[2]};
        secondary = new int[] {ports[3], ports[4], ports[5]};
        configure(primaryName, primary, secondary, extra);
        configure(secondaryName, secondary, primary, extra);
    }

    private void configure(String profile, int[] own, int[] peer, Map<ConfigKey, String> extra) throws IOException {
        Map<ConfigKey, String> values = new HashMap<>();
        values.put(ConfigKey.SERVER_PORT, Integer.toString(own[0]));
        values.put(ConfigKey.RMI_SERVER_PORT, Integer.toString(own[1]));
        values.put(ConfigKey.PORT, Integer.toString(own[2]));
        values.put(ConfigKey.BACKUP_SERVER_PORT, Integer.toString(peer[0]));
        values.put(ConfigKey.BACKUP_RMI_SERVER_PORT, Integer.toString(peer[1]));
        values.put(ConfigKey.BACKUP_HA_PORT, Integer.toString(peer[2]));
        values.put(ConfigKey.PING_INTERVAL, "1000");
        values.put(ConfigKey.ACTIVE_LOCK_REACQUISITION_INTERVAL, "1000");
        values.put(ConfigKey.PASSIVE_LOCK_ACQUISITION_INTERVAL, "2000");
        values.put(ConfigKey.SOCKET_CREATION_TIMEOUT, "1000");
        values.putAll(extra);
        fmq.configure(profile, values);
    }

    int rmi(String profile) {
        return ports(profile)[1];
    }

    int client(String profile) {
        return ports(profile)[0];
    }

    private int[] ports(String profile) {
        return profile.equals(primaryName) ? primary : secondary;
    }

    static String other(String profile) {
        return profile.endsWith("HAPrimary") ? profile.replace("HAPrimary", "HASecondary") : profile.replace("HASecondary", "HAPrimary");
    }

    Installation.Result start(String profile) {
        Installation.Result r = sharedStore == null ? fmq.run("fmq.sh", "-profile", profile)
                : fmq.run("fmq.sh", "-profile", profile, "-dbPath", sharedStore.toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
        return r;
    }

    /** Starts the primary, then the secondary, and waits until they are ACTIVE and PASSIVE; returns the active one. */
    String startPair() {
        start(primaryName);
        start(secondaryName);
        return awaitActivePassive();
    }

    /** The server's HA state over JMX, or "DOWN" when it does not answer. */
    String state(String profile) {
        return attribute(profile, "State");
    }

    String attribute(String profile, String name) {
        return attribute(profile, name, HA);
    }

    /** An attribute of one of the server's MBeans, or "DOWN" when it does not answer. */
    String attribute(String profile, String name, ObjectName bean) {
        JMXServiceURL url;
        try {
            url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://localhost:" + rmi(profile) + "/fmq");
        } catch (java.net.MalformedURLException e) {
            throw new IllegalStateException(e);
        }
        Map<String, Object> env = Map.of(JMXConnector.CREDENTIALS, new String[] {"admin", "passwd"});
        try (JMXConnector c = JMXConnectorFactory.connect(url, env)) {
            MBeanServerConnection s = c.getMBeanServerConnection();
            return String.valueOf(s.getAttribute(bean, name));
        } catch (Exception e) {
            return "DOWN";
        }
    }

    /** Invokes an operation of the HA MBean. */
    String invoke(String profile, String operation) throws Exception {
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://localhost:" + rmi(profile) + "/fmq");
        Map<String, Object> env = Map.of(JMXConnector.CREDENTIALS, new String[] {"admin", "passwd"});
        try (JMXConnector c = JMXConnectorFactory.connect(url, env)) {
            return String.valueOf(c.getMBeanServerConnection().invoke(HA, operation, new Object[0], new String[0]));
        }
    }

    /** A subscription to a server's HA state-change notifications over the RMI connector, as JConsole makes one. */
    record Subscription(JMXConnector connector, List<String> changes) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            connector.close();
        }
    }

    /** Subscribes to the HA MBean's notifications of {@code profile}; each change arrives as "FROM->TO". */
    Subscription subscribe(String profile) throws Exception {
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://localhost:" + rmi(profile) + "/fmq");
        JMXConnector c = JMXConnectorFactory.connect(url, Map.of(JMXConnector.CREDENTIALS, new String[] {"admin", "passwd"}));
        List<String> changes = new java.util.concurrent.CopyOnWriteArrayList<>();
        c.getMBeanServerConnection().addNotificationListener(HA, (n, handback) -> {
            if (n instanceof javax.management.AttributeChangeNotification a && "State".equals(a.getAttributeName())) {
                changes.add(a.getOldValue() + "->" + a.getNewValue());
            }
        }, null, null);
        return new Subscription(c, changes);
    }

    void awaitState(String profile, String state) {
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> state(profile), s -> s.equals(state));
            if (state.equals("ACTIVE") || state.equals("STANDALONE")) {
                // the state changes first, then the client port opens
                await().atMost(Duration.ofSeconds(30)).until(() -> Installation.listening(client(profile)));
            }
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(profile + " did not reach " + state + "; consoles:\n" + consoles(), e);
        }
    }

    /** Both servers' console output, for failure messages. */
    String consoles() {
        try {
            return "--- " + primaryName + "\n" + console(primaryName) + "\n--- " + secondaryName + "\n" + console(secondaryName)
                    + "\n--- log of " + primaryName + "\n" + log(primaryName) + "\n--- log of " + secondaryName + "\n" + log(secondaryName);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Waits until one server is ACTIVE and the other PASSIVE; returns the active one. */
    String awaitActivePassive() {
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                String p = state(primaryName);
                String s = state(secondaryName);
                return p.equals("ACTIVE") && s.equals("PASSIVE") || p.equals("PASSIVE") && s.equals("ACTIVE");
            });
            String active = state(primaryName).equals("ACTIVE") ? primaryName : secondaryName;
            await().atMost(Duration.ofSeconds(30)).until(() -> Installation.listening(client(active)));
            return active;
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("the pair did not settle ACTIVE/PASSIVE with the active's client port open; consoles:\n"
                    + consoles(), e);
        }
    }

    /**
     * Runs the HA failover demo sample as its readme says (from {@code samples/HA}: {@code java -cp "../../lib/*:.."
     * FailoverDemo.java 300 PRIMARY BACKUP 20}), kills the active server with SIGKILL once 50 messages were sent, and
     * checks that the demo carried on through it with nothing lost or duplicated; its output goes to {@code out}.
     */
    void failoverDemoThroughKill(String active, Path out) throws Exception {
        Process demo = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                "../../lib/*:..", "FailoverDemo.java", "300", "fmq://localhost:" + client(primaryName),
                "fmq://localhost:" + client(secondaryName), "20")
                .directory(fmq.home.resolve("samples/HA").toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(out) && Files.readString(out).contains("sent 50,"));
            kill9(active);
            assertThat(demo.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).as(Files.readString(out)).isTrue();
        } finally {
            demo.destroyForcibly();
        }
        assertThat(Files.readString(out)).contains("failed over from localhost:" + client(active),
                "done: sent 300, received 300, missing 0, duplicates 0");
        assertThat(demo.exitValue()).isZero();
    }

    void kill9(String profile) {
        long pid = fmq.serverPid(profile);
        assertThat(pid).isPositive();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofSeconds(30)).until(() -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    }

    String console(String profile) throws IOException {
        Path out = fmq.profile(profile).resolve("logs/fmq.out");
        return Files.exists(out) ? Files.readString(out) : "";
    }

    String log(String profile) throws IOException {
        Path log = fmq.profile(profile).resolve("logs/fmq.log");
        if (!Files.exists(log)) {
            return "";
        }
        return Files.readAllLines(log).stream().filter(l -> l.contains(" WARN ") || l.contains(" ERROR ") || l.contains("HA"))
                .reduce("", (a, b) -> a + b + "\n");
    }

    /** The journal segment files of a server's store, name → bytes. */
    Map<String, byte[]> journal(String profile) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> s = Files.list(fmq.profile(profile).resolve("run/journal"))) {
            for (Path p : s.filter(f -> f.getFileName().toString().endsWith(".seg")).toList()) {
                files.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return files;
    }

    /** Waits until both stores hold exactly the same journal, byte for byte. */
    void awaitIdenticalStores() {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            Map<String, byte[]> a = journal(PRIMARY);
            Map<String, byte[]> b = journal(SECONDARY);
            assertThat(b.keySet()).isEqualTo(a.keySet());
            for (String name : a.keySet()) {
                assertThat(b.get(name)).as(name).isEqualTo(a.get(name));
            }
        });
    }
}
