package io.fmq.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Three "machines" made of Linux network namespaces, for tests that cut the network between the servers of an HA pair:
 *
 * <pre>
 *                     namespace fmqnp-gw  (the gateway machine, 10.77.0.1 on its loopback)
 *                      p 10.77.1.1          s 10.77.2.1
 *                          |                     |
 *                      gw 10.77.1.2         gw 10.77.2.2
 *   namespace fmqnp-p  (primary) peer 10.77.3.1 ---- peer 10.77.3.2  (secondary) namespace fmqnp-s
 *                      mgmt 10.77.101.2     mgmt 10.77.102.2
 *                          |                     |
 *   root namespace     fmqnp-mp 10.77.101.1 fmqnp-ms 10.77.102.1    (the test JVM)
 * </pre>
 *
 * Each server reaches the gateway address 10.77.0.1 only over its own {@code gw} link (a host route), and its peer only
 * over the direct {@code peer} link, so either path can be cut on its own by setting one end of the link down (the
 * other end then loses its carrier and packets vanish, as with an unplugged cable: connects time out, no refusal).
 * The {@code mgmt} links are an out-of-band management network that tests never cut: the test JVM reads JMX and
 * probes client ports through them. The servers have no default route, and the root namespace does not forward, so a
 * server cannot reach its peer or the gateway through the management network.
 *
 * <p>Nothing outside these three namespaces is touched except the two {@code fmqnp-m*} veth ends in the root
 * namespace; {@link #close()} deletes all of it. Only one such network exists at a time (fixed names and addresses),
 * which a file lock under /tmp guards across JVMs.
 */
final class NetNamespaces implements AutoCloseable {
    static final String GATEWAY = "10.77.0.1";
    private static final String GW_NS = "fmqnp-gw";
    private static final Path GUARD = Path.of(System.getProperty("java.io.tmpdir"), "fmq-netns-partition.lock");

    /** One server machine: its namespace, the gateway-side name of its gateway link, and its addresses. */
    enum Host {
        PRIMARY("fmqnp-p", "p", "10.77.1.1", "10.77.1.2", "10.77.3.1", "fmqnp-mp", "10.77.101.1", "10.77.101.2"),
        SECONDARY("fmqnp-s", "s", "10.77.2.1", "10.77.2.2", "10.77.3.2", "fmqnp-ms", "10.77.102.1", "10.77.102.2");

        final String namespace;
        final String gatewaySideLink;
        final String gatewaySideAddress;
        final String gatewayLinkAddress;
        /** The address on the direct link to the peer: what the peer uses for the HA channel. */
        final String peerLinkAddress;
        final String rootSideLink;
        final String rootSideAddress;
        /** The address the test JVM uses (JMX, client port checks). */
        final String managementAddress;

        Host(String namespace, String gatewaySideLink, String gatewaySideAddress, String gatewayLinkAddress,
             String peerLinkAddress, String rootSideLink, String rootSideAddress, String managementAddress) {
            this.namespace = namespace;
            this.gatewaySideLink = gatewaySideLink;
            this.gatewaySideAddress = gatewaySideAddress;
            this.gatewayLinkAddress = gatewayLinkAddress;
            this.peerLinkAddress = peerLinkAddress;
            this.rootSideLink = rootSideLink;
            this.rootSideAddress = rootSideAddress;
            this.managementAddress = managementAddress;
        }

        Host other() {
            return this == PRIMARY ? SECONDARY : PRIMARY;
        }
    }

    private final java.nio.channels.FileChannel guardChannel;
    private final java.nio.channels.FileLock guard;
    private final Thread cleanupOnExit = new Thread(NetNamespaces::deleteAll, "fmqnp-cleanup");
    private boolean closed;

    private NetNamespaces(java.nio.channels.FileChannel guardChannel, java.nio.channels.FileLock guard) {
        this.guardChannel = guardChannel;
        this.guard = guard;
    }

    /**
     * Why these tests cannot run here, or empty when they can: Linux, root, the {@code ip} tool and permission to create
     * a network namespace are needed.
     */
    static Optional<String> unsupportedReason() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return Optional.of("network namespaces exist only on Linux (this is " + System.getProperty("os.name") + ")");
        }
        Optional<Path> ip = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                .map(d -> Path.of(d.isEmpty() ? "." : d, "ip")).filter(Files::isExecutable).findFirst()
                .or(() -> Optional.of(Path.of("/usr/sbin/ip")).filter(Files::isExecutable))
                .or(() -> Optional.of(Path.of("/sbin/ip")).filter(Files::isExecutable));
        if (ip.isEmpty()) {
            return Optional.of("the 'ip' tool (iproute2) is not installed");
        }
        Installation.Result uid = run(List.of("id", "-u"));
        if (uid.exitCode() != 0 || !uid.output().trim().equals("0")) {
            return Optional.of("creating network namespaces needs root; this test runs as uid " + uid.output().trim());
        }
        String probe = "fmqnp-probe";
        run(List.of("ip", "netns", "delete", probe));
        Installation.Result add = run(List.of("ip", "netns", "add", probe));
        run(List.of("ip", "netns", "delete", probe));
        if (add.exitCode() != 0) {
            return Optional.of("cannot create a network namespace here: " + add.output().trim());
        }
        return Optional.empty();
    }

    /** Builds the network (removing what a crashed earlier run may have left under the same names). */
    static NetNamespaces create() throws IOException {
        java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(GUARD,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
        NetNamespaces net = new NetNamespaces(channel, channel.lock());
        Runtime.getRuntime().addShutdownHook(net.cleanupOnExit);
        try {
            deleteAll();
            net.build();
            return net;
        } catch (RuntimeException | Error e) {
            net.close();
            throw e;
        }
    }

    private void build() {
        for (String ns : List.of(GW_NS, Host.PRIMARY.namespace, Host.SECONDARY.namespace)) {
            ip("netns", "add", ns);
            ip("-n", ns, "link", "set", "lo", "up");
        }
        ip("-n", GW_NS, "addr", "add", GATEWAY + "/32", "dev", "lo");
        for (Host h : Host.values()) {
            // gateway link: "gw" in the server's namespace, "p"/"s" in the gateway's
            ip("link", "add", "gw", "netns", h.namespace, "type", "veth", "peer", "name", h.gatewaySideLink, "netns", GW_NS);
            ip("-n", GW_NS, "addr", "add", h.gatewaySideAddress + "/24", "dev", h.gatewaySideLink);
            ip("-n", h.namespace, "addr", "add", h.gatewayLinkAddress + "/24", "dev", "gw");
            // management link to the root namespace
            ip("link", "add", h.rootSideLink, "type", "veth", "peer", "name", "mgmt", "netns", h.namespace);
            ip("addr", "add", h.rootSideAddress + "/30", "dev", h.rootSideLink);
            ip("-n", h.namespace, "addr", "add", h.managementAddress + "/30", "dev", "mgmt");
        }
        ip("link", "add", "peer", "netns", Host.PRIMARY.namespace, "type", "veth", "peer", "name", "peer",
                "netns", Host.SECONDARY.namespace);
        for (Host h : Host.values()) {
            ip("-n", h.namespace, "addr", "add", h.peerLinkAddress + "/24", "dev", "peer");
            ip("-n", GW_NS, "link", "set", h.gatewaySideLink, "up");
            for (String link : List.of("gw", "peer", "mgmt")) {
                ip("-n", h.namespace, "link", "set", link, "up");
            }
            ip("link", "set", h.rootSideLink, "up");
            ip("-n", h.namespace, "route", "add", GATEWAY + "/32", "via", h.gatewaySideAddress);
        }
    }

    /** Unplugs the host's cable to the gateway (at the gateway's end). */
    void cutGateway(Host h) {
        ip("-n", GW_NS, "link", "set", h.gatewaySideLink, "down");
    }

    void restoreGateway(Host h) {
        ip("-n", GW_NS, "link", "set", h.gatewaySideLink, "up");
    }

    /** Unplugs the direct cable between the two servers. */
    void cutPeerLink() {
        ip("-n", Host.PRIMARY.namespace, "link", "set", "peer", "down");
    }

    void restorePeerLink() {
        ip("-n", Host.PRIMARY.namespace, "link", "set", "peer", "up");
    }

    /** A command line run inside a host's namespace. */
    static List<String> inside(Host h, String... command) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", h.namespace));
        c.addAll(Arrays.asList(command));
        return c;
    }

    /** Deletes the namespaces and links (processes still running in a namespace must be killed before). */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            deleteAll();
            try {
                Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down; the hook does the same
            }
        } finally {
            guard.release();
            guardChannel.close();
        }
    }

    /**
     * Removes every link and namespace of this network that exists. The root-side links are deleted explicitly because
     * deleting a namespace removes its links only asynchronously.
     */
    private static void deleteAll() {
        for (Host h : Host.values()) {
            if (run(List.of("ip", "link", "show", h.rootSideLink)).exitCode() == 0) {
                run(List.of("ip", "link", "delete", h.rootSideLink));
            }
        }
        String existing = run(List.of("ip", "netns", "list")).output();
        for (String ns : List.of(GW_NS, Host.PRIMARY.namespace, Host.SECONDARY.namespace)) {
            if (existing.lines().anyMatch(l -> l.equals(ns) || l.startsWith(ns + " "))) {
                run(List.of("ip", "netns", "delete", ns));
            }
        }
    }

    private static void ip(String... args) {
        List<String> command = new ArrayList<>();
        command.add("ip");
        command.addAll(Arrays.asList(args));
        Installation.Result r = run(command);
        if (r.exitCode() != 0) {
            throw new IllegalStateException("'" + String.join(" ", command) + "' failed: " + r);
        }
    }

    private static Installation.Result run(List<String> command) {
        try {
            return Installation.exec(command, Map.of(), null, Path.of(System.getProperty("java.io.tmpdir")));
        } catch (RuntimeException e) {
            return new Installation.Result(-1, e.toString());
        }
    }
}
