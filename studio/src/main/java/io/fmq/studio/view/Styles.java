package io.fmq.studio.view;

import javafx.beans.value.ObservableStringValue;
import javafx.scene.control.Label;

/** The few looks the views share. */
final class Styles {
    static final String ERROR = "-fx-text-fill: #b00020;";
    static final String WARNING = "-fx-text-fill: #8a5a00;";
    static final String HINT = "-fx-text-fill: #555555; -fx-font-size: 0.9em;";
    static final String BANNER = "-fx-background-color: #fff3cd; -fx-padding: 6; -fx-text-fill: #5c4400;";

    private Styles() {
    }

    /** A label bound to a message that takes no room while the message is empty. */
    static Label message(ObservableStringValue text, String style, String id) {
        Label label = new Label();
        label.setId(id);
        label.setWrapText(true);
        label.setStyle(style);
        label.textProperty().bind(text);
        label.visibleProperty().bind(label.textProperty().isNotEmpty());
        label.managedProperty().bind(label.visibleProperty());
        return label;
    }

    static Label hint(String text) {
        Label label = new Label(text);
        label.setWrapText(true);
        label.setStyle(HINT);
        return label;
    }
}
