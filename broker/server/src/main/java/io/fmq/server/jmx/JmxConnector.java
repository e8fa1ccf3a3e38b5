package io.fmq.server.jmx;

import java.io.IOException;
import java.rmi.NoSuchObjectException;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.ExportException;
import java.rmi.server.UnicastRemoteObject;
import java.util.HashMap;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.remote.JMXAuthenticator;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;
import io.fmq.server.net.PortInUseException;

/**
 * The JMX RMI connector on one port: the RMI registry and the connector's remote objects share
 * {@code RMIServerPort}, and the connector is bound in the registry as both {@code fmq} and {@code jmxrmi},
 * so {@code service:jmx:rmi:///jndi/rmi://HOST:PORT/fmq} and plain {@code jconsole HOST:PORT} both work.
 * The host the stubs advertise is the {@code java.rmi.server.hostname} system property, set by the
 * server's bootstrap from {@code RMIServerHost}.
 */
public final class JmxConnector implements AutoCloseable {
    private final Registry registry;
    private final JMXConnectorServer server;
    private final JMXServiceURL url;

    private JmxConnector(Registry registry, JMXConnectorServer server, JMXServiceURL url) {
        this.registry = registry;
        this.server = server;
        this.url = url;
    }

    /**
     * Starts the connector. A port already in use is a {@link PortInUseException}; on any failure
     * nothing is left exported.
     */
    public static JmxConnector start(MBeanServer mbeans, String host, int port, JMXAuthenticator authenticator)
            throws IOException, PortInUseException {
        Registry registry;
        try {
            registry = LocateRegistry.createRegistry(port);
        } catch (ExportException e) {
            throw new PortInUseException(port, e);
        }
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi://" + host + ":" + port + "/jndi/rmi://" + host + ":" + port + "/fmq");
        Map<String, Object> env = new HashMap<>();
        env.put(JMXConnectorServer.AUTHENTICATOR, authenticator);
        // Only a user name and a password may be deserialised from an unauthenticated client.
        env.put(RMIConnectorServer.CREDENTIALS_FILTER_PATTERN, "java.lang.String;!*");
        JMXConnectorServer server = JMXConnectorServerFactory.newJMXConnectorServer(url, env, mbeans);
        try {
            server.setMBeanServerForwarder(AccessControl.newForwarder());
            server.start();
            registry.rebind("jmxrmi", registry.lookup("fmq"));
        } catch (IOException | java.rmi.NotBoundException | RuntimeException e) {
            try {
                server.stop();
            } catch (IOException ignored) {
                // stopping a half-started connector is best effort; the registry is unexported below
            }
            unexport(registry);
            if (e instanceof IOException) {
                throw (IOException) e;
            }
            throw new IOException("cannot start the JMX connector: " + e.getMessage(), e);
        }
        return new JmxConnector(registry, server, url);
    }

    /** The URL as printed in {@code RMIConnectorServer started at: ...}. */
    public JMXServiceURL url() {
        return url;
    }

    /** Stops the connector (closing client connections) and releases the port. */
    @Override
    public void close() throws IOException {
        try {
            server.stop();
        } finally {
            unexport(registry);
        }
    }

    private static void unexport(Registry registry) {
        try {
            UnicastRemoteObject.unexportObject(registry, true);
        } catch (NoSuchObjectException e) {
            // already unexported
        }
    }
}
