package io.fmq.studio.view;

import io.fmq.profile.ConfigKey;
import io.fmq.profile.Problem;
import io.fmq.studio.viewmodel.ProfileViewModel;
import java.util.stream.Collectors;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.layout.VBox;

/** What the profile root shows: where it is, its mode and role, and every problem the library reports. */
final class ProfileSummaryView extends VBox {
    ProfileSummaryView(ProfileViewModel p) {
        super(8);
        setPadding(new Insets(12));
        Label title = new Label();
        title.textProperty().bind(p.titleProperty());
        title.setStyle("-fx-font-size: 1.2em; -fx-font-weight: bold;");
        Label where = new Label("Folder: " + p.folder() + "\nFile: " + p.folder().resolve("conf").resolve("Config.cfg")
                + "\nData store: " + p.folder().resolve("run"));
        Label mode = new Label();
        mode.textProperty().bind(Bindings.createStringBinding(() -> "HA mode: " + p.value(ConfigKey.HA_MODE) + ", role: "
                + p.role().displayName() + ", client port " + p.value(ConfigKey.SERVER_PORT) + ", RMI port "
                + p.value(ConfigKey.RMI_SERVER_PORT), p.valueProperty(ConfigKey.HA_MODE), p.valueProperty(ConfigKey.IS_PRIMARY),
                p.valueProperty(ConfigKey.SERVER_PORT), p.valueProperty(ConfigKey.RMI_SERVER_PORT)));
        Label problems = new Label();
        problems.setId("summary-problems");
        problems.setWrapText(true);
        problems.textProperty().bind(Bindings.createStringBinding(() -> p.reportProperty().get().problems().isEmpty()
                ? "The profile is valid."
                : p.reportProperty().get().problems().stream()
                    .map(x -> (x.isError() ? "Error: " : "Warning: ") + (x.key().isEmpty() ? "" : x.key() + ": ") + x.message())
                    .collect(Collectors.joining("\n")), p.reportProperty()));
        problems.styleProperty().bind(Bindings.createStringBinding(() -> p.reportProperty().get().problems().stream()
                .anyMatch(Problem::isError) ? Styles.ERROR : "", p.reportProperty()));
        getChildren().addAll(title, PropertySheetView.runningBanner(p), where, mode, problems,
                Styles.hint("Right-click the profile for FMQ Replicated HA, FMQ Shared HA, HA Pair, Save, Clear Data Store "
                        + "and Live Status. Select a node below it to edit its properties."));
    }
}
