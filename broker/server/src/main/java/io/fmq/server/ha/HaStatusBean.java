package io.fmq.server.ha;

import io.fmq.ha.state.HaState;
import io.fmq.management.HaStatusMXBean;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.AttributeChangeNotification;
import javax.management.MBeanNotificationInfo;
import javax.management.NotificationBroadcasterSupport;

/** The {@link HaStatusMXBean}: reads the controller, and sends a notification on every state change. */
public final class HaStatusBean extends NotificationBroadcasterSupport implements HaStatusMXBean {
    private static final MBeanNotificationInfo TRANSITION = new MBeanNotificationInfo(
            new String[] {AttributeChangeNotification.ATTRIBUTE_CHANGE}, AttributeChangeNotification.class.getName(),
            "Sent on every HA state change of this server; the message says why.");

    private final AtomicLong sequence = new AtomicLong();
    private volatile HaController controller;

    public HaStatusBean() {
        super(TRANSITION);
    }

    /** Connects the bean to the controller it reads. */
    public void attach(HaController c) {
        this.controller = c;
    }

    /** Called by the controller on every transition. */
    public void transition(HaState from, HaState to, String cause) {
        // the source is the ObjectName: it is what a remote listener (JConsole over RMI) can deserialise
        sendNotification(new AttributeChangeNotification(io.fmq.management.ObjectNames.HA_STATUS, sequence.incrementAndGet(), System.currentTimeMillis(),
                "HA state changed from " + from + " to " + to + ": " + cause, "State", String.class.getName(),
                from.name(), to.name()));
    }

    @Override
    public MBeanNotificationInfo[] getNotificationInfo() {
        return new MBeanNotificationInfo[] {TRANSITION};
    }

    @Override
    public String getState() {
        return controller.state().name();
    }

    @Override
    public String getPreviousState() {
        return controller.previousState().name();
    }

    @Override
    public String getRemoteState() {
        return controller.remoteState().name();
    }

    @Override
    public boolean isLinkUp() {
        return controller.linkUp();
    }

    @Override
    public boolean isLockHeld() {
        return controller.lockHeld();
    }

    @Override
    public String getLockFile() {
        return controller.lockLocation();
    }

    @Override
    public boolean isGatewayReachable() {
        return controller.gatewayReachable();
    }

    @Override
    public long getEpoch() {
        return controller.position().epoch();
    }

    @Override
    public long getLastSequence() {
        return controller.position().sequence();
    }

    @Override
    public long getReplicationBacklogRecords() {
        return controller.backlog().records();
    }

    @Override
    public long getReplicationBacklogBytes() {
        return controller.backlog().heldBytes();
    }

    @Override
    public long getResyncBytes() {
        return controller.resyncBytes();
    }

    @Override
    public String getLastTransitionTime() {
        Instant t = controller.lastTransition();
        return t == null ? "" : t.toString();
    }

    @Override
    public String getLastTransitionCause() {
        return controller.lastCause();
    }

    @Override
    public String switchover() {
        return controller.switchover();
    }
}
