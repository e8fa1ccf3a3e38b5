package io.fmq.ha.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileHaLockTest extends HaLockContractTest {

    @TempDir
    Path folder;

    private Path lockFile;
    private Process child;

    @BeforeEach
    void lockFilePath() {
        lockFile = folder.resolve("Lock.dat");
    }

    @AfterEach
    void killChild() throws InterruptedException {
        if (child != null) {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Override
    protected HaLock createHolder(LockOwner owner) {
        return new FileHaLock(lockFile, owner, FIXED_CLOCK);
    }

    @Override
    protected void loseLock() {
        try {
            Files.delete(lockFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void acquiredMessageNamesTheLockFile() {
        FileHaLock lock = (FileHaLock) holder("Primary");

        assertThat(lock.acquiredMessage()).isEqualTo("Successfully acquired lock on :: " + lockFile.toAbsolutePath());
        assertThat(lock.location()).isEqualTo(lockFile.toAbsolutePath().toString());
    }

    @Test
    void fileFollowsTheDocumentedLayout() throws IOException {
        HaLock lock = holder("Primary");
        assertThat(lock.tryAcquire(42)).isTrue();
        LockIdentity identity = lock.identity();
        lock.close(); // read the bytes only after closing: another descriptor would drop the lock

        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(lockFile));
        assertThat(bytes.getInt(0)).isEqualTo(0x464D514C);
        assertThat(new String(bytes.array(), 0, 4, StandardCharsets.US_ASCII)).isEqualTo("FMQL");
        assertThat(bytes.getShort(4)).isEqualTo((short) 1);
        assertThat(bytes.getShort(6)).isEqualTo((short) 32);
        assertThat(new UUID(bytes.getLong(8), bytes.getLong(16))).isEqualTo(identity.id());
        int bodyLength = bytes.getInt(32);
        assertThat(bytes.limit()).isEqualTo(32 + 4 + bodyLength + 4);
        bytes.position(36);
        assertThat(bytes.getLong()).as("epoch").isEqualTo(42L);
        assertThat(bytes.getLong()).as("acquired at").isEqualTo(FIXED_CLOCK.millis());
        assertThat(bytes.getLong()).as("pid").isEqualTo(1000L);
        assertThat(readString(bytes)).isEqualTo("Primary");
        assertThat(readString(bytes)).isEqualTo("host-Primary");
    }

    @Test
    void verifyFailsWhenTheLockFileIsReplacedByACopy() throws IOException {
        HaLock primary = holder("Primary");
        assertThat(primary.tryAcquire(1)).isTrue();
        Path copy = folder.resolve("copy.dat");
        Files.copy(lockFile, copy);

        // same bytes, same identity and holder record: only the file itself differs
        Files.move(copy, lockFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        assertThat(primary.verify()).isFalse();
    }

    @Test
    void verifyFailsWhenTheHolderRecordNamesSomeoneElse() throws IOException {
        HaLock primary = holder("Primary");
        assertThat(primary.tryAcquire(1)).isTrue();

        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            LockFileLayout.writeHolder(channel, new LockHolder(new LockOwner("Intruder", "elsewhere", 9), 9, FIXED_CLOCK.instant()));
        }

        assertThat(primary.verify()).isFalse();
    }

    @Test
    void aHolderRecordWithoutReleaseFieldsReadsAsNotReleased() throws IOException {
        HaLock primary = holder("Primary");
        assertThat(primary.tryAcquire(3)).isTrue();
        primary.releaseAfterStopping(FIXED_CLOCK.instant());
        // an older FMQ wrote the body without the release fields: cut them off and fix length and checksum
        byte[] file = Files.readAllBytes(lockFile);
        ByteBuffer b = ByteBuffer.wrap(file);
        int body = b.getInt(LockFileLayout.HEADER_LENGTH) - LockFileLayout.RELEASE_LENGTH;
        ByteBuffer old = ByteBuffer.allocate(LockFileLayout.HEADER_LENGTH + 4 + body + 4);
        old.put(file, 0, LockFileLayout.HEADER_LENGTH).putInt(body).put(file, LockFileLayout.HEADER_LENGTH + 4, body);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(old.array(), LockFileLayout.HEADER_LENGTH, 4 + body);
        old.putInt((int) crc.getValue());
        Files.write(lockFile, old.array());

        LockHolder read = holder("Secondary").lastHolder().orElseThrow();
        assertThat(read.epoch()).isEqualTo(3);
        assertThat(read.releasedAfterStopping()).isFalse();
    }

    @Test
    void onlyLocalDiskFileSystemsProveThatANewHolderMeansTheOldOneIsGone() {
        assertThat(LocalFileSystems.isLocalType("ext4")).isTrue();
        assertThat(LocalFileSystems.isLocalType("tmpfs")).isTrue();
        for (String remote : List.of("nfs", "nfs4", "cifs", "smb3", "fuse", "fuse.fmqfs", "9p", "ceph", "glusterfs", "")) {
            assertThat(LocalFileSystems.isLocalType(remote)).as(remote).isFalse();
        }
        assertThat(LocalFileSystems.isLocalType(null)).isFalse();
        assertThat(LocalFileSystems.isLocal(folder.resolve("missing-folder/Lock.dat"))).isFalse();
    }

    @Test
    void anotherProcessHoldingTheLockKeepsItUntilKilled() throws Exception {
        HaLock primary = holder("Primary");
        LockIdentity identity = primary.identity();
        child = startChild();
        assertThat(firstLine(child)).isEqualTo("acquired " + identity);

        assertThat(primary.tryAcquire(1)).isFalse();
        assertThat(primary.lastHolder()).get().extracting(h -> h.owner().pid()).isEqualTo(child.pid());

        child.destroyForcibly(); // SIGKILL: no release, the kernel drops the lock with the process
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> primary.tryAcquire(2));
        assertThat(primary.verify()).isTrue();
    }

    @Test
    void anotherProcessCannotTakeTheLockWeHold() throws Exception {
        HaLock primary = holder("Primary");
        assertThat(primary.tryAcquire(1)).isTrue();

        child = startChild();

        assertThat(firstLine(child)).isEqualTo("refused");
        assertThat(primary.verify()).isTrue();
    }

    @Test
    void closingAnotherHolderInThisJvmDoesNotDropTheLockForOtherProcesses() throws Exception {
        HaLock primary = holder("Primary");
        assertThat(primary.tryAcquire(1)).isTrue();
        HaLock secondary = holder("Secondary");
        assertThat(secondary.identity()).isEqualTo(primary.identity());
        assertThat(secondary.tryAcquire(1)).isFalse();

        // POSIX drops all of a process's locks on a file when any descriptor of it closes
        secondary.close();
        child = startChild();

        assertThat(firstLine(child)).isEqualTo("refused");
        assertThat(primary.verify()).isTrue();
    }

    @Test
    void missingFolderIsReportedWithThePathAndWhatToDo() {
        lockFile = folder.resolve("not-mounted").resolve("Lock.dat");
        HaLock lock = holder("Primary");

        assertThatThrownBy(lock::identity).isInstanceOf(LockFileException.class)
                .hasMessageContaining(folder.resolve("not-mounted").toString())
                .hasMessageContaining("does not exist")
                .hasMessageContaining("Create the folder");
        assertThatThrownBy(() -> lock.tryAcquire(1)).isInstanceOf(LockFileException.class).hasMessageContaining("does not exist");
    }

    @Test
    void folderThatIsAFileIsReported() throws IOException {
        Path notAFolder = Files.createFile(folder.resolve("plain-file"));
        lockFile = notAFolder.resolve("Lock.dat");

        assertThatThrownBy(() -> holder("Primary").tryAcquire(1)).isInstanceOf(LockFileException.class)
                .hasMessageContaining(notAFolder.toString()).hasMessageContaining("is not a folder");
    }

    @Test
    void lockFileThatIsAFolderIsReported() throws IOException {
        Files.createDirectory(lockFile);

        assertThatThrownBy(() -> holder("Primary").identity()).isInstanceOf(LockFileException.class)
                .hasMessageContaining(lockFile.toString()).hasMessageContaining("is a folder");
    }

    @Test
    void unwritableFolderIsReported() throws IOException {
        Path readOnly = Files.createDirectory(folder.resolve("read-only"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        assumeThat(Files.isWritable(readOnly)).as("running as a user who ignores permissions (root)").isFalse();
        lockFile = readOnly.resolve("Lock.dat");

        assertThatThrownBy(() -> holder("Primary").tryAcquire(1)).isInstanceOf(LockFileException.class)
                .hasMessageContaining(lockFile.toString()).hasMessageContaining("Permission denied");
    }

    @Test
    void fileThatIsNotALockFileIsRefusedAndLeftAlone() throws IOException {
        byte[] content = "#FMQGroup.LockFile=null\n".getBytes(StandardCharsets.UTF_8);
        Files.write(lockFile, content);
        HaLock lock = holder("Primary");

        assertThatThrownBy(lock::identity).isInstanceOf(LockFileException.class)
                .hasMessageContaining(lockFile.toString()).hasMessageContaining("not an FMQ lock file");
        assertThatThrownBy(() -> lock.tryAcquire(1)).isInstanceOf(LockFileException.class).hasMessageContaining("not an FMQ lock file");
        assertThat(lock.isHeld()).isFalse();
        lock.close();
        assertThat(Files.readAllBytes(lockFile)).isEqualTo(content);
    }

    @Test
    void relativePathIsMadeAbsolute() {
        FileHaLock lock = new FileHaLock(Path.of("some", "..", "Lock.dat"), LockOwner.ofThisProcess("Primary"));

        assertThat(lock.path()).isAbsolute().isEqualTo(Path.of("Lock.dat").toAbsolutePath());
    }

    private Process startChild() throws IOException {
        String classPath = System.getProperty("java.class.path");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(List.of(java, "-cp", classPath, LockHolderProcess.class.getName(), lockFile.toString(), "1"))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }

    /** The child's first line; the child prints it within seconds, the bound only guards a hang. */
    private static String firstLine(Process process) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String[] line = new String[1];
        Thread reader = new Thread(() -> {
            try {
                line[0] = out.readLine();
            } catch (IOException e) {
                line[0] = "read failed: " + e;
            }
        });
        reader.start();
        reader.join(TimeUnit.SECONDS.toMillis(60));
        assertThat(reader.isAlive()).as("child process answered within 60 s").isFalse();
        return line[0];
    }

    private static String readString(ByteBuffer bytes) {
        byte[] text = new byte[Short.toUnsignedInt(bytes.getShort())];
        bytes.get(text);
        return new String(text, StandardCharsets.UTF_8);
    }
}
