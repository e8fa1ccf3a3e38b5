package io.fmq.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmq.client.FmqConnectionFactory;
import jakarta.jms.Connection;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fmq-users.sh}: messaging users, groups and grants of a stopped server, from the distribution. */
class OfflineUsersIT {
    static final String PROFILE = "FioranoMQ";

    @TempDir
    Path dir;

    Installation fmq;
    int clientPort;
    int rmiPort;

    @BeforeEach
    void install() throws Exception {
        fmq = Installation.copy(dir);
        int[] ports = fmq.useFreePorts(PROFILE);
        clientPort = ports[0];
        rmiPort = ports[1];
    }

    @AfterEach
    void kill() throws Exception {
        fmq.killServers();
    }

    Installation.Result users(String stdin, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "-profile";
        all[1] = PROFILE;
        System.arraycopy(args, 0, all, 2, args.length);
        return fmq.run(Installation.env(), stdin, "fmq-users.sh", all);
    }

    Connection connect(String user, String password) throws Exception {
        return new FmqConnectionFactory("fmq://localhost:" + clientPort).createConnection(user, password);
    }

    @Test
    void aUserAddedBeforeTheFirstStartCanLogInAndUseItsGrants() throws Exception {
        Installation.Result add = users("s3cret\n", "set", "alice", "-passwordStdin");
        assertThat(add.exitCode()).as(add.toString()).isZero();
        assertThat(add.output()).contains("Added messaging user 'alice'");
        Installation.Result grant = users(null, "grant", "alice", "queue:orders", "send,receive");
        assertThat(grant.exitCode()).as(grant.toString()).isZero();
        Installation.Result list = users(null, "list");
        assertThat(list.output().lines()).containsExactly("admin", "alice");
        assertThat(users(null, "grants").output()).contains("alice").contains("queue:orders");

        assertThat(fmq.run("fmq.sh", "-profile", PROFILE).exitCode()).isZero();
        try (Connection c = connect("alice", "s3cret")) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue("orders");
            s.createProducer(q).send(s.createTextMessage("from alice"));
            assertThat(((TextMessage) s.createConsumer(q).receive(20_000)).getText()).isEqualTo("from alice");
        }
        try (Connection c = connect("admin", "passwd")) {
            assertThat(c.getClientID()).isNull(); // the default account is still there
        }

        Installation.Result whileRunning = users(null, "remove", "alice");
        assertThat(whileRunning.exitCode()).as(whileRunning.toString()).isEqualTo(4);
        assertThat(whileRunning.output()).contains("A server is running on the profile").contains("shutdown-fmq.sh -rmiPort " + rmiPort)
                .doesNotContain("Exception");

        Installation.Result stop = fmq.run("shutdown-fmq.sh", "-rmiPort", Integer.toString(rmiPort), "-user", "admin", "-password",
                "passwd");
        assertThat(stop.exitCode()).as(stop.toString()).isZero();
        Installation.Result remove = users(null, "remove", "alice");
        assertThat(remove.exitCode()).as(remove.toString()).isZero();
        assertThat(fmq.run("fmq.sh", "-profile", PROFILE).exitCode()).isZero();
        assertThatThrownBy(() -> connect("alice", "s3cret").close()).isInstanceOf(JMSSecurityException.class);
    }

    @Test
    void badCommandsAndReplicatedProfilesAreRefusedWithAReason() {
        Installation.Result usage = users(null, "add");
        assertThat(usage.exitCode()).isEqualTo(2);
        assertThat(usage.output()).contains("usage: fmq-users.sh");
        Installation.Result noPassword = users("", "set", "bob", "-passwordStdin");
        assertThat(noPassword.exitCode()).isEqualTo(2);
        assertThat(noPassword.output()).contains("No password given");
        Installation.Result missing = users(null, "remove", "nobody");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.output()).contains("There is no messaging user 'nobody'");
        Installation.Result badGrant = users(null, "grant", "bob", "queue:orders", "fly");
        assertThat(badGrant.exitCode()).as(badGrant.toString()).isEqualTo(2);
        assertThat(badGrant.output()).contains("Nothing was changed").doesNotContain("Exception");
        Installation.Result replicated = fmq.run(Installation.env(), "pw\n", "fmq-users.sh", "-profile", "FioranoMQ_HA_rpl/HAPrimary",
                "set", "bob", "-passwordStdin");
        assertThat(replicated.exitCode()).isEqualTo(2);
        assertThat(replicated.output()).contains("replicated HA pair").contains("setUser");
    }
}
