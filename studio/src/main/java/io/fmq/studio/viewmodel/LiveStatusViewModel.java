package io.fmq.studio.viewmodel;

import io.fmq.studio.service.LiveStatus;
import io.fmq.studio.service.LiveStatusService;
import java.util.concurrent.Executor;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * The live status panel of one server: where to connect (host, RMI port, credentials) and what the
 * server reports (its state, its peer's, the lock and the gateway), updated from JMX notifications.
 * Connecting runs on {@code background}; updates reach the properties through {@code ui}.
 */
public final class LiveStatusViewModel {
    private final LiveStatusService service;
    private final Executor background;
    private final Executor ui;
    private final StringProperty host = new SimpleStringProperty("localhost");
    private final StringProperty port = new SimpleStringProperty("");
    private final StringProperty user = new SimpleStringProperty("admin");
    private final StringProperty password = new SimpleStringProperty("passwd");
    private final StringProperty serverState = new SimpleStringProperty("");
    private final StringProperty role = new SimpleStringProperty("");
    private final StringProperty state = new SimpleStringProperty("");
    private final StringProperty remoteState = new SimpleStringProperty("");
    private final StringProperty lock = new SimpleStringProperty("");
    private final StringProperty gateway = new SimpleStringProperty("");
    private final StringProperty lastTransition = new SimpleStringProperty("");
    private final StringProperty message = new SimpleStringProperty("Not connected.");
    private final BooleanProperty connected = new SimpleBooleanProperty(false);
    private final StringProperty portError = new SimpleStringProperty("");
    private LiveStatusService.Session session;
    private long generation;

    public LiveStatusViewModel(LiveStatusService service, Executor background, Executor ui, String rmiPort) {
        this.service = service;
        this.background = background;
        this.ui = ui;
        port.addListener((o, was, now) -> portError.set(parsePort(now) > 0 ? "" : "a port number between 1 and 65535"));
        port.set(rmiPort);
    }

    public StringProperty hostProperty() { return host; }
    public StringProperty portProperty() { return port; }
    public StringProperty userProperty() { return user; }
    public StringProperty passwordProperty() { return password; }
    public StringProperty portErrorProperty() { return portError; }
    public StringProperty serverStateProperty() { return serverState; }
    public StringProperty roleProperty() { return role; }
    public StringProperty stateProperty() { return state; }
    public StringProperty remoteStateProperty() { return remoteState; }
    public StringProperty lockProperty() { return lock; }
    public StringProperty gatewayProperty() { return gateway; }
    public StringProperty lastTransitionProperty() { return lastTransition; }
    public StringProperty messageProperty() { return message; }
    public BooleanProperty connectedProperty() { return connected; }

    static int parsePort(String text) {
        try {
            int p = Integer.parseInt(text == null ? "" : text.trim());
            return p >= 1 && p <= 65535 ? p : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Connects (closing a previous connection); the result arrives through the properties. */
    public void connect() {
        int p = parsePort(port.get());
        if (p < 0) {
            message.set("Enter the server's RMI port (RMIServerPort) first.");
            return;
        }
        disconnect();
        long mine = ++generation;
        String h = host.get().trim();
        String u = user.get();
        String pw = password.get();
        message.set("Connecting to " + h + ":" + p + "...");
        background.execute(() -> {
            try {
                LiveStatusService.Session s = service.connect(h, p, u, pw,
                        status -> ui.execute(() -> { if (mine == generation) { show(status); } }),
                        lost -> ui.execute(() -> { if (mine == generation) { lost(lost); } }));
                ui.execute(() -> {
                    if (mine == generation) {
                        session = s;
                        connected.set(true);
                        message.set("Connected to " + h + ":" + p + "; updated on every state change.");
                    } else {
                        s.close();
                    }
                });
            } catch (Exception e) {
                ui.execute(() -> {
                    if (mine == generation) {
                        lost("cannot connect to " + h + ":" + p + ": " + e.getMessage()
                                + " (is the server running, and are the RMI port and the credentials right?)");
                    }
                });
            }
        });
    }

    public void disconnect() {
        generation++;
        LiveStatusService.Session s = session;
        session = null;
        connected.set(false);
        if (s != null) {
            background.execute(s::close);
            message.set("Disconnected.");
        }
    }

    private void lost(String why) {
        LiveStatusService.Session s = session;
        session = null;
        connected.set(false);
        if (s != null) {
            background.execute(s::close);
        }
        message.set("Not connected: " + why);
    }

    private void show(LiveStatus s) {
        serverState.set(s.serverState());
        role.set(s.role() + " (" + s.haMode() + ")");
        if (s.haRunning()) {
            state.set(s.state());
            remoteState.set(s.remoteState());
            lock.set(s.lockHeld() ? "held" : "not held");
            gateway.set(s.gatewayReachable() ? "reachable" : "unreachable");
            lastTransition.set(s.lastTransition());
        } else {
            state.set("no HA layer");
            remoteState.set("-");
            lock.set("-");
            gateway.set("-");
            lastTransition.set("");
        }
    }
}
