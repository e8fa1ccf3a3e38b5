package io.fmq.server.jmx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmq.management.Description;
import io.fmq.profile.JmxUsers;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import javax.management.Attribute;
import javax.management.MBeanServer;
import javax.management.MBeanServerConnection;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JMX connector on loopback: one port, both names, password authentication and the two access levels. */
class JmxSecurityTest {
    /** A small MXBean with a writable attribute, an informational and an action operation. */
    @Description("test bean")
    public interface ProbeMXBean {
        @Description("a number")
        int getValue();

        void setValue(int value);

        @Description("reads")
        @io.fmq.management.Informational
        int peek();

        @Description("changes")
        void reset();
    }

    public static final class Probe implements ProbeMXBean {
        int value = 1;

        public int getValue() {
            return value;
        }

        public void setValue(int value) {
            this.value = value;
        }

        public int peek() {
            return value;
        }

        public void reset() {
            value = 0;
        }
    }

    @TempDir
    Path dir;

    private final MBeanServer mbeans = MBeanServerFactory.newMBeanServer();
    private final ObjectName name = io.fmq.management.ObjectNames.of("fmq:type=Probe");
    private JmxConnector connector;
    private int port;

    @BeforeEach
    void start() throws Exception {
        Path users = dir.resolve("jmx-users.properties");
        JmxUsers.read(users).withUser("admin", JmxUsers.Access.READWRITE, "passwd".toCharArray())
                .withUser("monitor", JmxUsers.Access.READONLY, "watch".toCharArray()).save();
        DescribedMXBean<ProbeMXBean> bean = new DescribedMXBean<>(new Probe(), ProbeMXBean.class);
        mbeans.registerMBean(bean, name);
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        connector = JmxConnector.start(mbeans, "localhost", port, new ProfileAuthenticator(users));
    }

    @AfterEach
    void stop() throws Exception {
        connector.close();
    }

    private JMXConnector connect(String binding, String... credentials) throws Exception {
        Map<String, Object> env = credentials.length == 0 ? Map.of() : Map.of(JMXConnector.CREDENTIALS, credentials);
        return JMXConnectorFactory.connect(new JMXServiceURL("service:jmx:rmi:///jndi/rmi://localhost:" + port + "/" + binding), env);
    }

    @Test
    void bothBindingsServeTheSameMBeansToAValidUser() throws Exception {
        for (String binding : new String[] {"fmq", "jmxrmi"}) {
            try (JMXConnector c = connect(binding, "admin", "passwd")) {
                assertThat(c.getMBeanServerConnection().getAttribute(name, "Value")).isEqualTo(1);
            }
        }
        assertThat(connector.url().toString()).isEqualTo("service:jmx:rmi://localhost:" + port + "/jndi/rmi://localhost:" + port + "/fmq");
    }

    @Test
    void missingOrWrongCredentialsAreRefused() {
        assertThatThrownBy(() -> connect("fmq")).isInstanceOf(SecurityException.class).hasMessageContaining("Credentials required");
        assertThatThrownBy(() -> connect("fmq", "admin", "nope")).isInstanceOf(SecurityException.class)
                .hasMessageContaining("Invalid username or password");
        assertThatThrownBy(() -> connect("fmq", "ghost", "passwd")).isInstanceOf(SecurityException.class);
    }

    @Test
    void readOnlyUserReadsAndCallsInformationalOperationsOnly() throws Exception {
        try (JMXConnector c = connect("fmq", "monitor", "watch")) {
            MBeanServerConnection m = c.getMBeanServerConnection();
            assertThat(m.getAttribute(name, "Value")).isEqualTo(1);
            assertThat(m.invoke(name, "peek", null, null)).isEqualTo(1);
            assertThat(m.getMBeanInfo(name).getDescription()).isEqualTo("test bean");

            assertThatThrownBy(() -> m.setAttribute(name, new Attribute("Value", 5))).isInstanceOf(SecurityException.class)
                    .hasMessageContaining("'monitor' is read-only");
            assertThatThrownBy(() -> m.invoke(name, "reset", null, null)).isInstanceOf(SecurityException.class);
            assertThatThrownBy(() -> m.unregisterMBean(name)).isInstanceOf(SecurityException.class);
        }
        assertThat(mbeans.getAttribute(name, "Value")).isEqualTo(1);
    }

    @Test
    void readWriteUserChangesThings() throws Exception {
        try (JMXConnector c = connect("jmxrmi", "admin", "passwd")) {
            c.getMBeanServerConnection().setAttribute(name, new Attribute("Value", 5));
            c.getMBeanServerConnection().invoke(name, "reset", null, null);
        }
        assertThat(mbeans.getAttribute(name, "Value")).isEqualTo(0);
    }

    @Test
    void passwordChangesApplyWithoutRestart() throws Exception {
        Path users = dir.resolve("jmx-users.properties");
        JmxUsers.read(users).withUser("admin", JmxUsers.Access.READWRITE, "changed".toCharArray()).save();
        // make the change visible even on file systems with coarse modification times
        java.nio.file.Files.setLastModifiedTime(users, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 10_000));

        assertThatThrownBy(() -> connect("fmq", "admin", "passwd")).isInstanceOf(SecurityException.class);
        try (JMXConnector c = connect("fmq", "admin", "changed")) {
            assertThat(c.getMBeanServerConnection().getAttribute(name, "Value")).isEqualTo(1);
        }
    }

    @Test
    void portInUseIsReportedAndNothingIsLeftExported() throws Exception {
        assertThatThrownBy(() -> JmxConnector.start(mbeans, "localhost", port, credentials -> null))
                .isInstanceOf(io.fmq.server.net.PortInUseException.class);
        try (JMXConnector c = connect("fmq", "admin", "passwd")) {
            assertThat(c.getMBeanServerConnection().getAttribute(name, "Value")).isEqualTo(1);
        }
    }
}
