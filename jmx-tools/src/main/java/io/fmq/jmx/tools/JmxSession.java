package io.fmq.jmx.tools;

import java.io.IOException;
import java.net.ConnectException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/** A JMX connection to one server, with connection failures turned into the tools' exit statuses. */
final class JmxSession implements AutoCloseable {
    private static final long CONNECT_TIMEOUT_SECONDS = 15;

    private final JMXConnector connector;
    private final MBeanServerConnection connection;
    private final String address;

    private JmxSession(JMXConnector connector, MBeanServerConnection connection, String address) {
        this.connector = connector;
        this.connection = connection;
        this.address = address;
    }

    static String url(String host, int port) {
        return "service:jmx:rmi:///jndi/rmi://" + host + ":" + port + "/fmq";
    }

    static JmxSession open(String host, int port, String user, String password) throws ToolException {
        String address = host + ":" + port;
        Map<String, Object> env = new HashMap<>();
        env.put(JMXConnector.CREDENTIALS, new String[] {user, password});
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "jmx-connect");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<JMXConnector> f = executor.submit(() -> JMXConnectorFactory.connect(new JMXServiceURL(url(host, port)), env));
            JMXConnector connector = f.get(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return new JmxSession(connector, connector.getMBeanServerConnection(), address);
        } catch (ExecutionException e) {
            throw classify(e.getCause(), address, user);
        } catch (TimeoutException e) {
            throw new ToolException(ExitCodes.UNREACHABLE, "No answer from " + address + " within " + CONNECT_TIMEOUT_SECONDS
                    + " s: check the host, the RMI port (RMIServerPort) and any firewall in between.");
        } catch (IOException e) {
            throw classify(e, address, user);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolException(ExitCodes.FAILED, "Interrupted while connecting to " + address + ".");
        } finally {
            executor.shutdownNow();
        }
    }

    private static ToolException classify(Throwable e, String address, String user) {
        if (e instanceof SecurityException) {
            return new ToolException(ExitCodes.CREDENTIALS_REFUSED, "The server at " + address + " refused the credentials of user '"
                    + user + "' (" + e.getMessage() + "). Give -user and -password (or FMQ_JMX_USER / FMQ_JMX_PASSWORD) of an "
                    + "account in the profile's conf/jmx-users.properties.");
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof ConnectException || c instanceof java.net.UnknownHostException
                    || c instanceof java.rmi.ConnectException || c instanceof javax.naming.ServiceUnavailableException
                    || c instanceof java.net.NoRouteToHostException) {
                return new ToolException(ExitCodes.UNREACHABLE, "No FMQ server is reachable at " + address
                        + ": is it running, and is " + address.substring(address.lastIndexOf(':') + 1) + " its RMIServerPort?");
            }
            if (c instanceof javax.naming.NameNotFoundException) {
                return new ToolException(ExitCodes.UNREACHABLE, "The RMI registry at " + address
                        + " has no FMQ server bound: is this the RMIServerPort of an FMQ server?");
            }
        }
        return new ToolException(ExitCodes.UNREACHABLE, "Cannot connect to " + address + ": " + e);
    }

    MBeanServerConnection connection() {
        return connection;
    }

    String address() {
        return address;
    }

    @Override
    public void close() {
        try {
            connector.close();
        } catch (IOException e) {
            // the server may be gone already (after shutdown): nothing left to close
        }
    }
}
