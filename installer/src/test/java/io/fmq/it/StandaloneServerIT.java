package io.fmq.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone profile, run as a user would: started in the background by bin/fmq.sh, read with the
 * project's tools and with a third-party JMX client (jmxterm), refused a second time, stopped by
 * shutdown-fmq.sh. The tests share one server and run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneServerIT {
    private static final String PROFILE = "FioranoMQ";

    @TempDir
    static Path dir;

    static Installation fmq;
    static int clientPort;
    static int rmiPort;

    @BeforeAll
    static void start() throws Exception {
        fmq = Installation.copy(dir);
        int[] ports = fmq.useFreePorts(PROFILE);
        clientPort = ports[0];
        rmiPort = ports[1];

        Installation.Result started = fmq.run("fmq.sh", "-profile", PROFILE);

        assertThat(started.exitCode()).as(started.toString()).isZero();
        assertThat(started.output()).contains(
                "Server's Process ID : ",
                "RMIConnectorServer started at: service:jmx:rmi://localhost:" + rmiPort,
                "Server accepting connections at tcp://0.0.0.0:" + clientPort,
                "Data store contents : 0 records in 1 segment(s), last sequence 0, epoch 0",
                "Profile FioranoMQ successfully deployed on",
                "FMQ server running in the background");
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (fmq != null) {
            fmq.killServers();
        }
    }

    private String port() {
        return Integer.toString(rmiPort);
    }

    @Test
    @Order(1)
    void serverStatusShowsItRunningWithTheShippedAccount() {
        Installation.Result status = fmq.run("server-status.sh", "-rmiPort", port(), "-user", "admin", "-password", "passwd");

        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.output()).contains("State              RUNNING", "Client port        " + clientPort,
                "Role               standalone, HA mode none", "HA state           n/a");
    }

    @Test
    @Order(2)
    void serverStatusAsJsonForScripts() {
        Installation.Result status = fmq.run("server-status.sh", "-rmiPort", port(), "--json");

        assertThat(status.exitCode()).isZero();
        assertThat(status.output().trim()).startsWith("{").endsWith("}")
                .contains("\"state\":\"RUNNING\"", "\"rmiPort\":" + rmiPort, "\"profile\":\"FioranoMQ\"", "\"haState\":\"n/a\"");
    }

    @Test
    @Order(3)
    void everyConfigParameterIsReadableOverJmx() {
        Installation.Result get = fmq.run("fmq-admin.sh", "get", "-rmiPort", port(), "HA/HAManager/FioranoHAManager",
                "PingInterval", "ActiveLockReAcquisitionInterval", "PassiveLockAcquisitionInterval", "LockFile", "isPrimary");
        assertThat(get.exitCode()).as(get.toString()).isZero();
        assertThat(get.output()).contains("PingInterval = 30000", "ActiveLockReAcquisitionInterval = 30000",
                "PassiveLockAcquisitionInterval = 60000", "LockFile = null", "isPrimary = true");

        Installation.Result rmi = fmq.run("fmq-admin.sh", "get", "-rmiPort", port(), "jmx/RMIBasedJMXConnector", "RMIServerPort");
        assertThat(rmi.output().trim()).isEqualTo(port());

        Installation.Result list = fmq.run("fmq-admin.sh", "list", "-rmiPort", port(), "HA/HAConnectionManager/FioranoHAConnectionManager");
        assertThat(list.output()).contains("attribute Port (int)", "attribute NagleAlgo (boolean)", "FMQGroup.Port");
    }

    @Test
    @Order(4)
    void aThirdPartyJmxClientReadsTheServerMBean() {
        for (String url : List.of("localhost:" + rmiPort, "service:jmx:rmi:///jndi/rmi://localhost:" + rmiPort + "/fmq")) {
            Installation.Result r = jmxterm(url, "admin", "passwd", "get -b fmq:type=Server State ClientPort\n");

            assertThat(r.output()).as(r.toString()).contains("State = RUNNING;", "ClientPort = " + clientPort + ";");
        }
    }

    @Test
    @Order(4)
    void theJmxSampleRunsFromTheDistribution() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Installation.Result r = Installation.exec(List.of(java, "ServerStatus.java", "localhost", port()), Installation.env(), null,
                fmq.home.resolve("samples/JMX"));

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.output()).contains("State      : RUNNING", "ClientPort : " + clientPort, "PingInterval (ms): 30000");
    }

    @Test
    @Order(5)
    void wrongPasswordIsRefused() {
        Installation.Result tool = fmq.run("server-status.sh", "-rmiPort", port(), "-user", "admin", "-password", "wrong");
        assertThat(tool.exitCode()).isEqualTo(4);
        assertThat(tool.output()).contains("refused the credentials of user 'admin'").doesNotContain("Exception\n\tat ");

        Installation.Result noUser = fmq.run("server-status.sh", "-rmiPort", port(), "-user", "nobody", "-password", "passwd");
        assertThat(noUser.exitCode()).isEqualTo(4);

        Installation.Result third = jmxterm("localhost:" + rmiPort, "admin", "wrong", "get -b fmq:type=Server State\n");
        assertThat(third.output()).doesNotContain("State = RUNNING").containsIgnoringCase("invalid username or password");
    }

    @Test
    @Order(6)
    void readOnlyAccountReadsButCannotChangeOrStop() {
        Installation.Result add = fmq.run(Installation.env(), "s3cret\n", "jmx-users.sh", "-profile", PROFILE, "set", "monitor",
                "readonly", "-passwordStdin");
        assertThat(add.exitCode()).as(add.toString()).isZero();
        assertThat(fmq.profile(PROFILE).resolve("conf/jmx-users.properties")).content().doesNotContain("s3cret");

        Installation.Result status = fmq.run("server-status.sh", "-rmiPort", port(), "-user", "monitor", "-password", "s3cret");
        assertThat(status.exitCode()).as(status.toString()).isZero();

        Installation.Result set = fmq.run("fmq-admin.sh", "set", "-rmiPort", port(), "-user", "monitor", "-password", "s3cret",
                "Server", "LogLevel", "DEBUG");
        assertThat(set.exitCode()).as(set.toString()).isEqualTo(5);
        assertThat(set.output()).contains("read-only");

        Installation.Result stop = fmq.run(Installation.env("FMQ_JMX_USER", "monitor", "FMQ_JMX_PASSWORD", "s3cret"), null,
                "shutdown-fmq.sh", "-rmiPort", port());
        assertThat(stop.exitCode()).as(stop.toString()).isEqualTo(5);
        assertThat(Installation.listening(rmiPort)).isTrue();
    }

    @Test
    @Order(7)
    void writableAttributeCanBeSetByAdmin() {
        Installation.Result set = fmq.run("fmq-admin.sh", "set", "-rmiPort", port(), "Server", "LogLevel", "debug");
        assertThat(set.exitCode()).as(set.toString()).isZero();
        assertThat(set.output()).contains("LogLevel = DEBUG");

        Installation.Result bad = fmq.run("fmq-admin.sh", "set", "-rmiPort", port(), "Server", "LogLevel", "loud");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.output()).contains("'loud' is not a log level");
    }

    @Test
    @Order(8)
    void secondStartOnTheSameProfileIsRefusedNamingTheRunningServer() {
        long pid = fmq.serverPid(PROFILE);

        Installation.Result second = fmq.run("fmq.sh", "-profile", PROFILE);

        assertThat(second.exitCode()).as(second.toString()).isEqualTo(4);
        assertThat(second.output()).contains("already running", "pid " + pid, "client port " + clientPort, "RMI port " + rmiPort);
        assertThat(ProcessHandle.of(pid)).get().matches(ProcessHandle::isAlive);
    }

    @Test
    @Order(9)
    void clearDbIsRefusedWhileTheServerRuns() {
        Installation.Result clear = fmq.run("clearDB.sh", PROFILE);

        assertThat(clear.exitCode()).as(clear.toString()).isEqualTo(4);
        assertThat(clear.output()).contains("shutdown-fmq.sh -rmiPort " + rmiPort);
    }

    @Test
    @Order(10)
    void shutdownStopsTheServerAndFreesItsPorts() throws Exception {
        long pid = fmq.serverPid(PROFILE);

        Installation.Result stop = fmq.run("shutdown-fmq.sh", "-rmiPort", port());

        assertThat(stop.exitCode()).as(stop.toString()).isZero();
        assertThat(stop.output()).contains("Server FioranoMQ stopped.");
        await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        assertThat(Installation.listening(rmiPort)).isFalse();
        assertThat(Installation.listening(clientPort)).isFalse();
        assertThat(Files.readString(fmq.profile(PROFILE).resolve("logs/fmq.log")))
                .contains("Server stopped: profile FioranoMQ, store closed");

        Installation.Result again = fmq.run("server-status.sh", "-rmiPort", port());
        assertThat(again.exitCode()).isEqualTo(3);

        Installation.Result clear = fmq.run("clearDB.sh", PROFILE);
        assertThat(clear.exitCode()).as(clear.toString()).isZero();
    }

    private Installation.Result jmxterm(String url, String user, String password, String commands) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return Installation.exec(List.of(java, "-jar", System.getProperty("jmxterm.jar"), "-l", url, "-u", user, "-p", password,
                "-n", "-v", "silent"), Installation.env(), commands + "quit\n", fmq.workDir);
    }
}
