package io.fmq.studio.view;

import io.fmq.profile.ConfigKey;
import io.fmq.studio.viewmodel.PairDialogViewModel;
import io.fmq.studio.viewmodel.PairMismatch;
import io.fmq.studio.viewmodel.WizardField;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
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

/** Both profiles of a pair side by side, with the cross-checks and their fixes; binds to the view model only. */
final class PairDialogView {
    private final Stage stage = new Stage();
    private final PairDialogViewModel vm;
    private final VBox mismatchBox = new VBox(6);

    PairDialogView(Window owner, PairDialogViewModel vm) {
        this.vm = vm;
        stage.initOwner(owner);
        stage.initModality(Modality.WINDOW_MODAL);
        stage.setTitle("HA pair \u2014 " + vm.left().name() + " and " + vm.right().name());

        GridPane grid = new GridPane();
        grid.setHgap(10);
        grid.setVgap(2);
        ColumnConstraints c1 = new ColumnConstraints(160, 260, Double.MAX_VALUE);
        ColumnConstraints c2 = new ColumnConstraints(160, 260, Double.MAX_VALUE);
        c1.setHgrow(Priority.ALWAYS);
        c2.setHgrow(Priority.ALWAYS);
        grid.getColumnConstraints().addAll(new ColumnConstraints(230), c1, c2);
        grid.addRow(0, bold("Property"), bold(vm.left().name()), bold(vm.right().name()));
        int row = 1;
        for (ConfigKey key : vm.keys()) {
            WizardField l = vm.leftField(key);
            WizardField r = vm.rightField(key);
            Label name = new Label(key.propertyName());
            grid.addRow(row++, name, FieldControls.control(l, "pair-left-" + key.propertyName()),
                    FieldControls.control(r, "pair-right-" + key.propertyName()));
            grid.add(Styles.message(l.errorProperty(), Styles.ERROR, "pair-left-error-" + key.propertyName()), 1, row);
            grid.add(Styles.message(r.errorProperty(), Styles.ERROR, "pair-right-error-" + key.propertyName()), 2, row++);
        }
        VBox body = new VBox(10, Styles.hint("Both servers of a pair must point at each other and agree on the "
                + "shared settings. Edit either side; every mismatch below has a fix. OK copies the values into both "
                + "profiles; save each profile afterwards."), grid);
        body.setPadding(new Insets(12));
        ScrollPane scroll = new ScrollPane(body);
        scroll.setFitToWidth(true);

        mismatchBox.setId("mismatches");
        vm.mismatches().addListener((ListChangeListener<PairMismatch>) c -> showMismatches());
        showMismatches();
        Button fixAll = new Button("Fix all");
        fixAll.setId("fixAll");
        fixAll.disableProperty().bind(javafx.beans.binding.Bindings.isEmpty(vm.mismatches()));
        fixAll.setOnAction(e -> vm.fixAll());
        TitledPane checks = new TitledPane("Cross-checks", new VBox(6, mismatchBox, fixAll));
        checks.setCollapsible(false);

        Button ok = new Button("OK");
        ok.setId("pairOk");
        ok.setDefaultButton(true);
        ok.disableProperty().bind(vm.validProperty().not());
        ok.setOnAction(e -> {
            if (vm.ok()) {
                stage.close();
            }
        });
        Button cancel = new Button("Cancel");
        cancel.setId("pairCancel");
        cancel.setCancelButton(true);
        cancel.setOnAction(e -> stage.close());
        HBox buttons = new HBox(8, ok, cancel);
        buttons.setAlignment(Pos.CENTER_RIGHT);
        checks.setPrefWidth(420);
        checks.setMaxHeight(Double.MAX_VALUE);
        VBox bottom = new VBox(8, buttons);
        bottom.setPadding(new Insets(8, 12, 12, 12));

        BorderPane root = new BorderPane(scroll);
        root.setRight(checks);
        BorderPane.setMargin(checks, new Insets(12, 12, 0, 0));
        root.setBottom(bottom);
        root.setId("pairDialog");
        stage.setScene(new Scene(root, 1240, 640));
    }

    private void showMismatches() {
        mismatchBox.getChildren().clear();
        if (vm.mismatches().isEmpty()) {
            Label fine = new Label("The two profiles match: they will form a pair.");
            fine.setId("pair-ok-message");
            fine.setStyle("-fx-text-fill: #1b5e20;");
            mismatchBox.getChildren().add(fine);
            return;
        }
        int i = 0;
        for (PairMismatch m : vm.mismatches()) {
            Label text = new Label(m.message());
            text.setWrapText(true);
            text.setStyle(Styles.ERROR);
            text.setId("mismatch-" + i);
            Button fix = new Button("Fix: " + m.fixLabel());
            fix.setId("fix-" + i);
            fix.setOnAction(e -> vm.apply(m));
            fix.setWrapText(true);
            fix.setMnemonicParsing(false);
            mismatchBox.getChildren().add(new VBox(4, text, fix));
            i++;
        }
    }

    private static Node bold(String text) {
        Label l = new Label(text);
        l.setStyle("-fx-font-weight: bold;");
        return l;
    }

    Stage stage() {
        return stage;
    }

    void show() {
        stage.show();
    }
}
