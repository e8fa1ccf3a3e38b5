package io.fmq.studio.viewmodel;

import io.fmq.profile.ConfigDocument;
import io.fmq.studio.service.Dialogs;
import io.fmq.studio.service.LoadedProfile;
import io.fmq.studio.service.ProfileRepository;
import io.fmq.studio.service.ServerState;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The Studio's main window: the open profiles, and the flows that touch the disk (open, save, clear the
 * store) with the questions they put to the user. File I/O runs on {@code background}; everything that
 * touches the view models and the dialogs runs on {@code ui} (the JavaFX thread in the application).
 */
public final class StudioViewModel {
    private final ProfileRepository repository;
    private final Dialogs dialogs;
    private final Executor background;
    private final Executor ui;
    private final ObservableList<ProfileViewModel> profiles = FXCollections.observableArrayList();
    private Path lastFolder;

    public StudioViewModel(ProfileRepository repository, Dialogs dialogs, Executor background, Executor ui) {
        this.repository = repository;
        this.dialogs = dialogs;
        this.background = background;
        this.ui = ui;
    }

    /** Where the folder chooser starts until a profile has been opened (the distribution's profiles folder). */
    public void setInitialFolder(Path folder) {
        lastFolder = folder;
    }

    public ObservableList<ProfileViewModel> profiles() {
        return profiles;
    }

    /** Tools › Configure FMQ…: asks for a folder and opens it. */
    public CompletableFuture<Optional<ProfileViewModel>> chooseAndOpen() {
        Optional<Path> folder = dialogs.chooseProfileFolder(lastFolder);
        if (folder.isEmpty()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return open(folder.get());
    }

    /** Opens a profile folder (or selects it if it is open already). */
    public CompletableFuture<Optional<ProfileViewModel>> open(Path folder) {
        Path absolute = folder.toAbsolutePath().normalize();
        lastFolder = absolute.getParent();
        for (ProfileViewModel p : profiles) {
            if (p.folder().equals(absolute)) {
                return CompletableFuture.completedFuture(Optional.of(p));
            }
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                LoadedProfile loaded = repository.load(absolute);
                return new Object[] {loaded, repository.serverState(absolute)};
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, background).handleAsync((result, failure) -> {
            if (failure != null) {
                dialogs.error("Cannot open profile", "Cannot open " + absolute + ": " + cause(failure).getMessage());
                return Optional.<ProfileViewModel>empty();
            }
            ProfileViewModel p = new ProfileViewModel((LoadedProfile) result[0]);
            p.serverStateProperty().set((ServerState) result[1]);
            profiles.add(p);
            if (p.serverStateProperty().get().running()) {
                dialogs.info("Server running", runningWarning(p));
            }
            return Optional.of(p);
        }, ui);
    }

    private static String runningWarning(ProfileViewModel p) {
        return "A server is running on " + p.name() + " (" + p.serverStateProperty().get().owner() + "). Its store is locked "
                + "and it reads Config.cfg only when it starts: configure profiles offline, with the server stopped, "
                + "and restart it to use the changes.";
    }

    /**
     * Right-click › Save: refuses with the errors when the profile does not validate, warns when its server
     * runs, writes the file, then reminds to clear the store after an HA-layer change (offering to do it).
     *
     * @return true when the file was written
     */
    public CompletableFuture<Boolean> save(ProfileViewModel p) {
        if (p.reportProperty().get().hasErrors()) {
            dialogs.error("Cannot save " + p.name(), "Fix these problems first:\n" + p.reportProperty().get().errors()
                    .stream().map(e -> e.key() + (e.line() > 0 ? " (line " + e.line() + ")" : "") + ": " + e.message())
                    .collect(Collectors.joining("\n")));
            return CompletableFuture.completedFuture(false);
        }
        if (!p.isDirty()) {
            return CompletableFuture.completedFuture(false);
        }
        ConfigDocument edited = p.editedDocument();
        boolean haChanged = p.haChanged();
        return CompletableFuture.supplyAsync(() -> {
            try {
                return repository.serverState(p.folder());
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, background).thenApplyAsync(state -> {
            p.serverStateProperty().set(state);
            return !state.running() || dialogs.confirm("Server running", runningWarning(p) + "\n\nSave anyway?",
                    "Save anyway", "Cancel");
        }, ui).thenApplyAsync(go -> {
            if (!go) {
                return false;
            }
            try {
                repository.save(edited);
                return true;
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, background).handleAsync((written, failure) -> {
            if (failure != null) {
                dialogs.error("Cannot save " + p.name(), "Cannot write " + edited.file() + ": " + cause(failure).getMessage());
                return false;
            }
            if (!written) {
                return false;
            }
            p.markSaved(edited);
            if (haChanged && dialogs.confirm("Clear the data store?", "The HA settings of " + p.name() + " changed. Clear "
                    + "the server's data store (" + p.folder().resolve("run") + ") before restarting it, as clearDB.sh does; "
                    + "its messages are deleted.", "Clear store now", "Later")) {
                clearStore(p);
            }
            return true;
        }, ui);
    }

    /** Right-click › Clear data store: what clearDB.sh does; refuses while the server runs. */
    public CompletableFuture<Boolean> clearStore(ProfileViewModel p) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return repository.clearStore(p.folder());
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, background).handleAsync((message, failure) -> {
            if (failure != null) {
                Throwable c = cause(failure);
                dialogs.error("Store not cleared", c instanceof ProfileRepository.StoreInUseException
                        ? c.getMessage() : "Cannot clear the store of " + p.name() + ": " + c.getMessage());
                return false;
            }
            dialogs.info("Store cleared", message);
            return true;
        }, ui);
    }

    /** Closes one profile, asking first when it has unsaved changes; true when closed. */
    public boolean close(ProfileViewModel p) {
        if (p.isDirty() && !dialogs.confirm("Unsaved changes", p.name() + " has unsaved changes. Close it and lose them?",
                "Discard changes", "Cancel")) {
            return false;
        }
        profiles.remove(p);
        return true;
    }

    /** Whether the Studio may exit: asks when any profile has unsaved changes. */
    public boolean confirmExit() {
        List<String> dirty = profiles.stream().filter(ProfileViewModel::isDirty).map(ProfileViewModel::name)
                .collect(Collectors.toList());
        return dirty.isEmpty() || dialogs.confirm("Unsaved changes", "These profiles have unsaved changes: "
                + String.join(", ", dirty) + ". Exit and lose them?", "Exit without saving", "Cancel");
    }

    /** The other profile of a pair for the pair dialog: the open profile of the other role, nearest first. */
    public Optional<ProfileViewModel> partnerOf(ProfileViewModel p) {
        Optional<ProfileViewModel> sameParent = profiles.stream()
                .filter(o -> o != p && o.role() != p.role() && o.folder().getParent().equals(p.folder().getParent()))
                .findFirst();
        if (sameParent.isPresent()) {
            return sameParent;
        }
        return profiles.stream().filter(o -> o != p && o.role() != p.role()).findFirst()
                .or(() -> profiles.stream().filter(o -> o != p).findFirst());
    }

    private static Throwable cause(Throwable t) {
        while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
