package io.fmq.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fmq.it.NetNamespaces.Host;
import io.fmq.it.PartitionedPair.ServingMonitor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replicated HA pair on three machines made of network namespaces (see {@link NetNamespaces}): the primary, the
 * secondary, and the gateway both probe. The cables are cut by setting links down, never by stopping a process, so the
 * servers see what a real partition looks like: silence and connect timeouts. Throughout each test a
 * {@link ServingMonitor} samples both states every 100 ms and the test fails if both servers were ever serving
 * (ACTIVE, ACTIVE_SYNC or STANDALONE) at once.
 *
 * <p>Needs Linux, root and iproute2; elsewhere every test is skipped with the reason.
 */
class NetworkPartitionIT {
    /** Generous bounds: the intervals are 1 s (ping, lock check, gateway timeout) and 2 s (passive lock attempt). */
    private static final Duration FORM = Duration.ofSeconds(60);
    private static final Duration FAILOVER = Duration.ofSeconds(30);
    /** How long "never" is watched: several passive lock intervals plus the takeover delay, with margin. */
    private static final Duration HOLD = Duration.ofSeconds(10);
    /** Re-forming after a heal is a small resync; well under MaxWaitTimeout (30 s), after which a sync gives up. */
    private static final Duration REFORM = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    private NetNamespaces net;
    private PartitionedPair pair;
    private ServingMonitor monitor;
    private String testName;

    @BeforeAll
    static void needsNetworkNamespaces() {
        NetNamespaces.unsupportedReason().ifPresent(reason ->
                Assumptions.abort("network partition tests skipped: " + reason));
    }

