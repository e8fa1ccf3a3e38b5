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
    private java.time.Duration reconnectInitialBackoff = ReconnectPlan.DEFAULT.initialBackoff();
    private java.time.Duration reconnectMaxBackoff = ReconnectPlan.DEFAULT.maxBackoff();
    private java.time.Duration reconnectTimeout = ReconnectPlan.DEFAULT.timeout();
    private String outboxDirectory;
    private int outboxMaxMessages = 100_000;
    private long outboxMaxBytes = 256L * 1024 * 1024;
    private int memoryOutboxMaxMessages = 10_000;
    private long memoryOutboxMaxBytes = 32L * 1024 * 1024;

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

    /**
     * Whether connections survive the loss of their server: they reconnect to whichever server (primary or backup)
     * accepts clients, re-create their sessions and consumers, and keep what is sent meanwhile in an outbox that
     * they send after reconnecting. See the README's "Durable connections".
     */
    public void setDurableConnections(boolean durable) {
        durableConnections = durable;
    }

    public boolean isDurableConnections() {
        return durableConnections;
    }

    /**
     * Durable connections: the wait before the second attempt to reach a server after a loss (the first is
     * immediate), doubled for each further attempt up to {@code max}. Defaults 100 ms and 2 s.
     */
    public void setReconnectBackoff(java.time.Duration initial, java.time.Duration max) {
        new ReconnectPlan(initial, max, reconnectTimeout); // validates
        reconnectInitialBackoff = initial;
        reconnectMaxBackoff = max;
    }

    /**
     * Durable connections: how long after a loss the client keeps looking for a server before the connection
     * fails (and its ExceptionListener is called). Default 5 minutes.
     */
    public void setReconnectTimeout(java.time.Duration timeout) {
        new ReconnectPlan(reconnectInitialBackoff, reconnectMaxBackoff, timeout); // validates
        reconnectTimeout = timeout;
    }

    ReconnectPlan reconnectPlan() {
        return new ReconnectPlan(reconnectInitialBackoff, reconnectMaxBackoff, reconnectTimeout);
    }

    /**
     * Durable connections: the folder under which each connection keeps, in a sub-folder named after its client
     * id, the persistent messages sent while no server was reachable. Default {@code <java.io.tmpdir>/fmq-outbox}.
     */
    public void setOutboxDirectory(String directory) {
        outboxDirectory = directory;
    }

    public String getOutboxDirectory() {
        return outboxDirectory != null ? outboxDirectory
                : java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "fmq-outbox").toString();
    }

    /** Durable connections: the most persistent messages (count and bytes) the on-disk outbox keeps. Defaults 100,000 and 256 MB. */
    public void setOutboxLimits(int maxMessages, long maxBytes) {
        if (maxMessages < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("outbox limits must be positive");
        }
        outboxMaxMessages = maxMessages;
        outboxMaxBytes = maxBytes;
    }

    /** Durable connections: the most non-persistent messages (count and bytes) kept in memory. Defaults 10,000 and 32 MB. */
    public void setMemoryOutboxLimits(int maxMessages, long maxBytes) {
        if (maxMessages < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("outbox limits must be positive");
        }
        memoryOutboxMaxMessages = maxMessages;
        memoryOutboxMaxBytes = maxBytes;
    }

    int outboxMaxMessages() {
        return outboxMaxMessages;
    }

    long outboxMaxBytes() {
        return outboxMaxBytes;
    }

    int memoryOutboxMaxMessages() {
        return memoryOutboxMaxMessages;
    }

    long memoryOutboxMaxBytes() {
        return memoryOutboxMaxBytes;
    }

    /** The primary server and the backups, in order, as host and port. */
    List<DurableLink.Server> servers() {
        List<DurableLink.Server> list = new java.util.ArrayList<>();
        list.add(new DurableLink.Server(host, port));
        for (String u : backupUrls) {
            FmqConnectionFactory b = new FmqConnectionFactory(u);
            list.add(new DurableLink.Server(b.host, b.port));
        }
        return list;
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
