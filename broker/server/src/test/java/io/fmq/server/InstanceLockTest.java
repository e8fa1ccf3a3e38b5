package io.fmq.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceLockTest {
    @TempDir
    Path dir;

    @Test
    void holderDescribesItselfAndASecondAcquireIsRefusedWithThatDescription() throws Exception {
        Path file = dir.resolve("sub/server.pid");
        try (InstanceLock lock = InstanceLock.acquire(file, Map.of("pid", "42", "rmiPort", "1858", "clientPort", "1856"))) {
            assertThat(InstanceLock.isHeld(file)).isTrue();
            assertThatThrownBy(() -> InstanceLock.acquire(file, Map.of("pid", "43")))
                    .isInstanceOfSatisfying(InstanceLock.HeldException.class, e -> {
                        assertThat(e.owner()).containsEntry("pid", "42");
                        assertThat(e.describeOwner()).isEqualTo("pid 42, client port 1856, RMI port 1858");
                    });
        }
        assertThat(InstanceLock.isHeld(file)).isFalse();
        assertThat(Files.readString(file)).isEmpty();
    }

    @Test
    void lockCanBeTakenAgainAfterRelease() throws Exception {
        Path file = dir.resolve("store.lock");
        InstanceLock.acquire(file, Map.of("pid", "1")).close();

        try (InstanceLock again = InstanceLock.acquire(file, Map.of("pid", "2"))) {
            assertThat(InstanceLock.readOwner(file)).containsEntry("pid", "2");
        }
    }

    @Test
    void missingFileIsNotHeld() throws Exception {
        assertThat(InstanceLock.isHeld(dir.resolve("none"))).isFalse();
    }
}
