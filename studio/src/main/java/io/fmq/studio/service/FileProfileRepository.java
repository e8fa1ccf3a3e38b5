package io.fmq.studio.service;

import io.fmq.profile.ConfigDocument;
import io.fmq.profile.ProfileLoader;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Profiles on the local disk, read and written through the profile library. */
public final class FileProfileRepository implements ProfileRepository {
    /** The lock file a running server holds in its profile folder. */
    static final String SERVER_LOCK = "server.pid";
    /** The lock file a running server (or clearDB) holds in the store. */
    static final String STORE_LOCK = "store.lock";

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
        return ServerLockProbe.isHeld(lock) ? new ServerState(true, ServerLockProbe.describeHolder(lock)) : ServerState.STOPPED;
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
        Path lockFile = store.resolve(STORE_LOCK);
        // hold the store's lock while deleting, so that a server cannot start on a half-cleared store
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new StoreInUseException("A server holds the data store " + store + " ("
                        + ServerLockProbe.describeHolder(lockFile) + "); it was not cleared. Stop it first.");
            }
            try {
                int removed = deleteContents(store, lockFile);
                return "Cleared the data store " + store + " (" + removed + " files removed).";
            } finally {
                lock.release();
            }
        }
    }

    private static int deleteContents(Path store, Path keep) throws IOException {
        List<Path> paths;
        try (Stream<Path> s = Files.walk(store)) {
            paths = s.filter(p -> !p.equals(store) && !p.equals(keep))
                    .sorted(Comparator.reverseOrder()).collect(Collectors.toList());
        }
        int files = 0;
        for (Path p : paths) {
            if (!Files.isDirectory(p)) {
                files++;
            }
            Files.delete(p);
        }
        return files;
    }
}
