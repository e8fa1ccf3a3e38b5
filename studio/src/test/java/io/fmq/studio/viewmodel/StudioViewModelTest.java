package io.fmq.studio.viewmodel;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmq.profile.ConfigKey;
import io.fmq.studio.ScriptedDialogs;
import io.fmq.studio.TestProfiles;
import io.fmq.studio.service.FileProfileRepository;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StudioViewModelTest {
    @TempDir
    Path dir;
    Path profiles;
    final ScriptedDialogs dialogs = new ScriptedDialogs();
    final Executor direct = Runnable::run;
    StudioViewModel vm;

    @BeforeEach
    void setUp() {
        profiles = TestProfiles.copyAll(dir);
        vm = new StudioViewModel(new FileProfileRepository(), dialogs, direct, direct);
    }

    private ProfileViewModel open(String name) throws Exception {
        return vm.open(profiles.resolve(name)).get().orElseThrow();
    }

    @Test
    void opensSeveralProfilesOnceEach() throws Exception {
        dialogs.folders.add(profiles.resolve("FioranoMQ_HA_rpl/HAPrimary"));
        ProfileViewModel primary = vm.chooseAndOpen().get().orElseThrow();
        ProfileViewModel secondary = open("FioranoMQ_HA_rpl/HASecondary");
        assertThat(open("FioranoMQ_HA_rpl/HAPrimary")).isSameAs(primary);
        assertThat(vm.profiles()).containsExactly(primary, secondary);
        assertThat(vm.partnerOf(primary)).contains(secondary);
    }

    @Test
    void aFolderWithoutConfigIsRefusedWithAMessage() throws Exception {
        assertThat(vm.open(dir).get()).isEmpty();
        assertThat(dialogs.shown).anyMatch(s -> s.startsWith("error: Cannot open profile") && s.contains("conf/Config.cfg"));
    }

    @Test
    void savingWritesOnlyTheChangedLinesAndOffersToClearTheStore() throws Exception {
        ProfileViewModel p = open("FioranoMQ_HA_rpl/HAPrimary");
        Path file = p.folder().resolve("conf/Config.cfg");
        String before = Files.readString(file);
        Files.createDirectories(p.folder().resolve("run"));
        Files.writeString(p.folder().resolve("run/journal.dat"), "x");
        p.set(ConfigKey.PING_INTERVAL, "20000");
        assertThat(vm.save(p).get()).isTrue();
        assertThat(TestProfiles.changedLines(before, Files.readString(file)))
                .containsExactly("20: #FMQGroup.PingInterval=30000 -> FMQGroup.PingInterval=20000");
        assertThat(p.isDirty()).isFalse();
        assertThat(dialogs.saw("confirm: Clear the data store?")).isTrue();
        assertThat(dialogs.saw("info: Store cleared")).isTrue();
        assertThat(p.folder().resolve("run/journal.dat")).doesNotExist();
    }

    @Test
    void aProfileWithErrorsIsNotSaved() throws Exception {
        ProfileViewModel p = open("FioranoMQ_HA_rpl/HAPrimary");
        String before = Files.readString(p.folder().resolve("conf/Config.cfg"));
        p.set(ConfigKey.PORT, "0");
        assertThat(vm.save(p).get()).isFalse();
        assertThat(dialogs.saw("error: Cannot save")).isTrue();
        assertThat(Files.readString(p.folder().resolve("conf/Config.cfg"))).isEqualTo(before);
    }

    @Test
    void aRunningServerIsWarnedAboutAndItsStoreIsNotCleared() throws Exception {
        ProfileViewModel p = open("FioranoMQ_HA_rpl/HAPrimary");
        Files.createDirectories(p.folder().resolve("run"));
        Files.writeString(p.folder().resolve("run/journal.dat"), "x");
        try (FileChannel ch = FileChannel.open(p.folder().resolve("server.pid"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = ch.lock()) {
            assertThat(lock.isValid()).isTrue();
            dialogs.answer = false;
            p.set(ConfigKey.PING_INTERVAL, "20000");
            assertThat(vm.save(p).get()).isFalse();
            assertThat(dialogs.saw("confirm: Server running")).isTrue();
            assertThat(p.isDirty()).isTrue();
            assertThat(vm.clearStore(p).get()).isFalse();
            assertThat(dialogs.saw("error: Store not cleared")).isTrue();
            assertThat(p.folder().resolve("run/journal.dat")).exists();
        }
        assertThat(vm.clearStore(p).get()).isTrue();
        assertThat(p.folder().resolve("run/journal.dat")).doesNotExist();
    }

    @Test
    void closingWithUnsavedChangesAsksFirst() throws Exception {
        ProfileViewModel p = open("FioranoMQ_HA_rpl/HAPrimary");
        p.set(ConfigKey.GATEWAY_SERVER_PORT, "8");
        dialogs.answer = false;
        assertThat(vm.confirmExit()).isFalse();
        assertThat(vm.close(p)).isFalse();
        assertThat(vm.profiles()).contains(p);
        dialogs.answer = true;
        assertThat(vm.close(p)).isTrue();
        assertThat(vm.profiles()).isEmpty();
        assertThat(vm.confirmExit()).isTrue();
    }
}
