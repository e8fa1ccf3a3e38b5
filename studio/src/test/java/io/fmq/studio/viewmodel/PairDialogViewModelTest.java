package io.fmq.studio.viewmodel;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmq.profile.ConfigKey;
import io.fmq.studio.TestProfiles;
import io.fmq.studio.service.FileProfileRepository;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PairDialogViewModelTest {
    @TempDir
    Path dir;
    ProfileViewModel primary;
    ProfileViewModel secondary;

    @BeforeEach
    void open() throws Exception {
        Path profiles = TestProfiles.copyAll(dir);
        FileProfileRepository repo = new FileProfileRepository();
        primary = new ProfileViewModel(repo.load(profiles.resolve("FioranoMQ_HA_rpl/HAPrimary")));
        secondary = new ProfileViewModel(repo.load(profiles.resolve("FioranoMQ_HA_rpl/HASecondary")));
    }

    @Test
    void theShippedPairMatches() {
        PairDialogViewModel vm = new PairDialogViewModel(primary, secondary);
        assertThat(vm.mismatches()).isEmpty();
        assertThat(vm.validProperty().get()).isTrue();
    }

    @Test
    void aChangedHaPortIsFixedOnThePeerThatPointsAtIt() {
        PairDialogViewModel vm = new PairDialogViewModel(primary, secondary);
        vm.leftField(ConfigKey.PORT).valueProperty().set("2100");
        assertThat(vm.mismatches()).singleElement().satisfies(m -> {
            assertThat(m.message()).contains("BackupHAPort is 2000").contains("Port is 2100");
            assertThat(m.fixLabel()).isEqualTo("Set FioranoMQ_HA_rpl/HASecondary's BackupHAPort to 2100");
        });
        assertThat(vm.validProperty().get()).isFalse();
        vm.apply(vm.mismatches().get(0));
        assertThat(vm.rightField(ConfigKey.BACKUP_HA_PORT).value()).isEqualTo("2100");
        assertThat(vm.mismatches()).isEmpty();
        assertThat(vm.ok()).isTrue();
        assertThat(primary.changedKeys()).containsExactly(ConfigKey.PORT);
        assertThat(secondary.changedKeys()).containsExactly(ConfigKey.BACKUP_HA_PORT);
    }

    @Test
    void sharedSettingsTakeThePrimarysValue() {
        PairDialogViewModel vm = new PairDialogViewModel(secondary, primary);
        vm.leftField(ConfigKey.PING_INTERVAL).valueProperty().set("20000");
        vm.leftField(ConfigKey.GATEWAY_SERVER_IP_ADDRESS).valueProperty().set("10.0.0.1");
        assertThat(vm.mismatches()).hasSize(2);
        vm.fixAll();
        assertThat(vm.mismatches()).isEmpty();
        assertThat(vm.leftField(ConfigKey.PING_INTERVAL).value()).isEqualTo("30000");
        assertThat(vm.leftField(ConfigKey.GATEWAY_SERVER_IP_ADDRESS).value()).isEqualTo("localhost");
    }

    @Test
    void exactlyOneSideIsPrimaryAndPeerHostsAgree() {
        PairDialogViewModel vm = new PairDialogViewModel(primary, secondary);
        vm.rightField(ConfigKey.IS_PRIMARY).valueProperty().set("true");
        vm.leftField(ConfigKey.BACKUP_HA_IP_ADDRESS).valueProperty().set("192.168.1.200");
        assertThat(vm.mismatches()).extracting(PairMismatch::message)
                .anyMatch(m -> m.contains("isPrimary is true on both"))
                .anyMatch(m -> m.contains("name different hosts"));
        vm.fixAll();
        assertThat(vm.rightField(ConfigKey.IS_PRIMARY).value()).isEqualTo("false");
        assertThat(vm.leftField(ConfigKey.BACKUP_SERVER_IP).value()).isEqualTo("192.168.1.200");
        assertThat(vm.validProperty().get()).isTrue();
    }

    @Test
    void anErrorOnOneSideKeepsOkDisabled() {
        PairDialogViewModel vm = new PairDialogViewModel(primary, secondary);
        vm.leftField(ConfigKey.LOCK_FILE).valueProperty().set("null");
        vm.rightField(ConfigKey.LOCK_FILE).valueProperty().set("null");
        assertThat(vm.mismatches()).isEmpty();
        assertThat(vm.leftField(ConfigKey.LOCK_FILE).errorProperty().get()).contains("lock file");
        assertThat(vm.validProperty().get()).isFalse();
        assertThat(vm.ok()).isFalse();
    }
}
