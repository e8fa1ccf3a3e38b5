package io.fmq.studio.view;

import io.fmq.profile.HaMode;
import io.fmq.studio.viewmodel.HaWizardViewModel;
import io.fmq.studio.viewmodel.WizardField;
import java.util.List;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TitledPane;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.Modality;
import javafx.stage.Stage;
import javafx.stage.Window;

/** The FMQ Replicated HA / FMQ Shared HA wizard window; binds to {@link HaWizardViewModel} only. */
final class HaWizardView {
    private final Stage stage = new Stage();

    HaWizardView(Window owner, HaWizardViewModel vm) {
        stage.initOwner(owner);
        stage.initModality(Modality.WINDOW_MODAL);
        stage.setTitle(vm.title());

        Label intro = new Label(vm.mode() == HaMode.REPLICATED
                ? "The settings of this server of a replicated pair. Each server keeps its own store and the active one "
                + "copies every change to the passive one over the HA channel. Stop the server before saving."
                : "The settings of this server of a shared-store pair. Both servers use one store (start them with "
                + "-dbPath); the lock file decides which one is active. Stop the server before saving.");
        intro.setWrapText(true);

        TitledPane basic = new TitledPane("Basic configuration", grid(vm.basicFields()));
        TitledPane advanced = new TitledPane("Advanced configuration", grid(vm.advancedFields()));
        basic.setCollapsible(false);
        advanced.setCollapsible(false);
        HBox columns = new HBox(12, basic, advanced);
        HBox.setHgrow(basic, Priority.ALWAYS);
        HBox.setHgrow(advanced, Priority.ALWAYS);
        basic.setMaxHeight(Double.MAX_VALUE);
        advanced.setMaxHeight(Double.MAX_VALUE);
        VBox body = new VBox(10, intro, columns);
        body.setPadding(new Insets(12));
        ScrollPane scroll = new ScrollPane(body);
        scroll.setFitToWidth(true);

        Label other = Styles.message(vm.otherProblemsProperty(), Styles.ERROR, "wizard-other-problems");
        Button finish = new Button("Finish");
        finish.setId("finish");
        finish.setDefaultButton(true);
        finish.disableProperty().bind(vm.validProperty().not());
        finish.setOnAction(e -> {
            if (vm.finish()) {
                stage.close();
            }
        });
        Button cancel = new Button("Cancel");
        cancel.setId("cancel");
        cancel.setCancelButton(true);
        cancel.setOnAction(e -> stage.close());
        Label note = Styles.hint("Finish copies the values into the profile; right-click the profile \u203a Save writes them.");
        HBox buttons = new HBox(8, note, finish, cancel);
        HBox.setHgrow(note, Priority.ALWAYS);
        note.setMaxWidth(Double.MAX_VALUE);
        buttons.setAlignment(Pos.CENTER_RIGHT);
        VBox bottom = new VBox(6, other, buttons);
        bottom.setPadding(new Insets(8, 12, 12, 12));

        BorderPane root = new BorderPane(scroll);
        root.setBottom(bottom);
        root.setId("wizard");
        stage.setScene(new Scene(root, 1240, 780));
    }

    private static GridPane grid(List<WizardField> fields) {
        GridPane grid = new GridPane();
        grid.setHgap(10);
        grid.setVgap(2);
        ColumnConstraints c0 = new ColumnConstraints(255);
        ColumnConstraints c1 = new ColumnConstraints(200, 360, Double.MAX_VALUE);
        c1.setHgrow(Priority.ALWAYS);
        grid.getColumnConstraints().addAll(c0, c1);
        int row = 0;
        for (WizardField f : fields) {
            row = FieldControls.addRows(grid, row, f, "wizard-");
        }
        return grid;
    }

    Stage stage() {
        return stage;
    }

    void show() {
        stage.show();
    }
}
