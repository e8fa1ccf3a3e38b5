package io.fmq.server.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmq.server.InstanceLock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClearStoreTest {
    @TempDir
    Path home;

    private Path run;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void profile() throws Exception {
        Path folder = home.resolve("profiles/FioranoMQ");
        Files.createDirectories(folder.resolve("conf"));
        Files.writeString(folder.resolve("conf/Config.cfg"), "");
        run = Files.createDirectories(folder.resolve("run/journal"));
        Files.writeString(run.resolve("segment-1"), "data");
        Files.writeString(folder.resolve("run/epoch"), "3");
    }

    private int clear(String... args) {
        return ClearStore.run(args, home.toString(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void emptiesTheStore() {
        assertThat(clear("FioranoMQ")).isZero();

        assertThat(home.resolve("profiles/FioranoMQ/run")).isDirectoryNotContaining(p -> !p.getFileName().toString().equals("store.lock"));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("(2 files removed)");
    }

    @Test
    void refusesWhileAServerHoldsTheProfile() throws Exception {
        try (InstanceLock held = InstanceLock.acquire(home.resolve("profiles/FioranoMQ/server.pid"),
                Map.of("pid", "99", "rmiPort", "1858"))) {
            assertThat(clear("FioranoMQ")).isEqualTo(4);
        }
        assertThat(run.resolve("segment-1")).exists();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("pid 99", "shutdown-fmq.sh -rmiPort 1858");
    }

    @Test
    void clearsAStoreGivenWithDbPath() throws Exception {
        Path shared = Files.createDirectories(home.resolve("shared"));
        Files.writeString(shared.resolve("x"), "y");

        assertThat(clear("FioranoMQ", "-dbPath", shared.toString())).isZero();

        assertThat(shared.resolve("x")).doesNotExist();
        assertThat(run.resolve("segment-1")).exists();
    }

    @Test
    void missingProfileNameIsAUsageError() {
        assertThat(clear()).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: clearDB.sh");
    }
}
