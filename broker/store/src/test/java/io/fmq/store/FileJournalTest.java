package io.fmq.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract on real files, plus what only files have: torn writes, corruption, segments, a full disk.
 * The full-disk case needs a small tmpfs (root only); without it that one test is skipped.
 */
class FileJournalTest extends JournalContractTest {
    private static final long SEGMENT = 64 * 1024;

    @TempDir
    Path temp;

    private Path store;
    private Path smallDisk;

    @BeforeEach
    void storeFolder() {
        store = temp.resolve("run");
    }

    @AfterEach
    void unmount() throws Exception {
        if (smallDisk != null) {
            if (journal != null) {
                journal.close();
                journal = null;
            }
            new ProcessBuilder("umount", smallDisk.toString()).start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Override
    protected Journal create() throws IOException {
        return FileJournal.open(store, SEGMENT);
    }

    @Override
    protected Journal reopen() throws IOException {
        if (smallDisk != null) {
            Files.deleteIfExists(smallDisk.resolve("filler"));
        }
        return FileJournal.open(store, SEGMENT);
    }

    /** Moves the store onto an 8 MB tmpfs and fills it up. */
    @Override
    protected void breakWrites() throws IOException {
        Assumptions.assumeTrue(mountSmallDisk(), "needs root to mount a small tmpfs");
        fill(smallDisk.resolve("filler"));
    }

    private boolean mountSmallDisk() throws IOException {
        journal.close();
        Path disk = Files.createDirectories(temp.resolve("small-disk"));
        try {
            Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", disk.toString())
                    .redirectErrorStream(true).start();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                journal = FileJournal.open(store, SEGMENT);
                return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        smallDisk = disk;
        Path moved = disk.resolve("run");
        copyTree(store, moved);
        store = moved;
        journal = FileJournal.open(store, SEGMENT);
        return true;
    }

    private static void fill(Path file) {
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < 1000; i++) {
                out.write(chunk);
                out.flush();
            }
        } catch (IOException e) {
            return; // the disk is full
        }
        throw new AssertionError("the small disk did not fill up");
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.collect(Collectors.toList())) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    private List<Path> segmentFiles() throws IOException {
        try (Stream<Path> s = Files.list(store.resolve("journal"))) {
            return s.filter(p -> p.getFileName().toString().endsWith(".seg")).sorted().collect(Collectors.toList());
        }
    }

    private FileJournal filled(int records) throws Exception {
        FileJournal j = FileJournal.open(store, SEGMENT);
        for (int i = 0; i < records; i++) {
            j.append(RecordType.MESSAGE_ADD, bytes("record-" + i)).get();
        }
        j.close();
        return j;
    }

    @Test
    void tornLastWriteIsTruncatedAndReported() throws Exception {
        filled(10);
        Path last = segmentFiles().get(segmentFiles().size() - 1);
        long goodSize = Files.size(last);
        // half a record: a plausible header and part of its payload
        Files.write(last, new byte[] {0, 0, 0, 100, 20, 0, 0, 0, 0, 0, 0, 0, 11, 1, 2, 3, 4, 5, 6}, StandardOpenOption.APPEND);

        FileJournal j = FileJournal.open(store, SEGMENT);
        journal = j;

        assertThat(j.recoveryReport().records()).isEqualTo(10);
        assertThat(j.recoveryReport().repairs()).singleElement().asString()
                .contains(last.getFileName().toString(), "1 incomplete record", "19 bytes", "byte " + goodSize);
        assertThat(Files.size(last)).isEqualTo(goodSize);
        assertThat(j.append(RecordType.MESSAGE_ADD, bytes("next")).get()).isEqualTo(11);
    }

    @Test
    void zerosAfterTheLastRecordAreATornTail() throws Exception {
        filled(5);
        Path last = segmentFiles().get(segmentFiles().size() - 1);
        Files.write(last, new byte[4096], StandardOpenOption.APPEND);

        journal = FileJournal.open(store, SEGMENT);

        assertThat(((FileJournal) journal).recoveryReport().repairs()).hasSize(1);
        assertThat(all(journal)).hasSize(5);
    }

    @Test
    void corruptionInTheMiddleRefusesToOpenAndChangesNothing() throws Exception {
        filled(10);
        Path last = segmentFiles().get(0);
        byte[] data = Files.readAllBytes(last);
        int fifthPayload = RecordCodec.SEGMENT_HEADER_SIZE + 4 * (RecordCodec.RECORD_HEADER_SIZE + "record-0".length())
                + RecordCodec.RECORD_HEADER_SIZE + 2;
        data[fifthPayload] ^= 0x55;
        Files.write(last, data);

        assertThatThrownBy(() -> FileJournal.open(store, SEGMENT))
                .isInstanceOfSatisfying(CorruptJournalException.class, e -> {
                    assertThat(e.file()).isEqualTo(last);
                    assertThat(e.offset()).isEqualTo(fifthPayload - RecordCodec.RECORD_HEADER_SIZE - 2);
                })
                .hasMessageContaining("valid records follow").hasMessageContaining("Restore the data store");
        assertThat(Files.readAllBytes(last)).isEqualTo(data);
    }

    @Test
    void damageInASealedSegmentRefusesToOpen() throws Exception {
        filled(3000);
        List<Path> files = segmentFiles();
        assertThat(files).hasSizeGreaterThan(1);
        Path first = files.get(0);
        byte[] data = Files.readAllBytes(first);
        data[data.length - 3] ^= 1; // the last record of a sealed segment
        Files.write(first, data);

        assertThatThrownBy(() -> FileJournal.open(store, SEGMENT)).isInstanceOf(CorruptJournalException.class);
    }

    @Test
    void aReopenThroughTheSealedIndexReportsWhatACheckOfEverySegmentReports() throws Exception {
        FileJournal j = FileJournal.open(store, SEGMENT);
        j.append(RecordType.MESSAGE_ADD, bytes("before the epoch")).get();
        long epoch = j.beginEpoch(41);
        for (int i = 0; i < 6000; i++) {
            j.append(RecordType.MESSAGE_ADD, bytes("record-" + i)).get();
        }
        j.close();
        assertThat(segmentFiles()).hasSizeGreaterThan(2);
        Path index = store.resolve("journal").resolve(SealedIndex.FILE_NAME);
        assertThat(index).exists();
        assertThat(SealedIndex.read(store.resolve("journal"), StoreMeta.readOrCreate(store).storeId()))
                .hasSize(segmentFiles().size() - 1);

        RecoveryReport viaIndex;
        int replayedViaIndex;
        try (FileJournal opened = FileJournal.open(store, SEGMENT)) {
            viaIndex = opened.recoveryReport();
            replayedViaIndex = all(opened).size();
        }
        Files.delete(index);
        try (FileJournal opened = FileJournal.open(store, SEGMENT)) {
            RecoveryReport checked = opened.recoveryReport();
            assertThat(viaIndex.records()).isEqualTo(checked.records()).isEqualTo(6002);
            assertThat(viaIndex.lastSequence()).isEqualTo(checked.lastSequence());
            assertThat(viaIndex.epoch()).isEqualTo(checked.epoch()).isEqualTo(epoch);
            assertThat(replayedViaIndex).isEqualTo(all(opened).size());
        }
        assertThat(index).as("written again by the open").exists();
    }

    @Test
    void aSealedSegmentChangedBehindTheIndexesBackIsFoundByTheReadThatFollows() throws Exception {
        filled(3000);
        Path first = segmentFiles().get(0);
        java.nio.file.attribute.FileTime time = Files.getLastModifiedTime(first);
        byte[] data = Files.readAllBytes(first);
        data[data.length - 3] ^= 1;
        Files.write(first, data);
        Files.setLastModifiedTime(first, time); // same size and time: the index still vouches for it

        try (FileJournal opened = FileJournal.open(store, SEGMENT)) {
            assertThatThrownBy(() -> all(opened)).isInstanceOf(CorruptJournalException.class);
        }
        Files.delete(store.resolve("journal").resolve(SealedIndex.FILE_NAME));
        assertThatThrownBy(() -> FileJournal.open(store, SEGMENT)).isInstanceOf(CorruptJournalException.class);
    }

    @Test
    void aSegmentWhoseCreationWasInterruptedIsRemoved() throws Exception {
        filled(4);
        Path torn = store.resolve("journal").resolve(String.format("%020d.seg", 5));
        Files.write(torn, new byte[] {'F', 'M', 'Q'});

        journal = FileJournal.open(store, SEGMENT);

        assertThat(torn).doesNotExist();
        assertThat(((FileJournal) journal).recoveryReport().repairs()).singleElement().asString().contains(torn.getFileName().toString());
        assertThat(journal.append(RecordType.MESSAGE_ADD, bytes("x")).get()).isEqualTo(5);
    }

    @Test
    void writerRollsSegmentsAtTheConfiguredSize() throws Exception {
        filled(3000);

        journal = FileJournal.open(store, SEGMENT);

        assertThat(segmentFiles().size()).isGreaterThan(1);
        for (Path p : segmentFiles().subList(0, segmentFiles().size() - 1)) {
            assertThat(Files.size(p)).isLessThanOrEqualTo(SEGMENT);
        }
        assertThat(journal.stats().segments()).isEqualTo(segmentFiles().size());
        assertThat(all(journal)).hasSize(3000);
    }

    @Test
    void compactionDeletesSegmentsWithoutLiveRecords() throws Exception {
        filled(3000);
        journal = FileJournal.open(store, SEGMENT);
        int before = segmentFiles().size();
        long bytesBefore = journal.stats().bytes();

        Journal.CompactionResult result = journal.compact(r -> false);

        assertThat(result.segmentsDeleted()).isEqualTo(before - 1);
        assertThat(result.recordsCopied()).isZero();
        assertThat(segmentFiles()).hasSize(1);
        assertThat(journal.stats().bytes()).isLessThan(bytesBefore);
        assertThat(journal.append(RecordType.MESSAGE_ADD, bytes("after")).get()).isEqualTo(3001);
    }

    @Test
    void storeKeepsItsIdentity() throws Exception {
        FileJournal first = FileJournal.open(store, SEGMENT);
        String id = first.storeId();
        first.close();

        journal = FileJournal.open(store, SEGMENT);

        assertThat(((FileJournal) journal).storeId()).isEqualTo(id).isNotBlank();
    }
}
