package io.fmq.studio;

import io.fmq.studio.service.FileProfileRepository;
import io.fmq.studio.service.JmxLiveStatusService;
import io.fmq.studio.view.FxDialogs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;

/** The JavaFX application: {@code studio.sh [PROFILE_FOLDER...]}. */
public final class StudioApp extends Application {
    private ExecutorService background;

    @Override
    public void start(Stage stage) {
        background = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "studio-io");
            t.setDaemon(true);
            return t;
        });
        List<Path> open = getParameters().getUnnamed().stream().map(Path::of).collect(Collectors.toList());
        Studio.show(stage, new FileProfileRepository(), new FxDialogs(() -> stage),
                new JmxLiveStatusService(Duration.ofSeconds(5)), background, Platform::runLater,
                Path.of(System.getProperty("fmq.home", ".")).resolve("profiles").toAbsolutePath().normalize(), open);
    }

    @Override
    public void stop() {
        if (background != null) {
            background.shutdownNow();
        }
    }
}
