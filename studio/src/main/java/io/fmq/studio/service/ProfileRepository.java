package io.fmq.studio.service;

import io.fmq.profile.ConfigDocument;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads and writes profile folders. Every method does file I/O: call it off the JavaFX thread.
 */
public interface ProfileRepository {

    /** Reads {@code FOLDER/conf/Config.cfg}; fails with a message that says what is missing. */
    LoadedProfile load(Path folder) throws IOException;

    /** Writes the document to its file atomically (only the edited lines differ from what was read). */
    void save(ConfigDocument document) throws IOException;

    /** Whether a server holds the profile's {@code server.pid} lock now. */
    ServerState serverState(Path folder) throws IOException;

    /**
     * Empties the profile's data store ({@code run/}), as {@code clearDB.sh} does; refuses while a server
     * runs on the profile or holds the store.
     *
     * @return a sentence for the user saying what was done
     * @throws StoreInUseException when a server runs
     */
    String clearStore(Path folder) throws IOException, StoreInUseException;

    /** The store could not be cleared because a server runs on it. */
    final class StoreInUseException extends Exception {
        private static final long serialVersionUID = 1L;

        public StoreInUseException(String message) {
            super(message);
        }
    }
}
