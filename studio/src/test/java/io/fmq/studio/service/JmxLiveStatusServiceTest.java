package io.fmq.studio.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fmq.management.HaStatusMXBean;
import io.fmq.management.ObjectNames;
import io.fmq.management.ServerMXBean;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.ServerSocket;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.UnicastRemoteObject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.AttributeChangeNotification;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.NotificationBroadcasterSupport;
import javax.management.StandardEmitterMBean;
import javax.management.StandardMBean;
import javax.management.remote.JMXAuthenticator;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXPrincipal;
import javax.security.auth.Subject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The JMX client against a real RMI connector serving stand-ins of the server's MXBeans. */
class JmxLiveStatusServiceTest {
    final Map<String, Object> ha = new ConcurrentHashMap<>(Map.of("State", "ACTIVE", "RemoteState", "PASSIVE",
            "LockHeld", true, "GatewayReachable", true, "LastTransitionTime", "2026-01-01T00:00:00Z",
            "LastTransitionCause", "peer joined"));
    final NotificationBroadcasterSupport emitter = new NotificationBroadcasterSupport();
    int port;
    Registry registry;
    JMXConnectorServer connector;

    @SuppressWarnings("unchecked")
    static <T> T stub(Class<T> type, Map<String, Object> values) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            String name = method.getName().replaceFirst("^(get|is)", "");
            Object v = values.get(name);
            if (v != null) {
                return v;
            }
            Class<?> r = method.getReturnType();
            return r == boolean.class ? false : r == long.class ? 0L : r == int.class ? 0 : r == String.class ? "" : null;
        });
    }

    @BeforeEach
    void start() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        MBeanServer mbeans = MBeanServerFactory.newMBeanServer();
        mbeans.registerMBean(new StandardMBean(stub(ServerMXBean.class, Map.of("State", "RUNNING", "ProfileName",
                "FioranoMQ_HA_rpl/HAPrimary", "HaMode", "replicated", "Role", "primary")), ServerMXBean.class, true),
                ObjectNames.SERVER);
        mbeans.registerMBean(new StandardEmitterMBean(stub(HaStatusMXBean.class, ha), HaStatusMXBean.class, true, emitter),
                ObjectNames.HA_STATUS);
        registry = LocateRegistry.createRegistry(port);
        JMXAuthenticator auth = credentials -> {
            String[] c = (String[]) credentials;
            if (c == null || !"admin".equals(c[0]) || !"passwd".equals(c[1])) {
                throw new SecurityException("Invalid username or password");
            }
            Subject subject = new Subject();
            subject.getPrincipals().add(new JMXPrincipal(c[0]));
            return subject;
        };
        connector = JMXConnectorServerFactory.newJMXConnectorServer(JmxLiveStatusService.url("localhost", port),
                Map.of(JMXConnectorServer.AUTHENTICATOR, auth), mbeans);
        connector.start();
    }

    @AfterEach
    void stop() throws Exception {
        connector.stop();
        UnicastRemoteObject.unexportObject(registry, true);
    }

    @Test
    void readsTheStateAndFollowsNotifications() throws Exception {
        AtomicReference<LiveStatus> last = new AtomicReference<>();
        LiveStatusService service = new JmxLiveStatusService(Duration.ofMinutes(5));
        try (LiveStatusService.Session session = service.connect("localhost", port, "admin", "passwd", last::set, lost -> { })) {
            await().atMost(Duration.ofSeconds(20)).until(() -> last.get() != null);
            assertThat(last.get().state()).isEqualTo("ACTIVE");
            assertThat(last.get().remoteState()).isEqualTo("PASSIVE");
            assertThat(last.get().lockHeld()).isTrue();
            assertThat(last.get().role()).isEqualTo("primary");

            ha.put("RemoteState", "DEAD");
            ha.put("GatewayReachable", false);
            emitter.sendNotification(new AttributeChangeNotification(ObjectNames.HA_STATUS, 1, System.currentTimeMillis(),
                    "peer lost", "State", "java.lang.String", "ACTIVE", "ACTIVE"));
            // the slow timer is 5 minutes: only the notification can bring this reading
            await().atMost(Duration.ofSeconds(20)).until(() -> "DEAD".equals(last.get().remoteState()));
            assertThat(last.get().gatewayReachable()).isFalse();
        }
    }

    @Test
    void wrongCredentialsAreRefused() {
        LiveStatusService service = new JmxLiveStatusService(Duration.ofMinutes(5));
        assertThatThrownBy(() -> service.connect("localhost", port, "admin", "wrong", s -> { }, l -> { }))
                .isInstanceOf(IOException.class).hasMessageContaining("credentials");
    }
}
