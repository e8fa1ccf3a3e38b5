package io.fmq.server.jmx;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.fmq.management.ServerMXBean;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.AttributeChangeNotification;
import javax.management.MBeanNotificationInfo;
import javax.management.NotificationBroadcasterSupport;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * The {@link ServerMXBean}: a read-out of the running server and its shutdown switch. Every change of
 * {@code State} is sent to JMX listeners as an {@link AttributeChangeNotification}.
 */
public final class ServerControl extends NotificationBroadcasterSupport implements ServerMXBean {
    private static final MBeanNotificationInfo STATE_CHANGE = new MBeanNotificationInfo(
            new String[] {AttributeChangeNotification.ATTRIBUTE_CHANGE}, AttributeChangeNotification.class.getName(),
            "Sent when the server's State changes (STARTING, RUNNING, STOPPING).");

    private final AtomicLong sequence = new AtomicLong();
    /** What the MBean reports, fixed at start-up. */
    public record Identity(String version, long processId, String profileName, String profilePath, String storePath,
                           String logPath, String haMode, String role, int clientPort, int rmiPort) {
    }

    private final Identity identity;
    private final Instant startTime;
    private final LongSupplier nanoTime;
    private final long startNanos;
    private final Supplier<String> state;
    private final Supplier<String> jmxUrl;
    private final Runnable shutdown;

    public ServerControl(Identity identity, Instant startTime, LongSupplier nanoTime, Supplier<String> state,
                         Supplier<String> jmxUrl, Runnable shutdown) {
        super(STATE_CHANGE);
        this.identity = identity;
        this.startTime = startTime;
        this.nanoTime = nanoTime;
        this.startNanos = nanoTime.getAsLong();
        this.state = state;
        this.jmxUrl = jmxUrl;
        this.shutdown = shutdown;
    }

    /** Tells JMX listeners that the server moved from one state to another. */
    public void stateChanged(String from, String to) {
        // the source is the ObjectName: it is what a remote listener (JConsole over RMI) can deserialise
        sendNotification(new AttributeChangeNotification(io.fmq.management.ObjectNames.SERVER, sequence.incrementAndGet(), System.currentTimeMillis(),
                "Server state changed from " + from + " to " + to, "State", String.class.getName(), from, to));
    }

    @Override
    public MBeanNotificationInfo[] getNotificationInfo() {
        return new MBeanNotificationInfo[] {STATE_CHANGE};
    }

    @Override
    public String getState() {
        return state.get();
    }

    @Override
    public String getVersion() {
        return identity.version();
    }

    @Override
    public String getStartTime() {
        return startTime.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    @Override
    public long getUptimeMillis() {
        return (nanoTime.getAsLong() - startNanos) / 1_000_000L;
    }

    @Override
    public long getProcessId() {
        return identity.processId();
    }

    @Override
    public String getProfileName() {
        return identity.profileName();
    }

    @Override
    public String getProfilePath() {
        return identity.profilePath();
    }

    @Override
    public String getStorePath() {
        return identity.storePath();
    }

    @Override
    public String getLogPath() {
        return identity.logPath();
    }

    @Override
    public String getHaMode() {
        return identity.haMode();
    }

    @Override
    public String getRole() {
        return identity.role();
    }

    @Override
    public boolean isHaActive() {
        return false;
    }

    @Override
    public int getClientPort() {
        return identity.clientPort();
    }

    @Override
    public int getRmiPort() {
        return identity.rmiPort();
    }

    @Override
    public String getJmxServiceUrl() {
        return jmxUrl.get();
    }

    @Override
    public String getLogLevel() {
        Level level = rootLogger().getLevel();
        return level == null ? "INFO" : level.toString();
    }

    @Override
    public void setLogLevel(String level) {
        String name = level == null ? "" : level.trim().toUpperCase(Locale.ROOT);
        Level parsed = Level.toLevel(name, null);
        if (parsed == null || parsed == Level.ALL || parsed == Level.OFF) {
            throw new IllegalArgumentException("'" + level + "' is not a log level: use TRACE, DEBUG, INFO, WARN or ERROR");
        }
        rootLogger().setLevel(parsed);
        LoggerFactory.getLogger(ServerControl.class).info("Log level set to {} over JMX", parsed);
    }

    @Override
    public void shutdown() {
        shutdown.run();
    }

    private static Logger rootLogger() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
}
