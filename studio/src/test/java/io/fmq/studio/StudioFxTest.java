package io.fmq.studio;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmq.studio.service.FileProfileRepository;
import io.fmq.studio.service.JmxLiveStatusService;
import io.fmq.studio.view.MainView;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.event.Event;
import javafx.geometry.Bounds;
import javafx.scene.input.ContextMenuEvent;
import org.testfx.api.FxToolkit;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import javafx.stage.Window;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Drives the real Studio windows (headless, Monocle): opens copies of the shipped profiles through
 * Tools › Configure FMQ…, edits them in the Replicated HA wizard and in the pair dialog, saves through the
 * context menu and checks the file on disk line by line. Also writes the README's screenshots.
 */
@ExtendWith(ApplicationExtension.class)
class StudioFxTest {
    @TempDir
    Path dir;
    Path profiles;
    final ScriptedDialogs dialogs = new ScriptedDialogs();
    final ExecutorService background = Executors.newCachedThreadPool();

    @Start
    void start(Stage stage) {
        profiles = TestProfiles.copyAll(dir);
        Studio.show(stage, new FileProfileRepository(), dialogs, new JmxLiveStatusService(Duration.ofSeconds(5)),
                background, Platform::runLater, profiles, List.of());
    }

    @AfterEach
    void stop() throws Exception {
        background.shutdownNow();
        FxToolkit.cleanupStages();
    }

    /** Right-click › item on a node. */
    private static void contextMenu(FxRobot robot, String query, String item) {
        Node node = robot.lookup(query).query();
        robot.rightClickOn(node);
        WaitForAsyncUtils.waitForFxEvents();
        if (robot.lookup(item).tryQuery().isEmpty()) {
            // Monocle's headless glass does not turn a secondary click into a context-menu request
            // (a desktop platform does): deliver the request at the clicked point as the platform would
            Bounds b = node.localToScreen(node.getBoundsInLocal());
            robot.interact(() -> Event.fireEvent(node, new ContextMenuEvent(ContextMenuEvent.CONTEXT_MENU_REQUESTED,
                    b.getWidth() / 2, b.getHeight() / 2, b.getCenterX(), b.getCenterY(), false, null)));
        }
        robot.clickOn(item);
    }

