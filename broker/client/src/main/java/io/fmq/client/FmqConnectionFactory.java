package io.fmq.client;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.QueueConnection;
import jakarta.jms.QueueConnectionFactory;
import jakarta.jms.TopicConnection;
import jakarta.jms.TopicConnectionFactory;
import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

/**
 * Creates connections to an FMQ server: {@code new FmqConnectionFactory("fmq://host:1856")}
 * ({@code tcp://} works too). Defaults for connections: {@link #setUser}/{@link #setPassword}
 * (used by the no-argument {@code createConnection()}), {@link #setClientID}, the prefetch per consumer
 * and the heartbeat interval. Backup URLs and durable connections are kept for the HA failover.
 */
public class FmqConnectionFactory implements ConnectionFactory, QueueConnectionFactory, TopicConnectionFactory, Serializable {
    private static final long serialVersionUID = 1L;

    private String host;
    private int port;
    private String url;
    private List<String> backupUrls = List.of();
    private boolean durableConnections;
    private String user;
    private String password;
    private String clientId;
    private int prefetch = 512;
    private int heartbeatMillis = 10_000;
    private int requestTimeoutMillis = 60_000;

    public FmqConnectionFactory() {
        this("fmq://localhost:1856");
    }

    public FmqConnectionFactory(String url) {
        setURL(url);
    }

    /**
     * The server's URL, {@code fmq://host:port} or {@code tcp://host:port} (port 1856 when omitted), with
     * optional defaults as query parameters: {@code ?user=U&password=P&clientID=C&prefetch=N}.
     */
    public final void setURL(String url) {
        try {
            URI u = new URI(url.trim());
            if (u.getScheme() == null || !(u.getScheme().equals("fmq") || u.getScheme().equals("tcp")) || u.getHost() == null) {
                throw new IllegalArgumentException("'" + url + "' is not an FMQ URL: use fmq://host:port");
            }
            host = u.getHost();
            port = u.getPort() < 0 ? 1856 : u.getPort();
            this.url = url.trim();
            if (u.getRawQuery() != null) {
                for (String pair : u.getRawQuery().split("&")) {
                    int eq = pair.indexOf('=');
                    String key = eq < 0 ? pair : pair.substring(0, eq);
                    String value = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
                    switch (key) {
                        case "user": user = value; break;
                        case "password": password = value; break;
                        case "clientID": clientId = value; break;
                        case "prefetch": setPrefetch(Integer.parseInt(value)); break;
                        default: throw new IllegalArgumentException("unknown option '" + key + "' in " + url
                                + " (known: user, password, clientID, prefetch)");
                    }
                }
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + url + "' is not an FMQ URL: use fmq://host:port", e);
        }
    }

    public String getURL() {
        return url;
    }

    /** URLs of backup servers, tried when durable connections are on and the primary is unavailable. */
    public void setBackupURLs(String... urls) {
        for (String u : urls) {
            new FmqConnectionFactory(u); // validates
        }
        backupUrls = List.of(urls);
    }

    public List<String> getBackupURLs() {
        return backupUrls;
    }

    /** Whether connections fail over to a backup and keep what is sent while disconnected. */
    public void setDurableConnections(boolean durable) {
        durableConnections = durable;
    }

    public boolean isDurableConnections() {
        return durableConnections;
    }

    public void setUser(String user) {
        this.user = user;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public void setClientID(String clientId) {
        this.clientId = clientId;
    }

    public String getClientID() {
        return clientId;
    }

    /** Messages a consumer may hold before the application takes them (its credit); at least 1. */
    public void setPrefetch(int prefetch) {
        this.prefetch = Math.max(1, prefetch);
    }

    /** Heartbeat interval asked of the server, in ms (0 for none). */
    public void setHeartbeatMillis(int heartbeatMillis) {
        this.heartbeatMillis = Math.max(0, heartbeatMillis);
    }

    /** How long a request to the server may take before it fails, in ms. */
    public void setRequestTimeoutMillis(int requestTimeoutMillis) {
        this.requestTimeoutMillis = Math.max(1000, requestTimeoutMillis);
    }

    @Override
    public Connection createConnection() throws JMSException {
        return createConnection(user, password);
    }

    @Override
    public Connection createConnection(String userName, String password) throws JMSException {
        return new FmqConnection(this, host, port, userName, password, clientId, prefetch, heartbeatMillis, requestTimeoutMillis);
    }

    @Override
    public QueueConnection createQueueConnection() throws JMSException {
        return (QueueConnection) createConnection();
    }

    @Override
    public QueueConnection createQueueConnection(String userName, String password) throws JMSException {
        return (QueueConnection) createConnection(userName, password);
    }

    @Override
    public TopicConnection createTopicConnection() throws JMSException {
        return (TopicConnection) createConnection();
    }

    @Override
    public TopicConnection createTopicConnection(String userName, String password) throws JMSException {
        return (TopicConnection) createConnection(userName, password);
    }

    @Override
    public JMSContext createContext() {
        return createContext(user, password, JMSContext.AUTO_ACKNOWLEDGE);
    }

    @Override
    public JMSContext createContext(String userName, String password) {
        return createContext(userName, password, JMSContext.AUTO_ACKNOWLEDGE);
    }

    @Override
    public JMSContext createContext(int sessionMode) {
        return createContext(user, password, sessionMode);
    }

    @Override
    public JMSContext createContext(String userName, String password, int sessionMode) {
        try {
            return new FmqContext((FmqConnection) createConnection(userName, password), sessionMode, true);
        } catch (JMSException e) {
            throw FmqContext.runtime(e);
        }
    }

    static JMSRuntimeException unchecked(JMSException e) {
        return FmqContext.runtime(e);
    }
}
