package io.fmq.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmq.client.FmqConnectionFactory;
import jakarta.jms.Connection;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Messaging users, groups and grants, managed over JMX and enforced on JMS operations, across a restart. */
class SecurityIT {
    @TempDir
    static Path dir;

    static Installation fmq;
    static int clientPort;
    static String rmi;

    @BeforeAll
    static void start() throws Exception {
        fmq = Installation.copy(dir);
        int[] ports = fmq.useFreePorts("FioranoMQ");
        clientPort = ports[0];
        rmi = Integer.toString(ports[1]);
        assertThat(fmq.run("fmq.sh", "-profile", "FioranoMQ").exitCode()).isZero();
    }

    @AfterAll
    static void stop() throws Exception {
        fmq.killServers();
    }

    private static void broker(String operation, String... args) {
        String[] command = new String[5 + args.length];
        command[0] = "invoke";
        command[1] = "-rmiPort";
        command[2] = rmi;
        command[3] = "fmq:type=Broker";
        command[4] = operation;
        System.arraycopy(args, 0, command, 5, args.length);
        Installation.Result r = fmq.run("fmq-admin.sh", command);
        assertThat(r.exitCode()).as(r.toString()).isZero();
    }

    private static Connection as(String user, String password) throws Exception {
        return new FmqConnectionFactory("fmq://localhost:" + clientPort).createConnection(user, password);
    }

    @Test
    void grantsDecideWhoMaySendAndReceiveAndSurviveARestart() throws Exception {
        broker("setUser", "alice", "wonder");
        try (Connection c = as("alice", "wonder")) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = s.createProducer(s.createQueue("orders.eu"));
            assertThatThrownBy(() -> p.send(s.createTextMessage("x"))).isInstanceOf(JMSSecurityException.class)
                    .hasMessageContaining("'alice' may not send to queue orders.eu");
        }

        broker("grant", "alice", "queue:orders.*", "send");
        broker("setGroup", "readers", "alice");
        broker("grant", "group:readers", "queue:orders.eu", "receive");
        Installation.Result grants = fmq.run("fmq-admin.sh", "invoke", "-rmiPort", rmi, "fmq:type=Broker", "listGrants");
        assertThat(grants.output()).contains("alice queue:orders.* send", "group:readers queue:orders.eu receive",
                "group:administrators * send,receive,browse,admin");

        try (Connection c = as("alice", "wonder")) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            s.createProducer(s.createQueue("orders.eu")).send(s.createTextMessage("granted"));
            assertThatThrownBy(() -> s.createProducer(s.createQueue("payroll")).send(s.createTextMessage("x")))
                    .isInstanceOf(JMSSecurityException.class).hasMessageContaining("queue payroll");
            assertThatThrownBy(() -> s.createConsumer(s.createQueue("orders.us"))).isInstanceOf(JMSSecurityException.class)
                    .hasMessageContaining("may not receive from queue orders.us");
            assertThat(((jakarta.jms.TextMessage) s.createConsumer(s.createQueue("orders.eu")).receive(10_000)).getText())
                    .isEqualTo("granted");
        }

        assertThat(fmq.run("shutdown-fmq.sh", "-rmiPort", rmi).exitCode()).isZero();
        assertThat(fmq.run("fmq.sh", "-profile", "FioranoMQ").exitCode()).isZero();

        try (Connection c = as("alice", "wonder")) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            s.createProducer(s.createQueue("orders.eu")).send(s.createTextMessage("after restart"));
            s.createConsumer(s.createQueue("orders.eu")).close();
        }
        broker("grant", "alice", "queue:orders.*", "");
        try (Connection c = as("alice", "wonder")) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertThatThrownBy(() -> s.createProducer(s.createQueue("orders.eu")).send(s.createTextMessage("x")))
                    .isInstanceOf(JMSSecurityException.class);
        }
        broker("removeUser", "alice");
        assertThatThrownBy(() -> as("alice", "wonder")).isInstanceOf(JMSSecurityException.class);
    }

    @Test
    void badGrantsAreRefusedWithAReason() {
        Installation.Result r = fmq.run("fmq-admin.sh", "invoke", "-rmiPort", rmi, "fmq:type=Broker", "grant", "bob", "orders", "send");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.output()).contains("is not a destination pattern");
        Installation.Result w = fmq.run("fmq-admin.sh", "invoke", "-rmiPort", rmi, "fmq:type=Broker", "grant", "bob", "queue:x", "fly");
        assertThat(w.output()).contains("'fly' is not a permission");
    }
}
