package io.fmq.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmq.management.ObjectNames;
import io.fmq.profile.ConfigDocument;
import io.fmq.profile.ConfigKey;
import io.fmq.profile.JmxUsers;
import io.fmq.profile.Profile;
import io.fmq.profile.ProfileLoader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server assembly in-process: start order, what runs after start, and that a failed start leaves nothing behind. */
class ServerTest {
    @TempDir
    Path dir;

    private final MBeanServer mbeans = MBeanServerFactory.newMBeanServer();
    private final AtomicLong nanos = new AtomicLong();

    private Profile profile(int clientPort, int rmiPort) throws IOException {
        Path folder = dir.resolve("profiles/Test");
        Files.createDirectories(folder.resolve("conf"));
        ConfigDocument.of(folder.resolve("conf/Config.cfg"), "ObjectName=Container\n")
                .with(ConfigKey.SERVER_PORT, Integer.toString(clientPort))
                .with(ConfigKey.RMI_SERVER_PORT, Integer.toString(rmiPort)).save();
        JmxUsers.read(JmxUsers.fileOf(folder)).withUser("admin", JmxUsers.Access.READWRITE, "passwd".toCharArray()).save();
        return ProfileLoader.load(folder).profile().orElseThrow();
    }

    private Server server(Profile profile) {
        return new Server(new Server.Settings(profile, profile.folder().resolve("run"), profile.folder().resolve("logs"), "test", 7),
                mbeans, Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC), nanos::get, new ConsoleLog(), Main::compileSelector);
    }

    private static InstanceLock profileLock(Profile p) throws Exception {
        return Server.lock(Server.profileLockFile(p), Map.of("pid", "7"), "profile");
    }

    @Test
    void startedServerListensPublishesItsMBeansAndStopReleasesEverything() throws Exception {
        int[] ports = freePorts();
        Profile p = profile(ports[0], ports[1]);
        Server server = server(p);

        server.start(profileLock(p));

        assertThat(server.state()).isEqualTo(Server.State.RUNNING);
        assertThat(listening(ports[0])).isTrue();
        assertThat(listening(ports[1])).isTrue();
        assertThat(mbeans.getAttribute(ObjectNames.SERVER, "State")).isEqualTo("RUNNING");
        assertThat(mbeans.getAttribute(ObjectNames.SERVER, "StartTime")).isEqualTo("2026-01-01T00:00:00Z");
        nanos.addAndGet(5_000_000_000L);
        assertThat(mbeans.getAttribute(ObjectNames.SERVER, "UptimeMillis")).isEqualTo(5000L);
        assertThat(mbeans.queryNames(ObjectNames.ALL_CONFIG, null)).hasSize(io.fmq.profile.ConfigNode.values().length);
        assertThat(InstanceLock.isHeld(p.folder().resolve("run/store.lock"))).isTrue();
        long appended = server.journal().append(io.fmq.store.RecordType.EPOCH, new byte[8]).get();
        java.util.List<String> changes = new java.util.concurrent.CopyOnWriteArrayList<>();
        mbeans.addNotificationListener(ObjectNames.SERVER, (n, handback) -> {
            javax.management.AttributeChangeNotification c = (javax.management.AttributeChangeNotification) n;
            changes.add(c.getAttributeName() + ":" + c.getOldValue() + "->" + c.getNewValue());
        }, null, null);

        server.stop();

        assertThat(changes).containsExactly("State:RUNNING->STOPPING");
        assertThat(server.state()).isEqualTo(Server.State.STOPPED);
        assertThat(listening(ports[0])).isFalse();
        assertThat(listening(ports[1])).isFalse();
        assertThat(mbeans.isRegistered(ObjectNames.SERVER)).isFalse();
        assertThat(InstanceLock.isHeld(p.folder().resolve("run/store.lock"))).isFalse();
        assertThat(InstanceLock.isHeld(Server.profileLockFile(p))).isFalse();
        assertThat(server.journal().append(io.fmq.store.RecordType.DESTINATION_ADD, new byte[] {2}))
                .as("journal closed").isCompletedExceptionally();
        try (io.fmq.store.FileJournal reopened = io.fmq.store.FileJournal.open(p.folder().resolve("run"))) {
            assertThat(reopened.lastSequence()).isEqualTo(appended);
            assertThat(reopened.recoveryReport().repairs()).isEmpty();
        }
    }

    @Test
    void failedStartLeavesNoPortLockOrMBeanBehind() throws Exception {
        int[] ports = freePorts();
        Profile p = profile(ports[0], ports[1]);
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(ports[0]));
            Server server = server(p);

            assertThatThrownBy(() -> server.start(profileLock(p)))
                    .isInstanceOf(StartupException.class)
                    .hasMessageContaining("client port " + ports[0]).hasMessageContaining("already in use");
        }
        assertThat(listening(ports[1])).isFalse();
        assertThat(mbeans.queryNames(ObjectNames.of("fmq:*"), null)).isEmpty();
        assertThat(InstanceLock.isHeld(p.folder().resolve("run/store.lock"))).isFalse();
        assertThat(InstanceLock.isHeld(Server.profileLockFile(p))).isFalse();
    }

    @Test
    void stopIsIdempotent() throws Exception {
        int[] ports = freePorts();
        Profile p = profile(ports[0], ports[1]);
        Server server = server(p);
        server.start(profileLock(p));

        server.stop();
        server.stop();

        assertThat(server.state()).isEqualTo(Server.State.STOPPED);
    }

    static int[] freePorts() throws IOException {
        try (ServerSocket a = new ServerSocket(0); ServerSocket b = new ServerSocket(0)) {
            return new int[] {a.getLocalPort(), b.getLocalPort()};
        }
    }

    static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("localhost", port), 1000);
            // a connect to a free port in the ephemeral range can meet itself (TCP simultaneous open): not a listener
            return s.getLocalPort() != port;
        } catch (IOException e) {
            return false;
        }
    }
}
