package io.fmq.studio.service;

import io.fmq.profile.StoreFolder;
import io.fmq.profile.ConfigDocument;
import io.fmq.profile.ProfileLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Profiles on the local disk, read and written through the profile library. */
public final class FileProfileRepository implements ProfileRepository {
    static final String SERVER_LOCK = StoreFolder.SERVER_LOCK;

    @Override
    public LoadedProfile load(Path folder) throws IOException {
        Path absolute = folder.toAbsolutePath().normalize();
        if (!ProfileLoader.isProfile(absolute)) {
            throw new NoSuchFileException(absolute.toString(), null, "not a profile folder: it has no conf/"
                    + ProfileLoader.CONFIG_FILE_NAME + " (choose a folder such as profiles/FioranoMQ_HA_rpl/HAPrimary)");
        }
        Path root = ProfileLoader.profilesRootFor(absolute);
        String name = absolute.startsWith(root) && !absolute.equals(root)
                ? root.relativize(absolute).toString().replace('\\', '/')
                : String.valueOf(absolute.getFileName());
        ConfigDocument document = ConfigDocument.read(absolute.resolve("conf").resolve(ProfileLoader.CONFIG_FILE_NAME));
        return new LoadedProfile(name, absolute, root, document);
    }

    @Override
    public void save(ConfigDocument document) throws IOException {
        document.save();
    }

    @Override
    public ServerState serverState(Path folder) throws IOException {
        Path lock = folder.resolve(SERVER_LOCK);
        return StoreFolder.isHeld(lock) ? new ServerState(true, StoreFolder.describe(StoreFolder.readOwner(lock)))
                : ServerState.STOPPED;
    }

    @Override
    public String clearStore(Path folder) throws IOException, StoreInUseException {
        ServerState state = serverState(folder);
        if (state.running()) {
            throw new StoreInUseException("A server is running on this profile (" + state.owner()
                    + "); its store was not cleared. Stop it first, then clear the store.");
        }
        Path store = folder.resolve("run");
        if (!Files.isDirectory(store)) {
            return "The data store " + store + " does not exist: nothing to clear.";
        }
        try {
            int removed = StoreFolder.clear(store);
            return "Cleared the data store " + store + " (" + removed + " files removed).";
        } catch (StoreFolder.InUseException e) {
            throw new StoreInUseException("A server holds the data store " + store + " (" + StoreFolder.describe(e.owner())
                    + "); it was not cleared. Stop it first.");
        }
    }
}
