package io.fmq.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Foreground servers: SIGTERM and the JMX shutdown both stop them cleanly with exit status 0. */
class ServerLifecycleIT {
    private static final Duration START = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    Installation fmq;

    @BeforeEach
    void copy() throws IOException {
        fmq = Installation.copy(dir);
    }

    @AfterEach
    void cleanUp() throws IOException {
        fmq.killServers();
    }

    private void awaitRunning(int rmiPort) {
        await().atMost(START).pollInterval(Duration.ofMillis(200))
                .until(() -> fmq.run("server-status.sh", "-rmiPort", Integer.toString(rmiPort)).exitCode() == 0);
    }

    @Test
    void sigtermStopsTheServerWithStatusZeroAndFreesItsPorts() throws Exception {
        int[] ports = fmq.useFreePorts("FioranoMQ");
        Process server = fmq.startForeground("-profile", "FioranoMQ");
        awaitRunning(ports[1]);

        server.destroy(); // SIGTERM

        assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(server.exitValue()).isZero();
        assertThat(Installation.listening(ports[0])).isFalse();
        assertThat(Installation.listening(ports[1])).isFalse();
        assertThat(Files.readString(fmq.profile("FioranoMQ").resolve("server.pid"))).isEmpty();
    }

    @Test
    void jmxShutdownOperationEndsTheProcessWithStatusZero() throws Exception {
        int[] ports = fmq.useFreePorts("FioranoMQ");
        Process server = fmq.startForeground("-profile", "FioranoMQ");
        awaitRunning(ports[1]);

        Installation.Result r = fmq.run("fmq-admin.sh", "invoke", "-rmiPort", Integer.toString(ports[1]), "Server", "shutdown");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(server.exitValue()).isZero();
        assertThat(Installation.listening(ports[0])).isFalse();
    }

    @Test
    void replicatedProfileStartsWaitingForItsPeerAndReportsItsHaState() throws Exception {
        String profile = "FioranoMQ_HA_rpl/HAPrimary";
        int[] ports = fmq.useFreePorts(profile);

        Installation.Result started = fmq.run("fmq.sh", "-profile", profile);

        assertThat(started.exitCode()).as(started.toString()).isZero();
        assertThat(started.output()).contains("HA mode             : replicated, Primary server (isPrimary=true)",
                "HA channel          : listens on port " + ports[2],
                "Lock file           : " + fmq.home.resolve("profiles/FioranoMQ_HA_rpl/lock.dat"),
                "Gateway             : localhost:7");
        // the HA controller's first state and the channel's first attempt may come after the script has left the server
        // to run in the background: they are in the console file the server goes on writing
        Path console = fmq.profile(profile).resolve("logs/fmq.out");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(console)
                && Files.readString(console).contains("Primary Server switched to WAITING")
                && Files.readString(console).contains("Trying to establish connection with localhost:"));
        Installation.Result status = fmq.run("server-status.sh", "-rmiPort", Integer.toString(ports[1]), "--json");
        assertThat(status.output()).contains("\"role\":\"primary\"", "\"haMode\":\"replicated\"", "\"haActive\":true",
                "\"haState\":\"WAITING\"", "\"peerState\":\"DEAD\"");
        assertThat(Installation.listening(ports[0])).as("a waiting server accepts no clients").isFalse();
        assertThat(fmq.run("shutdown-fmq.sh", "-rmiPort", Integer.toString(ports[1])).exitCode()).isZero();
    }

    @Test
    void dbPathPutsTheStoreWhereAsked() throws Exception {
        int[] ports = fmq.useFreePorts("FioranoMQ");
        Path store = dir.resolve("shared store");

        Installation.Result started = fmq.run("fmq.sh", "-profile", "FioranoMQ", "-dbPath", store.toString());

        assertThat(started.exitCode()).as(started.toString()).isZero();
        assertThat(store.resolve("store.lock")).exists();
        Installation.Result get = fmq.run("fmq-admin.sh", "get", "-rmiPort", Integer.toString(ports[1]), "Server", "StorePath");
        assertThat(get.output().trim()).isEqualTo(store.toString());
        assertThat(fmq.run("shutdown-fmq.sh", "-rmiPort", Integer.toString(ports[1])).exitCode()).isZero();
    }
}
