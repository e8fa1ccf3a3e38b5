package io.fmq.server.ha;

import io.fmq.ha.state.RepositoryPosition;
import io.fmq.store.FileJournal;
import io.fmq.store.RecoveryReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link HaStore} of a shared pair: one store folder both servers see ({@code -dbPath}), opened for writing only
 * by the server that activates, and only in the epoch it raised ({@link FileJournal#openFenced}): opening fences every
 * older writer off, so a server that wakes up after a takeover confirms nothing and nothing it writes is read back.
 * The passive never opens it for writing ({@link #openJournal} refuses); a step-down closes it ({@link #stopWriting}).
 * There is no replication: the machine of a shared pair never asks for a source or a sink.
 *
 * <p>Only the controller thread calls these methods; the journal reference is volatile for the status read-outs.
 */
public final class SharedHaStore implements HaStore.Unreplicated {
    private static final Logger LOG = LoggerFactory.getLogger(SharedHaStore.class);

    private final Path dir;
    private final String lockIdentity;
    private final Consumer<RecoveryReport> onRecovered;
    private volatile FileJournal journal;
    private BooleanSupplier confirmGate;

    public SharedHaStore(Path dir, String lockIdentity, Consumer<RecoveryReport> onRecovered) {
        this.dir = dir;
        this.lockIdentity = lockIdentity;
        this.onRecovered = onRecovered;
    }

    /** The journal while this server writes the store, else null. */
    public FileJournal currentJournal() {
        return journal;
    }

    @Override
    public RepositoryPosition position() {
        FileJournal j = journal;
        if (j != null) {
            return new RepositoryPosition(j.epoch(), j.lastSequence());
        }
        try {
            return new RepositoryPosition(FileJournal.sharedEpoch(dir), 0);
        } catch (IOException e) {
            LOG.warn("Cannot read the shared store's epoch in {}: {}", dir, e.getMessage());
            return RepositoryPosition.EMPTY;
        }
    }

    @Override
    public void openJournal() throws IOException {
        if (journal == null) {
            throw new IOException("the shared store is opened for writing only when this server activates (in a new epoch)");
        }
    }

    @Override
    public long beginEpoch(long atLeast) throws IOException {
        stopWriting();
        long epoch = Math.max(atLeast, FileJournal.sharedEpoch(dir) + 1);
        FileJournal opened = FileJournal.openFenced(dir, epoch, lockIdentity);
        onRecovered.accept(opened.recoveryReport());
        opened.setConfirmGate(confirmGate);
        journal = opened;
        return epoch;
    }

    @Override
    public void stopWriting() {
        FileJournal j = journal;
        journal = null;
        if (j != null) {
            try {
                j.close();
            } catch (IOException e) {
                LOG.warn("Closing the shared store's journal: {}", e.getMessage());
            }
        }
    }

    @Override
    public void setConfirmGate(BooleanSupplier gate) {
        confirmGate = gate;
        FileJournal j = journal;
        if (j != null) {
            j.setConfirmGate(gate);
        }
    }

    @Override
    public void close() {
        stopWriting();
    }
}