    private void openThroughTheMenu(FxRobot robot, String name) throws Exception {
        dialogs.folders.add(profiles.resolve(name));
        robot.clickOn("Tools").clickOn("Configure FMQ\u2026");
        String id = "#profile-" + name.replaceAll("[^A-Za-z0-9]", "_");
        WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> robot.lookup(id).tryQuery().isPresent());
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** Clicks a tree node by its text once the tree shows it. */
    private static void clickNode(FxRobot robot, String text) throws Exception {
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> robot.lookup(text).tryQuery().map(Node::isVisible).orElse(false));
        robot.clickOn(text);
    }

    private static String cell(String name) {
        return "#profile-" + name.replaceAll("[^A-Za-z0-9]", "_");
    }

    /** Replaces a text field's content by typing, as a user would. */
    private static void type(FxRobot robot, String query, String text) {
        TextField field = robot.lookup(query).queryAs(TextField.class);
        robot.clickOn(field).push(KeyCode.CONTROL, KeyCode.A).push(KeyCode.BACK_SPACE).write(text, 0);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(field.getText()).isEqualTo(text);
    }

    private static boolean shown(FxRobot robot, String query) {
        return robot.lookup(query).tryQuery().map(Node::isVisible).orElse(false);
    }

    @Test
    void replicatedWizardEditsPingIntervalAndLockFileAndSaveChangesExactlyThoseLines(FxRobot robot) throws Exception {
        String name = "FioranoMQ_HA_rpl/HAPrimary";
        Path file = profiles.resolve(name).resolve("conf/Config.cfg");
        String before = Files.readString(file);
        openThroughTheMenu(robot, name);
        clickNode(robot, "FioranoHAManager");
        assertThat(robot.lookup("#value-PingInterval").queryAs(TextField.class).getText()).isEqualTo("30000");
        screenshot(robot.lookup("#explorer").query().getScene(), "studio-explorer.png");

        contextMenu(robot, cell(name), "FMQ Replicated HA\u2026");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> robot.lookup("#finish").tryQuery().isPresent());
        Button finish = robot.lookup("#finish").queryButton();
        assertThat(finish.isDisabled()).isFalse();

        type(robot, "#wizard-PingInterval", "20s");
        assertThat(shown(robot, "#wizard-error-PingInterval")).isTrue();
        assertThat(robot.lookup("#wizard-error-PingInterval").queryAs(Label.class).getText()).contains("not a whole number");
        assertThat(finish.isDisabled()).isTrue();
        screenshot(finish.getScene(), "studio-wizard.png");

        type(robot, "#wizard-PingInterval", "20000");
        assertThat(shown(robot, "#wizard-error-PingInterval")).isFalse();
        assertThat(finish.isDisabled()).isFalse();

        type(robot, "#wizard-LockFile", "null");
        assertThat(shown(robot, "#wizard-error-LockFile")).isTrue();
        assertThat(finish.isDisabled()).isTrue();
        type(robot, "#wizard-LockFile", "FioranoMQ_HA_rpl/lock-b.dat");
        assertThat(shown(robot, "#wizard-error-LockFile")).isFalse();
        robot.clickOn(finish);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> robot.lookup("#finish").tryQuery().isEmpty());
        assertThat(robot.lookup(cell(name)).queryLabeled().getText()).isEqualTo("*" + name);

        contextMenu(robot, cell(name), "Save");
        WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> !Files.readString(file).equals(before)
                && robot.lookup(cell(name)).queryLabeled().getText().equals(name));
        assertThat(TestProfiles.changedLines(before, Files.readString(file))).containsExactly(
                "20: #FMQGroup.PingInterval=30000 -> FMQGroup.PingInterval=20000",
                "21: FMQGroup.LockFile=FioranoMQ_HA_rpl/lock.dat -> FMQGroup.LockFile=FioranoMQ_HA_rpl/lock-b.dat");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> dialogs.saw("confirm: Clear the data store?"));
    }

    @Test
    void pairDialogFixesAMovedHaPortOnThePeerAndSavesBothFiles(FxRobot robot) throws Exception {
        String primary = "FioranoMQ_HA_rpl/HAPrimary";
        String secondary = "FioranoMQ_HA_rpl/HASecondary";
        Path primaryFile = profiles.resolve(primary).resolve("conf/Config.cfg");
        Path secondaryFile = profiles.resolve(secondary).resolve("conf/Config.cfg");
        String primaryBefore = Files.readString(primaryFile);
        String secondaryBefore = Files.readString(secondaryFile);
        openThroughTheMenu(robot, primary);
        openThroughTheMenu(robot, secondary);

        contextMenu(robot, cell(primary), "HA Pair\u2026");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> robot.lookup("#pairOk").tryQuery().isPresent());
        Button ok = robot.lookup("#pairOk").queryButton();
        assertThat(shown(robot, "#pair-ok-message")).isTrue();

        type(robot, "#pair-left-Port", "2100");
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#mismatch-0").tryQuery().isPresent());
        assertThat(robot.lookup("#mismatch-0").queryAs(Label.class).getText()).contains("BackupHAPort is 2000");
        assertThat(robot.lookup("#mismatch-1").tryQuery()).isEmpty();
        assertThat(ok.isDisabled()).isTrue();
        screenshot(ok.getScene(), "studio-pair.png");

        robot.clickOn("#fix-0");
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#mismatch-0").tryQuery().isEmpty());
        assertThat(robot.lookup("#pair-right-BackupHAPort").queryAs(TextField.class).getText()).isEqualTo("2100");
        assertThat(ok.isDisabled()).isFalse();
        robot.clickOn(ok);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> robot.lookup("#pairOk").tryQuery().isEmpty());

        dialogs.answer = false; // "Clear the data store?" -> Later
        contextMenu(robot, cell(primary), "Save");
        WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> !Files.readString(primaryFile).equals(primaryBefore));
        contextMenu(robot, cell(secondary), "Save");
        WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> !Files.readString(secondaryFile).equals(secondaryBefore));
        assertThat(TestProfiles.changedLines(primaryBefore, Files.readString(primaryFile)))
                .containsExactly("19: #FMQGroup.Port=2000 -> FMQGroup.Port=2100");
        assertThat(TestProfiles.changedLines(secondaryBefore, Files.readString(secondaryFile)))
                .singleElement().asString().endsWith("-> FMQGroup.BackupHAPort=2100");
    }

    @Test
    void closingWithUnsavedChangesAsks(FxRobot robot) throws Exception {
        String name = "FioranoMQ_HA_shared/HAPrimary";
        openThroughTheMenu(robot, name);
        clickNode(robot, "FioranoHAConnectionManager");
        type(robot, "#value-NagleAlgo", "true");
        assertThat(robot.lookup(cell(name)).queryLabeled().getText()).isEqualTo("*" + name);
        type(robot, "#value-NagleAlgo", "maybe");
        assertThat(shown(robot, "#problem-NagleAlgo")).isTrue();
        dialogs.answer = false;
        Window main = robot.lookup("#explorer").query().getScene().getWindow();
        robot.interact(() -> main.fireEvent(new javafx.stage.WindowEvent(main, javafx.stage.WindowEvent.WINDOW_CLOSE_REQUEST)));
        assertThat(dialogs.saw("confirm: Unsaved changes")).isTrue();
        assertThat(main.isShowing()).isTrue();
    }

    /** Writes a picture of a window for the README when {@code fmq.screenshots} names a folder. */
    private static void screenshot(Scene scene, String file) throws Exception {
        String folder = System.getProperty("fmq.screenshots");
        if (folder == null) {
            return;
        }
        BufferedImage image = WaitForAsyncUtils.asyncFx(() -> SwingFXUtils.fromFXImage(scene.snapshot(null), null)).get();
        Path out = Path.of(folder).resolve(file);
        try {
            Files.createDirectories(out.getParent());
            ImageIO.write(image, "png", out.toFile());
        } catch (IOException e) {
            throw new IOException("cannot write the screenshot " + out, e);
        }
    }
}
