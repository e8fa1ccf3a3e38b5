package io.fmq.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmq.profile.ConfigKey;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server that must not start says why, exits non-zero and leaves nothing running or bound. */
class StartupRefusalIT {
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

    @Test
    void invalidConfigGivesTheReportAndBindsNothing() throws IOException {
        int[] ports = fmq.useFreePorts("FioranoMQ");
        fmq.configure("FioranoMQ", Map.of(ConfigKey.SERVER_PORT, "70000", ConfigKey.NAGLE_ALGO, "perhaps"));
        Files.writeString(fmq.profile("FioranoMQ").resolve("conf/Config.cfg"), "FMQGroup.PingIntervall=5\n",
                java.nio.file.StandardOpenOption.APPEND);

        Installation.Result r = fmq.run("fmq.sh", "-profile", "FioranoMQ");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
        Path cfg = fmq.profile("FioranoMQ").resolve("conf/Config.cfg");
        assertThat(r.output()).contains("is not valid, so the server was not started",
                cfg + ", line ", "ServerPort=70000", "[port-range]",
                "NagleAlgo=perhaps", "[boolean]",
                "FMQGroup.PingIntervall=5", "did you mean FMQGroup.PingInterval?")
                .doesNotContain("\tat ");
        assertThat(Installation.listening(ports[1])).isFalse();
        assertThat(fmq.serverPid("FioranoMQ")).isEqualTo(-1);
    }

    @Test
    void haProfileWithoutLockFileDoesNotBoot() throws IOException {
        fmq.useFreePorts("FioranoMQ_HA_rpl/HAPrimary");
        fmq.configure("FioranoMQ_HA_rpl/HAPrimary", Map.of(ConfigKey.LOCK_FILE, "null"));

        Installation.Result r = fmq.run("fmq.sh", "-profile", "FioranoMQ_HA_rpl/HAPrimary", "-nobackground");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
        assertThat(r.output()).contains("FMQGroup.LockFile=null", "[lock-file-required]", "cannot boot without a lock file");
    }

    @Test
    void clientPortInUseIsReportedAndTheRmiPortReleased() throws IOException {
        int[] ports = fmq.useFreePorts("FioranoMQ");
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(ports[0]));

            Installation.Result r = fmq.run("fmq.sh", "-profile", "FioranoMQ");

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            assertThat(r.output()).contains("the client port " + ports[0] + " (ServerPort in", "already in use").doesNotContain("\tat ");
            assertThat(Installation.listening(ports[1])).as("RMI port released").isFalse();
        }
        Installation.Result retry = fmq.run("fmq.sh", "-profile", "FioranoMQ");
        assertThat(retry.exitCode()).as("the profile lock was released too: " + retry).isZero();
        assertThat(fmq.run("shutdown-fmq.sh", "-rmiPort", Integer.toString(ports[1])).exitCode()).isZero();
    }

    @Test
    void rmiPortInUseIsReported() throws IOException {
        int[] ports = fmq.useFreePorts("FioranoMQ");
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(ports[1]));

            Installation.Result r = fmq.run("fmq.sh", "-profile", "FioranoMQ", "-nobackground");

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            assertThat(r.output()).contains("the RMI port " + ports[1] + " (RMIServerPort in");
            assertThat(Installation.listening(ports[0])).isFalse();
        }
    }

    @Test
    void corruptDataStoreIsRefusedAndLeftAsItWas() throws Exception {
        int[] ports = fmq.useFreePorts("FioranoMQ");
        Path run = fmq.profile("FioranoMQ").resolve("run");
        try (io.fmq.store.FileJournal journal = io.fmq.store.FileJournal.open(run)) {
            for (int i = 0; i < 20; i++) {
                journal.append(io.fmq.store.RecordType.MESSAGE_ADD, ("message " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8)).get();
            }
        }
        Path segment;
        try (java.util.stream.Stream<Path> s = Files.list(run.resolve("journal"))) {
            segment = s.filter(p -> p.getFileName().toString().endsWith(".seg")).findFirst().orElseThrow();
        }
        byte[] data = Files.readAllBytes(segment);
        data[100] ^= 0x7f;
        Files.write(segment, data);

        Installation.Result r = fmq.run("fmq.sh", "-profile", "FioranoMQ");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.output()).contains("Cannot start: The journal file " + segment, "is corrupt at byte", "Restore the data store")
                .doesNotContain("\tat ");
        assertThat(Files.readAllBytes(segment)).isEqualTo(data);
        assertThat(Installation.listening(ports[1])).isFalse();
    }

    @Test
    void wrongArgumentsPrintTheUsage() {
        for (String script : new String[] {"fmq.sh", "shutdown-fmq.sh", "server-status.sh", "clearDB.sh", "fmq-admin.sh"}) {
            Installation.Result r = fmq.run(script, "-bogus");

            assertThat(r.exitCode()).as(script + ": " + r).isEqualTo(2);
            assertThat(r.output()).as(script).contains("usage:");
        }
    }

    @Test
    void unknownProfileListsTheAvailableOnes() {
        Installation.Result r = fmq.run("fmq.sh", "-profile", "NoSuchProfile");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.output()).contains("No profile 'NoSuchProfile'", "FioranoMQ_HA_rpl/HAPrimary");
    }

    @Test
    void sharedProfileNeedsDbPath() throws IOException {
        fmq.useFreePorts("FioranoMQ_HA_shared/HAPrimary");

        Installation.Result r = fmq.run("fmq.sh", "-profile", "FioranoMQ_HA_shared/HAPrimary");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.output()).contains("-dbPath");
    }
}
