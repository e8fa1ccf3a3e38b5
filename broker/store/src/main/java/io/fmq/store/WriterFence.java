package io.fmq.store;

import java.io.IOException;
import java.io.StringReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The fence of a shared store: what lets only the current writer's records count, whatever an older writer (a
 * server frozen by SIGSTOP, or cut off from the storage and the lock, then back) still does. Two small files in
 * the store folder, each replaced atomically (write a temporary file, fsync, rename, fsync the folder):
 * <ul>
 *   <li>{@code writer.epoch} — {@code epoch=N}: the epoch of the last server that activated on this store. A new
 *       active writes it first, before it looks at the segments.</li>
 *   <li>{@code seals} — {@code epoch=N}, {@code lock=<lock identity>} and one {@code seal.<segment file>=<bytes>}
 *       per segment of older epochs: how much of each counts. The new active writes it after measuring the valid
 *       part of every segment, then writes only to segments of its own epoch (named
 *       {@code <first sequence>-<epoch>.seg}).</li>
 * </ul>
 * The rule (see {@link FileJournal#openFenced}): a segment of an epoch older than the seals' is read up to its
 * sealed length, and not at all if the seals do not list it (an older writer made it after the fence); anything
 * written past a sealed length is never read back. A writer re-reads {@code writer.epoch} after each write is
 * durable and before it confirms it: once a newer epoch is there it confirms nothing more and writes nothing
 * more. Why nothing confirmed is lost: a stale writer that confirms saw the old epoch after its write was
 * durable, so the new active's {@code writer.epoch} came after that write, and its measurement after that: the
 * write is inside the seal. The lock identity in {@code seals} lets a server whose lock file is another file
 * than the one guarding the store refuse before it serves.
 */
public final class WriterFence {
    static final String EPOCH_FILE = "writer.epoch";
    static final String SEALS_FILE = "seals";

    /** The seals: the epoch that wrote them, the identity of the lock that guards the store, and the sealed lengths. */
    public record Seals(long epoch, String lockIdentity, Map<String, Long> lengths) {
        public Seals {
            lengths = Map.copyOf(lengths);
        }

        static final Seals NONE = new Seals(0, null, Map.of());
    }

    private WriterFence() {
    }

    /** The epoch in {@code writer.epoch}, 0 if the store never had a fenced writer. */
    public static long writerEpoch(Path storeDir) throws IOException {
        Properties p = read(storeDir.resolve(EPOCH_FILE));
        return p == null ? 0 : number(storeDir.resolve(EPOCH_FILE), p, "epoch");
    }

    /** The seals, {@link Seals#NONE} if there are none yet. */
    public static Seals seals(Path storeDir) throws IOException {
        Path file = storeDir.resolve(SEALS_FILE);
        Properties p = read(file);
        if (p == null) {
            return Seals.NONE;
        }
        Map<String, Long> lengths = new TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("seal.")) {
                lengths.put(key.substring(5), number(file, p, key));
            }
        }
        return new Seals(number(file, p, "epoch"), p.getProperty("lock"), lengths);
    }

    /** The identity of the lock recorded as guarding the store, or null if no server activated on it yet. */
    public static String lockIdentity(Path storeDir) throws IOException {
        return seals(storeDir).lockIdentity();
    }

    static void writeEpoch(Path storeDir, long epoch) throws IOException {
        replace(storeDir, EPOCH_FILE, "epoch=" + epoch + "\n");
    }

    static void writeSeals(Path storeDir, Seals seals) throws IOException {
        StringBuilder text = new StringBuilder("epoch=" + seals.epoch() + "\n");
        if (seals.lockIdentity() != null) {
            text.append("lock=").append(seals.lockIdentity()).append('\n');
        }
        new TreeMap<>(seals.lengths()).forEach((name, length) -> text.append("seal.").append(name).append('=').append(length).append('\n'));
        replace(storeDir, SEALS_FILE, text.toString());
    }

    private static Properties read(Path file) throws IOException {
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        }
        Properties p = new Properties();
        p.load(new StringReader(new String(data, StandardCharsets.UTF_8)));
        return p;
    }

    private static long number(Path file, Properties p, String key) throws IOException {
        try {
            return Long.parseLong(p.getProperty(key, "").trim());
        } catch (NumberFormatException e) {
            throw new IOException(file + " is damaged: " + key + " is not a number. It fences the shared store; restore it "
                    + "from a backup or clear the store.");
        }
    }

    private static void replace(Path dir, String name, String text) throws IOException {
        Path tmp = dir.resolve(name + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
        Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        FileJournal.forceDirectory(dir);
    }
}
