package io.fmq.studio.view;

import io.fmq.studio.viewmodel.LiveStatusViewModel;
import javafx.beans.property.StringProperty;
import javafx.geometry.Insets;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import javafx.stage.Window;

/** The live status panel of one server; binds to {@link LiveStatusViewModel} only. */
final class LiveStatusView {
    private final Stage stage = new Stage();

    LiveStatusView(Window owner, String profileName, LiveStatusViewModel vm) {
        stage.initOwner(owner);
        stage.setTitle("Live status \u2014 " + profileName);

        GridPane form = new GridPane();
        form.setHgap(8);
        form.setVgap(6);
        TextField host = field("live-host", vm.hostProperty());
        TextField port = field("live-port", vm.portProperty());
        TextField user = field("live-user", vm.userProperty());
        PasswordField password = new PasswordField();
        password.setId("live-password");
        password.textProperty().bindBidirectional(vm.passwordProperty());
        form.addRow(0, new Label("Host"), host, new Label("RMI port"), port);
        form.addRow(1, new Label("User"), user, new Label("Password"), password);
        form.add(Styles.message(vm.portErrorProperty(), Styles.ERROR, "live-port-error"), 3, 2);
        Button connect = new Button("Connect");
        connect.setId("live-connect");
        connect.setOnAction(e -> vm.connect());
        Button disconnect = new Button("Disconnect");
        disconnect.setId("live-disconnect");
        disconnect.disableProperty().bind(vm.connectedProperty().not());
        disconnect.setOnAction(e -> vm.disconnect());

        GridPane status = new GridPane();
        status.setHgap(12);
        status.setVgap(6);
        int row = 0;
        row = line(status, row, "Server", "live-server", vm.serverStateProperty());
        row = line(status, row, "Role", "live-role", vm.roleProperty());
        row = line(status, row, "HA state", "live-state", vm.stateProperty());
        row = line(status, row, "Peer state", "live-remote", vm.remoteStateProperty());
        row = line(status, row, "Lock file", "live-lock", vm.lockProperty());
        row = line(status, row, "Gateway", "live-gateway", vm.gatewayProperty());
        line(status, row, "Last change", "live-transition", vm.lastTransitionProperty());

        Label message = new Label();
        message.setId("live-message");
        message.setWrapText(true);
        message.textProperty().bind(vm.messageProperty());

        VBox root = new VBox(12, form, new HBox(8, connect, disconnect), status, message);
        root.setPadding(new Insets(12));
        stage.setScene(new Scene(root, 560, 420));
        stage.setOnHidden(e -> vm.disconnect());
    }

    private static TextField field(String id, StringProperty value) {
        TextField f = new TextField();
        f.setId(id);
        f.textProperty().bindBidirectional(value);
        return f;
    }

    private static int line(GridPane grid, int row, String name, String id, StringProperty value) {
        Label label = new Label(name);
        label.setStyle("-fx-font-weight: bold;");
        Label v = new Label();
        v.setId(id);
        v.textProperty().bind(value);
        grid.addRow(row, label, v);
        return row + 1;
    }

    void show() {
        stage.show();
    }
}
