package io.fmq.studio;

import io.fmq.studio.service.Dialogs;
import io.fmq.studio.service.LiveStatusService;
import io.fmq.studio.service.ProfileRepository;
import io.fmq.studio.view.MainView;
import io.fmq.studio.viewmodel.StudioViewModel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executor;
import javafx.stage.Stage;

/** Wires the Studio together: the one place that chooses implementations (tests pass their own dialogs). */
public final class Studio {
    private Studio() {
    }

    public static MainView show(Stage stage, ProfileRepository repository, Dialogs dialogs, LiveStatusService liveStatus,
                                Executor background, Executor ui, Path profilesFolder, List<Path> open) {
        StudioViewModel vm = new StudioViewModel(repository, dialogs, background, ui);
        vm.setInitialFolder(profilesFolder);
        MainView view = new MainView(stage, vm, liveStatus, background, ui);
        stage.show();
        // one after the other, so that the explorer lists them in the order given
        java.util.concurrent.CompletableFuture<?> chain = java.util.concurrent.CompletableFuture.completedFuture(null);
        for (Path folder : open) {
            chain = chain.thenComposeAsync(x -> vm.open(folder), ui).thenAcceptAsync(p -> p.ifPresent(view::select), ui);
        }
        return view;
    }
}
