package io.fmq.studio.service;

import io.fmq.management.ObjectNames;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.management.AttributeChangeNotification;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServerConnection;
import javax.management.Notification;
import javax.management.NotificationListener;
import javax.management.ObjectName;
import javax.management.remote.JMXConnectionNotification;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Live status over the server's RMI connector ({@code service:jmx:rmi:///jndi/rmi://HOST:PORT/fmq}).
 *
 * <p>Readings come from {@link ObjectNames#SERVER} and, while the HA layer runs, {@link ObjectNames#HA_STATUS};
 * every attribute-change notification of the HA status triggers a new reading. A slow timer reads as well,
 * and subscribes once the HA status appears (it is registered only while the HA layer runs).
 */
public final class JmxLiveStatusService implements LiveStatusService {
    private final Duration refresh;

    public JmxLiveStatusService(Duration refresh) {
        this.refresh = refresh;
    }

    public static JMXServiceURL url(String host, int port) throws IOException {
        return new JMXServiceURL("service:jmx:rmi:///jndi/rmi://" + host + ":" + port + "/fmq");
    }

    @Override
    public Session connect(String host, int port, String user, String password,
                           Consumer<LiveStatus> onUpdate, Consumer<String> onLost) throws IOException {
        Map<String, Object> env = new HashMap<>();
        if (user != null && !user.isEmpty()) {
            env.put(JMXConnector.CREDENTIALS, new String[] {user, password == null ? "" : password});
        }
        JMXConnector connector;
        try {
            connector = JMXConnectorFactory.connect(url(host, port), env);
        } catch (SecurityException e) {
            throw new IOException("the server refused the credentials: " + e.getMessage(), e);
        }
        JmxSession session = new JmxSession(connector, onUpdate, onLost);
        session.start(refresh);
        return session;
    }

    private static final class JmxSession implements Session, NotificationListener {
        private final JMXConnector connector;
        private final MBeanServerConnection mbeans;
        private final Consumer<LiveStatus> onUpdate;
        private final Consumer<String> onLost;
        private final ScheduledExecutorService timer;
        private volatile boolean subscribed;
        private volatile boolean closed;

        JmxSession(JMXConnector connector, Consumer<LiveStatus> onUpdate, Consumer<String> onLost) throws IOException {
            this.connector = connector;
            this.mbeans = connector.getMBeanServerConnection();
            this.onUpdate = onUpdate;
            this.onLost = onLost;
            this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "studio-live-status");
                t.setDaemon(true);
                return t;
            });
        }

        void start(Duration refresh) {
            connector.addConnectionNotificationListener((n, h) -> {
                if (!closed && (JMXConnectionNotification.FAILED.equals(n.getType())
                        || JMXConnectionNotification.CLOSED.equals(n.getType()))) {
                    onLost.accept("connection lost: " + n.getMessage());
                }
            }, null, null);
            timer.execute(this::refresh);
            timer.scheduleWithFixedDelay(this::refresh, refresh.toMillis(), refresh.toMillis(), TimeUnit.MILLISECONDS);
        }

        private void refresh() {
            if (closed) {
                return;
            }
            try {
                subscribeIfPossible();
                onUpdate.accept(read());
            } catch (IOException e) {
                onLost.accept("cannot read the server's state: " + e.getMessage());
            }
        }

        private void subscribeIfPossible() throws IOException {
            if (subscribed) {
                return;
            }
            try {
                if (mbeans.isRegistered(ObjectNames.HA_STATUS)) {
                    mbeans.addNotificationListener(ObjectNames.HA_STATUS, this, null, null);
                    subscribed = true;
                }
            } catch (InstanceNotFoundException e) {
                subscribed = false;
            }
        }

        @Override
        public void handleNotification(Notification notification, Object handback) {
            if (notification instanceof AttributeChangeNotification) {
                timer.execute(this::refresh);
            }
        }

        @Override
        public LiveStatus read() throws IOException {
            try {
                ObjectName server = ObjectNames.SERVER;
                String serverState = String.valueOf(mbeans.getAttribute(server, "State"));
                String profile = String.valueOf(mbeans.getAttribute(server, "ProfileName"));
                String haMode = String.valueOf(mbeans.getAttribute(server, "HaMode"));
                String role = String.valueOf(mbeans.getAttribute(server, "Role"));
                boolean ha = mbeans.isRegistered(ObjectNames.HA_STATUS);
                if (!ha) {
                    return new LiveStatus(serverState, profile, haMode, role, false, "", "", false, false, "");
                }
                ObjectName status = ObjectNames.HA_STATUS;
                return new LiveStatus(serverState, profile, haMode, role, true,
                        String.valueOf(mbeans.getAttribute(status, "State")),
                        String.valueOf(mbeans.getAttribute(status, "RemoteState")),
                        Boolean.TRUE.equals(mbeans.getAttribute(status, "LockHeld")),
                        Boolean.TRUE.equals(mbeans.getAttribute(status, "GatewayReachable")),
                        mbeans.getAttribute(status, "LastTransitionTime") + " " + mbeans.getAttribute(status, "LastTransitionCause"));
            } catch (JMException e) {
                throw new IOException(e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            closed = true;
            timer.shutdownNow();
            try {
                connector.close();
            } catch (IOException e) {
                // closing a dead connection: nothing left to release
            }
        }
    }
}
