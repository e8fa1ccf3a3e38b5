package io.fmq.server.jmx;

import io.fmq.profile.JmxUsers;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.security.AccessController;
import java.util.Arrays;
import java.util.Set;
import javax.management.JMException;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.remote.JMXPrincipal;
import javax.management.remote.MBeanServerForwarder;
import javax.security.auth.Subject;

/**
 * Enforces the JMX access levels between the connector and the MBean server: a {@code readonly}
 * account may read attributes, query MBeans, listen to notifications and invoke operations whose
 * impact is {@link MBeanOperationInfo#INFO}; everything else needs {@code readwrite}.
 * Calls made inside the server process (no remote Subject) are not restricted.
 */
public final class AccessControl implements InvocationHandler {
    /** MBeanServer methods that never change anything. */
    private static final Set<String> READ_METHODS = Set.of(
            "getAttribute", "getAttributes", "getMBeanInfo", "getObjectInstance", "queryMBeans", "queryNames",
            "isRegistered", "getMBeanCount", "getDefaultDomain", "getDomains", "isInstanceOf",
            "addNotificationListener", "removeNotificationListener");

    private MBeanServer target;

    private AccessControl() {
    }

    /** A forwarder to install with {@code JMXConnectorServer.setMBeanServerForwarder}. */
    public static MBeanServerForwarder newForwarder() {
        return (MBeanServerForwarder) Proxy.newProxyInstance(MBeanServerForwarder.class.getClassLoader(),
                new Class<?>[] {MBeanServerForwarder.class}, new AccessControl());
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        if (name.equals("getMBeanServer") && (args == null || args.length == 0)) {
            return target;
        }
        if (name.equals("setMBeanServer") && args != null && args.length == 1) {
            if (target != null) {
                throw new IllegalArgumentException("MBeanServer already set");
            }
            target = (MBeanServer) args[0];
            return null;
        }
        if (method.getDeclaringClass() == Object.class) {
            return method.invoke(this, args);
        }
        check(name, args);
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @SuppressWarnings("removal")
    private void check(String method, Object[] args) throws JMException {
        Subject subject = Subject.getSubject(AccessController.getContext());
        if (subject == null || READ_METHODS.contains(method)) {
            return;
        }
        JmxUsers.Access access = subject.getPrincipals(AccessPrincipal.class).stream()
                .map(AccessPrincipal::access).findFirst().orElse(JmxUsers.Access.READONLY);
        if (access == JmxUsers.Access.READWRITE) {
            return;
        }
        if (method.equals("invoke") && isInformational((ObjectName) args[0], (String) args[1], (String[]) args[3])) {
            return;
        }
        String user = subject.getPrincipals(JMXPrincipal.class).stream().map(JMXPrincipal::getName).findFirst().orElse("?");
        String what = method.equals("invoke") ? "operation " + args[1] + " on " + args[0]
                : method.startsWith("setAttribute") ? "setting attributes of " + args[0] : method;
        throw new SecurityException("Access denied: JMX user '" + user + "' is read-only and " + what
                + " needs read-write access");
    }

    private boolean isInformational(ObjectName name, String operation, String[] signature) throws JMException {
        MBeanInfo info = target.getMBeanInfo(name);
        String[] sig = signature == null ? new String[0] : signature;
        for (MBeanOperationInfo op : info.getOperations()) {
            if (op.getName().equals(operation) && Arrays.equals(
                    Arrays.stream(op.getSignature()).map(p -> p.getType()).toArray(String[]::new), sig)) {
                return op.getImpact() == MBeanOperationInfo.INFO;
            }
        }
        return false;
    }
}
