package io.fmq.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Properties;
import java.util.UUID;

/**
 * {@code store.meta}: the store's identity and epoch, as properties text
 * ({@code format=1}, {@code storeId=UUID}, {@code epoch=N}), replaced atomically and fsynced.
 */
record StoreMeta(int format, String storeId, long epoch) {
    static final String FILE_NAME = "store.meta";

    static StoreMeta readOrCreate(Path dir) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            StoreMeta created = new StoreMeta(RecordCodec.FORMAT_VERSION, UUID.randomUUID().toString(), 0);
            created.write(dir);
            return created;
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(new StringReader(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        }
        try {
            int format = Integer.parseInt(p.getProperty("format", ""));
            if (format != RecordCodec.FORMAT_VERSION) {
                throw new IOException(file + " has store format " + format + "; this server reads format "
                        + RecordCodec.FORMAT_VERSION + ". Use a matching server version.");
            }
            return new StoreMeta(format, p.getProperty("storeId", ""), Long.parseLong(p.getProperty("epoch", "")));
        } catch (NumberFormatException e) {
            throw new IOException(file + " is damaged (" + e.getMessage() + "); it holds the store's epoch. Restore it from a "
                    + "backup or clear the store.");
        }
    }

    StoreMeta withEpoch(long newEpoch) {
        return new StoreMeta(format, storeId, newEpoch);
    }

    void write(Path dir) throws IOException {
        Path tmp = dir.resolve(FILE_NAME + ".tmp");
        String text = "format=" + format + "\nstoreId=" + storeId + "\nepoch=" + epoch + "\n";
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
        Files.move(tmp, dir.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        FileJournal.forceDirectory(dir);
    }
}