    @BeforeEach
    void setUp(TestInfo info) throws Exception {
        testName = info.getDisplayName();
        Installation fmq = Installation.copy(dir);
        net = NetNamespaces.create();
        pair = new PartitionedPair(fmq);
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (monitor != null) {
                monitor.close();
                report("states seen", monitor.timeline());
            }
        } finally {
            try {
                if (pair != null) {
                    pair.close();
                    keepLogs();
                }
            } finally {
                if (net != null) {
                    net.close();
                }
            }
        }
    }

    /** Copies both servers' logs to target/network-partition-logs/TEST/ for a look after the run. */
    private void keepLogs() throws IOException {
        Path target = Path.of("target", "network-partition-logs", testName.replaceAll("[^A-Za-z0-9]", ""));
        for (Host h : Host.values()) {
            Path logs = pair.fmq.profile(PartitionedPair.profile(h)).resolve("logs");
            if (Files.isDirectory(logs)) {
                Path to = Files.createDirectories(target.resolve(h.name().toLowerCase(java.util.Locale.ROOT)));
                try (Stream<Path> files = Files.list(logs)) {
                    for (Path f : files.filter(Files::isRegularFile).toList()) {
                        Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
    }

    private void report(String what, String text) {
        System.out.println("[" + getClass().getSimpleName() + " " + testName + "] " + what + ":\n" + text);
    }

    private ServingMonitor watch() {
        monitor = pair.new ServingMonitor();
        return monitor;
    }

    private void assertNeverBothServing() {
        assertThat(monitor.rounds()).as("the monitor sampled the states").isGreaterThan(10);
        assertThat(monitor.overlaps()).as("rounds in which both servers were serving; states seen:\n" + monitor.timeline()
                + "\n" + pair.consoles()).isEmpty();
    }

    /**
     * Checks a condition every 200 ms for {@code span} and fails at the first check that finds it broken (unlike
     * Awaitility's {@code during}, which would start its span again).
     */
    private void holdsThroughout(Duration span, Callable<String> violation) {
        long end = System.nanoTime() + span.toNanos();
        await().atMost(span.plusSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            String v = violation.call();
            if (v != null) {
                throw new AssertionError(v + "\nstates seen:\n" + monitor.timeline() + "\n" + pair.consoles());
            }
            return System.nanoTime() - end >= 0;
        });
    }

    private Host startPair() {
        pair.start(Host.PRIMARY);
        pair.start(Host.SECONDARY);
        return pair.awaitActivePassive(FORM);
    }

    @Test
    void thePairFormsAcrossMachines() {
        watch();
        Host active = startPair();
        Host passive = active.other();
        assertThat(pair.attribute(active, "LockHeld")).isEqualTo("true");
        assertThat(pair.attribute(passive, "LockHeld")).isEqualTo("false");
        assertThat(pair.attribute(active, "LinkUp")).isEqualTo("true");
        assertThat(pair.attribute(active, "GatewayReachable")).isEqualTo("true");
        assertThat(pair.attribute(passive, "GatewayReachable")).isEqualTo("true");
        assertThat(pair.attribute(passive, "RemoteState")).isEqualTo("ACTIVE");
        assertThat(pair.acceptsClients(passive)).as("a passive server accepts no clients").isFalse();
        assertThat(pair.haLog(passive)).as("the HA link runs over the peer cable")
                .contains(active.peerLinkAddress);
        assertNeverBothServing();
    }

    @Test
    void anIsolatedActiveStopsServingAndThePeerTakesOverThenRejoinsAsPassive() {
        watch();
        Host isolated = startPair();
        Host survivor = isolated.other();

        long cut = monitor.elapsedMillis();
        net.cutGateway(isolated);
        net.cutPeerLink();
        pair.awaitState(isolated, "WAITING", FAILOVER);
        long steppedDown = monitor.elapsedMillis();
        pair.awaitClientPort(isolated, false, FAILOVER);
        long portClosed = monitor.elapsedMillis();
        pair.awaitState(survivor, "STANDALONE", FAILOVER);
        long tookOver = monitor.elapsedMillis();
        pair.awaitClientPort(survivor, true, FAILOVER);
        long portOpened = monitor.elapsedMillis();
        report("isolation timings", "after the cut: isolated " + isolated + " WAITING +" + (steppedDown - cut)
                + " ms, its client port closed +" + (portClosed - cut) + " ms; " + survivor + " STANDALONE +"
                + (tookOver - cut) + " ms, its client port open +" + (portOpened - cut) + " ms");

        // cut off, the old active must stay out however long it waits
        holdsThroughout(HOLD, () -> {
            String s = pair.state(isolated);
            return PartitionedPair.SERVING.contains(s) || pair.acceptsClients(isolated)
                    ? "the isolated " + isolated + " serves again (" + s + ")" : null;
        });
        assertThat(pair.attribute(isolated, "GatewayReachable")).isEqualTo("false");
        assertThat(pair.state(survivor)).isEqualTo("STANDALONE");

        long heal = monitor.elapsedMillis();
        net.restoreGateway(isolated);
        net.restorePeerLink();
        pair.awaitState(isolated, "PASSIVE", FORM);
        pair.awaitState(survivor, "ACTIVE", FORM);
        report("healing timings", "the pair re-formed (" + survivor + " ACTIVE, " + isolated + " PASSIVE) +"
                + (monitor.elapsedMillis() - heal) + " ms after the cables were back");
        assertThat(pair.acceptsClients(survivor)).isTrue();
        assertThat(pair.acceptsClients(isolated)).isFalse();
        assertNeverBothServing();
    }

    @Test
    void whenOnlyThePeerCableIsCutTheLockHolderServesAloneAndTheOtherWaits() {
        watch();
        Host holder = startPair();
        cutThePeerCableAndCheckThatOnlyTheHolderServes(holder);

        long heal = monitor.elapsedMillis();
        net.restorePeerLink();
        // re-forming promptly, round after round, is checked by the next test
        pair.awaitState(holder, "ACTIVE", FORM);
        pair.awaitState(holder.other(), "PASSIVE", FORM);
        report("healing timings", "the pair re-formed with the same active +" + (monitor.elapsedMillis() - heal) + " ms");
        assertNeverBothServing();
    }

    /**
     * Healing the peer cable should bring the passive back at once (a resync of a few records) while the active keeps
     * serving. Each round of cut and heal is a fresh chance for the two servers to open two connections at once (they
     * once did, and the resync request went out on the connection that was then dropped); only the primary connects.
     */
    @Test
    void healingThePeerCableReformsThePairPromptlyWhileTheActiveKeepsServing() {
        watch();
        Host holder = startPair();
        for (int round = 1; round <= 3; round++) {
            cutThePeerCableAndCheckThatOnlyTheHolderServes(holder);
            long heal = monitor.elapsedMillis();
            net.restorePeerLink();
            int r = round;
            try {
                await().atMost(REFORM).pollInterval(Duration.ofMillis(100)).until(() -> {
                    String h = pair.state(holder);
                    if (!PartitionedPair.SERVING.contains(h)) {
                        throw new AssertionError("round " + r + ": " + holder + " stopped serving (" + h
                                + ") while the pair re-formed; states seen:\n" + monitor.timeline() + "\n" + pair.consoles());
                    }
                    return h.equals("ACTIVE") && pair.state(holder.other()).equals("PASSIVE");
                });
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("round " + r + ": the pair did not re-form within " + REFORM + " after the cable "
                        + "was healed (" + holder + " " + pair.state(holder) + ", " + holder.other() + " "
                        + pair.state(holder.other()) + "); states seen:\n" + monitor.timeline() + "\n" + pair.consoles(), e);
            }
            report("healing timings", "round " + round + ": the pair re-formed +" + (monitor.elapsedMillis() - heal) + " ms");
        }
        assertNeverBothServing();
    }

    private void cutThePeerCableAndCheckThatOnlyTheHolderServes(Host holder) {
        Host other = holder.other();
        long cut = monitor.elapsedMillis();
        net.cutPeerLink();
        pair.awaitState(holder, "STANDALONE", FAILOVER);
        long alone = monitor.elapsedMillis();
        pair.awaitState(other, "WAITING", FAILOVER);
        long waiting = monitor.elapsedMillis();
        report("peer-cable timings", "after the cut: " + holder + " STANDALONE +" + (alone - cut) + " ms, " + other
                + " WAITING +" + (waiting - cut) + " ms");

        holdsThroughout(HOLD, () -> {
            String h = pair.state(holder);
            String o = pair.state(other);
            boolean exactlyTheHolder = h.equals("STANDALONE") && !PartitionedPair.SERVING.contains(o)
                    && pair.acceptsClients(holder) && !pair.acceptsClients(other);
            return exactlyTheHolder ? null : holder + " is " + h + ", " + other + " is " + o;
        });
        assertThat(pair.attribute(holder, "LockHeld")).isEqualTo("true");
        assertThat(pair.attribute(other, "LockHeld")).isEqualTo("false");
        assertThat(pair.attribute(other, "GatewayReachable")).isEqualTo("true");
    }

    @Test
    void aServerStartedWithoutTheGatewayNeverServesAlone() {
        Host lonely = Host.SECONDARY;
        net.cutGateway(lonely);
        watch();
        pair.start(lonely);
        long started = monitor.elapsedMillis();
        // alone, with the lock free, only the gateway check keeps it from serving
        holdsThroughout(HOLD, () -> {
            String s = pair.state(lonely);
            return s.equals("WAITING") && !pair.acceptsClients(lonely) ? null : lonely + " is " + s
                    + (pair.acceptsClients(lonely) ? " and accepts clients" : "");
        });
        assertThat(pair.attribute(lonely, "GatewayReachable")).isEqualTo("false");
        assertThat(pair.attribute(lonely, "LockHeld")).isEqualTo("false");
        assertThat(pair.haLog(lonely)).contains("gateway");

        // the gateway comes back: the very same server now serves, so the gateway was what held it back
        long restored = monitor.elapsedMillis();
        net.restoreGateway(lonely);
        pair.awaitState(lonely, "STANDALONE", FAILOVER);
        pair.awaitClientPort(lonely, true, FAILOVER);
        report("timings", "WAITING for " + (restored - started) + " ms without the gateway; STANDALONE +"
                + (monitor.elapsedMillis() - restored) + " ms after it came back");
        assertNeverBothServing();
    }
}
