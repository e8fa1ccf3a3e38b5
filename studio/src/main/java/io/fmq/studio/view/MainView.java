package io.fmq.studio.view;

import io.fmq.profile.ConfigNode;
import io.fmq.profile.HaMode;
import io.fmq.studio.service.LiveStatusService;
import io.fmq.studio.viewmodel.HaWizardViewModel;
import io.fmq.studio.viewmodel.LiveStatusViewModel;
import io.fmq.studio.viewmodel.PairDialogViewModel;
import io.fmq.studio.viewmodel.ProfileViewModel;
import io.fmq.studio.viewmodel.StudioViewModel;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;
import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TreeCell;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;

/**
 * The main window: menu, explorer tree of the open profiles (nodes follow the guide's configuration
 * paths) and the property sheet of the selected node. Binds to {@link StudioViewModel}; opens the
 * wizards, the pair dialog and the live status panel.
 */
public final class MainView {
    private final Stage stage;
    private final StudioViewModel vm;
    private final LiveStatusService liveStatus;
    private final Executor background;
    private final Executor ui;
    private final TreeView<Entry> explorer = new TreeView<>(new TreeItem<>());
    private final ScrollPane sheet = new ScrollPane();

    /** What a tree item stands for: a profile root, an inner folder of the path, or a node with properties. */
    record Entry(ProfileViewModel profile, String label, ConfigNode node, List<ConfigNode> below) {
        boolean isProfile() {
            return label == null;
        }
    }

    public MainView(Stage stage, StudioViewModel vm, LiveStatusService liveStatus, Executor background, Executor ui) {
        this.stage = stage;
        this.vm = vm;
        this.liveStatus = liveStatus;
        this.background = background;
        this.ui = ui;

        explorer.setId("explorer");
        explorer.setShowRoot(false);
        explorer.setCellFactory(t -> new EntryCell());
        explorer.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> showSheet(now));
        vm.profiles().addListener((ListChangeListener<ProfileViewModel>) c -> rebuildTree());

        sheet.setFitToWidth(true);
        sheet.setContent(welcome());
        SplitPane split = new SplitPane(explorer, sheet);
        split.setDividerPositions(0.3);

