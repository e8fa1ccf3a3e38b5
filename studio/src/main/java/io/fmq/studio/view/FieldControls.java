package io.fmq.studio.view;

import io.fmq.profile.ValueType;
import io.fmq.studio.viewmodel.WizardField;
import javafx.scene.Node;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;

/** Builds the rows of wizard-like forms: label, control, description and the field's messages. */
final class FieldControls {
    private FieldControls() {
    }

    /** A text field, or a check box for a true/false key; bound both ways to the field's value. */
    static Node control(WizardField f, String id) {
        if (f.key().type() == ValueType.BOOLEAN) {
            CheckBox box = new CheckBox();
            box.setId(id);
            box.setSelected("true".equalsIgnoreCase(f.value()) || "yes".equalsIgnoreCase(f.value()));
            box.selectedProperty().addListener((o, was, now) -> f.valueProperty().set(Boolean.toString(now)));
            f.valueProperty().addListener((o, was, now) -> box.setSelected("true".equalsIgnoreCase(now) || "yes".equalsIgnoreCase(now)));
            return box;
        }
        TextField text = new TextField();
        text.setId(id);
        text.setPrefColumnCount(22);
        text.setPromptText(f.key().type().expected());
        text.textProperty().bindBidirectional(f.valueProperty());
        return text;
    }

    /** Adds the rows for one field to a two-column grid; returns the next free row. */
    static int addRows(GridPane grid, int row, WizardField f, String prefix) {
        Label label = new Label(f.label());
        label.setStyle("-fx-font-weight: bold;");
        grid.add(label, 0, row);
        grid.add(control(f, prefix + f.label()), 1, row++);
        grid.add(Styles.hint(f.key().description()), 1, row++);
        grid.add(Styles.message(f.errorProperty(), Styles.ERROR, prefix + "error-" + f.label()), 1, row++);
        grid.add(Styles.message(f.warningProperty(), Styles.WARNING, prefix + "warning-" + f.label()), 1, row++);
        return row;
    }
}
