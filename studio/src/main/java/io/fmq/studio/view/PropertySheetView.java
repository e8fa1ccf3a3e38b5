package io.fmq.studio.view;

import io.fmq.profile.ConfigNode;
import io.fmq.studio.viewmodel.ProfileViewModel;
import io.fmq.studio.viewmodel.PropertyRow;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/** The editable properties of one configuration tree node; binds to the profile's view model only. */
final class PropertySheetView extends VBox {

    PropertySheetView(ProfileViewModel profile, ConfigNode node) {
        super(8);
        setPadding(new Insets(12));
        setId("propertySheet");
        Label title = new Label(profile.name() + " \u203a " + node.displayPath());
        title.setStyle("-fx-font-size: 1.2em; -fx-font-weight: bold;");
        getChildren().addAll(title, Styles.hint(node.description()), runningBanner(profile));

        GridPane grid = new GridPane();
        grid.setHgap(10);
        grid.setVgap(2);
        ColumnConstraints nameColumn = new ColumnConstraints(220);
        ColumnConstraints valueColumn = new ColumnConstraints(180, 260, Double.MAX_VALUE);
        valueColumn.setHgrow(Priority.ALWAYS);
        grid.getColumnConstraints().addAll(nameColumn, valueColumn, new ColumnConstraints(160));
        Label h1 = new Label("Property");
        Label h2 = new Label("Value");
        Label h3 = new Label("Default");
        for (Label h : new Label[] {h1, h2, h3}) {
            h.setStyle("-fx-font-weight: bold;");
        }
        grid.addRow(0, h1, h2, h3);
        int row = 1;
        for (PropertyRow r : profile.rows(node)) {
            Label name = new Label(r.name());
            name.setTooltip(new Tooltip(r.key().key()));
            TextField value = new TextField();
            value.setId("value-" + r.name());
            value.textProperty().bindBidirectional(r.value());
            Label def = new Label(r.defaultValue());
            def.setId("default-" + r.name());
            grid.addRow(row++, name, value, def);
            Label description = Styles.hint(r.description());
            grid.add(description, 0, row++, 3, 1);
            Label problem = Styles.message(r.problem(), Styles.ERROR, "problem-" + r.name());
            grid.add(problem, 0, row++, 3, 1);
            GridPane.setMargin(description, new Insets(0, 0, 8, 0));
        }
        getChildren().add(grid);
    }

    static Label runningBanner(ProfileViewModel profile) {
        Label banner = new Label();
        banner.setWrapText(true);
        banner.setStyle(Styles.BANNER);
        banner.textProperty().bind(Bindings.createStringBinding(() -> profile.serverStateProperty().get().running()
                ? "A server is running on this profile (" + profile.serverStateProperty().get().owner() + "). Configure "
                + "profiles offline: stop the server, save, then start it again."
                : "", profile.serverStateProperty()));
        banner.visibleProperty().bind(banner.textProperty().isNotEmpty());
        banner.managedProperty().bind(banner.visibleProperty());
        return banner;
    }
}