        BorderPane root = new BorderPane(split);
        root.setTop(menu());
        Label status = new Label();
        status.setPadding(new Insets(4, 8, 4, 8));
        status.textProperty().bind(Bindings.createStringBinding(() -> vm.profiles().isEmpty()
                ? "No profile open: Tools \u203a Configure FMQ\u2026"
                : vm.profiles().size() + " profile(s) open; right-click a profile for the HA wizards, the pair dialog and Save.",
                vm.profiles()));
        root.setBottom(status);
        stage.setTitle("FMQ Studio");
        stage.setScene(new Scene(root, 1100, 760));
        stage.setOnCloseRequest(e -> {
            if (!vm.confirmExit()) {
                e.consume();
            }
        });
    }

    public Stage stage() {
        return stage;
    }

    private MenuBar menu() {
        MenuItem open = new MenuItem("Open Profile\u2026");
        open.setOnAction(e -> openChosen());
        MenuItem exit = new MenuItem("Exit");
        exit.setOnAction(e -> {
            if (vm.confirmExit()) {
                stage.hide();
            }
        });
        Menu file = new Menu("File", null, open, new SeparatorMenuItem(), exit);
        MenuItem configure = new MenuItem("Configure FMQ\u2026");
        configure.setOnAction(e -> openChosen());
        Menu tools = new Menu("Tools", null, configure);
        return new MenuBar(file, tools);
    }

    private void openChosen() {
        vm.chooseAndOpen().thenAcceptAsync(p -> p.ifPresent(this::select), ui);
    }

    private static Node welcome() {
        Label text = new Label("Open a profile folder with Tools \u203a Configure FMQ\u2026 (for example "
                + "profiles/FioranoMQ_HA_rpl/HAPrimary). Open both profiles of a pair to edit them side by side.\n\n"
                + "Configure profiles offline: a running server reads Config.cfg only when it starts.");
        text.setWrapText(true);
        VBox box = new VBox(text);
        box.setPadding(new Insets(16));
        return box;
    }

    /** Selects a profile's root in the tree. */
    public void select(ProfileViewModel p) {
        for (TreeItem<Entry> item : explorer.getRoot().getChildren()) {
            if (item.getValue().profile() == p) {
                explorer.getSelectionModel().select(item);
                return;
            }
        }
    }

    private void rebuildTree() {
        TreeItem<Entry> root = explorer.getRoot();
        root.getChildren().removeIf(i -> !vm.profiles().contains(i.getValue().profile()));
        for (ProfileViewModel p : vm.profiles()) {
            if (root.getChildren().stream().noneMatch(i -> i.getValue().profile() == p)) {
                root.getChildren().add(profileItem(p));
            }
        }
    }

    /** The profile's tree: one branch per configuration node path, shared prefixes merged (HA › ...). */
    private static TreeItem<Entry> profileItem(ProfileViewModel p) {
        TreeItem<Entry> top = new TreeItem<>(new Entry(p, null, null, List.of(ConfigNode.values())));
        for (ConfigNode node : ConfigNode.values()) {
            TreeItem<Entry> parent = top;
            List<String> path = node.path();
            for (int i = 0; i < path.size(); i++) {
                String label = path.get(i);
                boolean leaf = i == path.size() - 1;
                TreeItem<Entry> child = null;
                for (TreeItem<Entry> c : parent.getChildren()) {
                    if (label.equals(c.getValue().label())) {
                        child = c;
                    }
                }
                if (child == null) {
                    List<String> prefix = path.subList(0, i + 1);
                    List<ConfigNode> below = java.util.Arrays.stream(ConfigNode.values())
                            .filter(n -> n.path().size() > prefix.size() && n.path().subList(0, prefix.size()).equals(prefix))
                            .collect(Collectors.toList());
                    child = new TreeItem<>(new Entry(p, label, leaf ? node : null, below));
                    child.setExpanded(true);
                    parent.getChildren().add(child);
                }
                parent = child;
            }
        }
        top.setExpanded(true);
        return top;
    }

    private void showSheet(TreeItem<Entry> item) {
        if (item == null || item.getValue() == null) {
            sheet.setContent(welcome());
            return;
        }
        Entry e = item.getValue();
        if (e.node() != null) {
            sheet.setContent(new PropertySheetView(e.profile(), e.node()));
        } else if (e.isProfile()) {
            sheet.setContent(new ProfileSummaryView(e.profile()));
        } else {
            VBox box = new VBox(8);
            box.setPadding(new Insets(12));
            Label title = new Label(e.profile().name() + " \u203a " + e.label());
            title.setStyle("-fx-font-size: 1.2em; -fx-font-weight: bold;");
            box.getChildren().add(title);
            for (ConfigNode n : e.below()) {
                box.getChildren().addAll(new Label(n.displayPath()), Styles.hint(n.description()));
            }
            sheet.setContent(box);
        }
    }

    private ContextMenu profileMenu(ProfileViewModel p) {
        MenuItem replicated = new MenuItem("FMQ Replicated HA\u2026");
        replicated.setOnAction(e -> new HaWizardView(stage, new HaWizardViewModel(p, HaMode.REPLICATED)).show());
        MenuItem shared = new MenuItem("FMQ Shared HA\u2026");
        shared.setOnAction(e -> new HaWizardView(stage, new HaWizardViewModel(p, HaMode.SHARED)).show());
        MenuItem pair = new MenuItem("HA Pair\u2026");
        pair.setOnAction(e -> openPair(p));
        MenuItem live = new MenuItem("Live Status\u2026");
        live.setOnAction(e -> new LiveStatusView(stage, p.name(), new LiveStatusViewModel(liveStatus, background, ui,
                p.value(io.fmq.profile.ConfigKey.RMI_SERVER_PORT))).show());
        MenuItem save = new MenuItem("Save");
        save.setOnAction(e -> vm.save(p));
        MenuItem clear = new MenuItem("Clear Data Store\u2026");
        clear.setOnAction(e -> vm.clearStore(p));
        MenuItem close = new MenuItem("Close");
        close.setOnAction(e -> vm.close(p));
        return new ContextMenu(replicated, shared, pair, new SeparatorMenuItem(), save, clear, new SeparatorMenuItem(),
                live, new SeparatorMenuItem(), close);
    }

    private void openPair(ProfileViewModel p) {
        var partner = vm.partnerOf(p);
        if (partner.isEmpty()) {
            new FxDialogs(() -> stage).info("Open the other profile",
                    "Open the other profile of the pair first (Tools \u203a Configure FMQ\u2026), e.g. HASecondary next to HAPrimary.");
            return;
        }
        boolean pFirst = p.role() == io.fmq.profile.Role.PRIMARY || partner.get().role() != io.fmq.profile.Role.PRIMARY;
        ProfileViewModel left = pFirst ? p : partner.get();
        ProfileViewModel right = pFirst ? partner.get() : p;
        new PairDialogView(stage, new PairDialogViewModel(left, right)).show();
    }

    /** The id of a profile's tree cell: {@code profile-} and its name with every other character than letters and digits as {@code _}. */
    public static String profileCellId(ProfileViewModel p) {
        return "profile-" + p.name().replaceAll("[^A-Za-z0-9]", "_");
    }

    private final class EntryCell extends TreeCell<Entry> {
        @Override
        protected void updateItem(Entry item, boolean empty) {
            super.updateItem(item, empty);
            textProperty().unbind();
            if (empty || item == null) {
                setText(null);
                setContextMenu(null);
                setId(null);
                return;
            }
            if (item.isProfile()) {
                textProperty().bind(item.profile().titleProperty());
                setContextMenu(profileMenu(item.profile()));
                setId(profileCellId(item.profile()));
            } else {
                setText(item.label());
                setContextMenu(null);
                setId(null);
            }
        }
    }
}
