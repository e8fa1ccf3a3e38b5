package io.fmq.server.jmx;

import io.fmq.management.Description;
import io.fmq.management.Informational;
import java.lang.reflect.Method;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanParameterInfo;
import javax.management.NotificationBroadcasterSupport;
import javax.management.NotificationEmitter;
import javax.management.StandardEmitterMBean;

/**
 * Registers an MXBean with the {@link Description}s of its interface, so that JConsole and the tools
 * show a sentence for the bean, each attribute, each operation and each parameter. When the
 * implementation emits notifications, JMX clients can subscribe to them through this MBean.
 */
public final class DescribedMXBean<T> extends StandardEmitterMBean {
    private final Class<T> type;

    public DescribedMXBean(T implementation, Class<T> type) {
        super(implementation, type, true, implementation instanceof NotificationEmitter
                ? (NotificationEmitter) implementation : new NotificationBroadcasterSupport());
        this.type = type;
    }

    @Override
    protected String getDescription(MBeanInfo info) {
        Description d = type.getAnnotation(Description.class);
        return d != null ? d.value() : super.getDescription(info);
    }

    @Override
    protected String getDescription(MBeanAttributeInfo info) {
        for (String prefix : new String[] {"get", "is"}) {
            Method m = method(prefix + info.getName(), 0);
            if (m != null && m.getAnnotation(Description.class) != null) {
                return m.getAnnotation(Description.class).value();
            }
        }
        return super.getDescription(info);
    }

    @Override
    protected String getDescription(MBeanOperationInfo info) {
        Method m = method(info.getName(), info.getSignature().length);
        return m != null && m.getAnnotation(Description.class) != null ? m.getAnnotation(Description.class).value()
                : super.getDescription(info);
    }

    /** {@code INFO} for operations marked {@link Informational}, {@code ACTION} for every other one. */
    @Override
    protected int getImpact(MBeanOperationInfo info) {
        Method m = method(info.getName(), info.getSignature().length);
        return m != null && m.getAnnotation(Informational.class) != null ? MBeanOperationInfo.INFO : MBeanOperationInfo.ACTION;
    }

    @Override
    protected String getDescription(MBeanOperationInfo op, MBeanParameterInfo param, int sequence) {
        Description d = parameterDescription(op.getName(), op.getSignature().length, sequence);
        return d != null ? d.value() : super.getDescription(op, param, sequence);
    }

    @Override
    protected String getParameterName(MBeanOperationInfo op, MBeanParameterInfo param, int sequence) {
        Method m = method(op.getName(), op.getSignature().length);
        return m != null && m.getParameters()[sequence].isNamePresent() ? m.getParameters()[sequence].getName()
                : super.getParameterName(op, param, sequence);
    }

    private Description parameterDescription(String name, int arity, int sequence) {
        Method m = method(name, arity);
        return m == null ? null : m.getParameters()[sequence].getAnnotation(Description.class);
    }

    private Method method(String name, int arity) {
        for (Method m : type.getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == arity) {
                return m;
            }
        }
        return null;
    }
}
