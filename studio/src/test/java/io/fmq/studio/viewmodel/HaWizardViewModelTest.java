package io.fmq.studio.viewmodel;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmq.profile.ConfigKey;
import io.fmq.profile.HaMode;
import io.fmq.studio.TestProfiles;
import io.fmq.studio.service.FileProfileRepository;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HaWizardViewModelTest {
    @TempDir
    Path dir;

    private ProfileViewModel open(String name) throws Exception {
        return new ProfileViewModel(new FileProfileRepository().load(TestProfiles.copyAll(dir).resolve(name)));
    }

    private static Stream<String> labels(HaWizardViewModel w) {
        return Stream.concat(w.basicFields().stream(), w.advancedFields().stream()).map(WizardField::label);
    }

    @Test
    void replicatedWizardHasEveryFieldOfTheGuide() throws Exception {
        HaWizardViewModel w = new HaWizardViewModel(open("FioranoMQ_HA_rpl/HAPrimary"), HaMode.REPLICATED);
        assertThat(labels(w)).containsExactly("BackupHAIPAddress", "BackupHAPort", "Port", "LockFile",
                "GatewayServerIPAddress", "GatewayServerPort", "NagleAlgo", "SocketInitializationTimeout",
                "ActiveLockReAcquisitionInterval", "PassiveLockAcquisitionInterval", "PingInterval", "BackupRMIServerPort",
                "RMIServerPort", "MaxWaitTimeout");
        assertThat(w.validProperty().get()).isTrue();
        assertThat(w.field("BackupHAPort").value()).isEqualTo("3000");
    }

    @Test
    void sharedWizardHasEveryFieldOfTheGuide() throws Exception {
        HaWizardViewModel w = new HaWizardViewModel(open("FioranoMQ_HA_shared/HASecondary"), HaMode.SHARED);
        assertThat(labels(w)).containsExactlyInAnyOrder("BackupHAIPAddress", "BackupHAPort", "Port", "BackupRMIServerPort",
                "RMIServerPort", "PingInterval", "LockFile", "GatewayServerIPAddress", "GatewayServerPort",
                "ActiveLockReAcquisitionInterval", "PassiveLockAcquisitionInterval", "NagleAlgo", "SocketInitializationTimeout");
        assertThat(w.validProperty().get()).isTrue();
    }

    @Test
    void typeAndRangeErrorsDisableFinishAndNameTheField() throws Exception {
        HaWizardViewModel w = new HaWizardViewModel(open("FioranoMQ_HA_rpl/HAPrimary"), HaMode.REPLICATED);
        w.field("GatewayServerPort").valueProperty().set("70000");
        assertThat(w.validProperty().get()).isFalse();
        assertThat(w.field("GatewayServerPort").errorProperty().get()).contains("out of range");
        w.field("GatewayServerPort").valueProperty().set("7");
        w.field("PingInterval").valueProperty().set("fast");
        assertThat(w.field("PingInterval").errorProperty().get()).contains("not a whole number");
        w.field("PingInterval").valueProperty().set("20000");
        assertThat(w.field("PingInterval").errorProperty().get()).isEmpty();
        assertThat(w.validProperty().get()).isTrue();
    }

    @Test
    void lockFileMustBeSet() throws Exception {
        HaWizardViewModel w = new HaWizardViewModel(open("FioranoMQ_HA_rpl/HAPrimary"), HaMode.REPLICATED);
        w.field("LockFile").valueProperty().set("null");
        assertThat(w.validProperty().get()).isFalse();
        assertThat(w.field("LockFile").errorProperty().get()).contains("lock file");
        assertThat(w.finish()).isFalse();
    }

    @Test
    void passiveIntervalMustBeTwiceTheActiveOne() throws Exception {
        HaWizardViewModel w = new HaWizardViewModel(open("FioranoMQ_HA_rpl/HAPrimary"), HaMode.REPLICATED);
        w.field("ActiveLockReAcquisitionInterval").valueProperty().set("45000");
        assertThat(w.field("PassiveLockAcquisitionInterval").errorProperty().get()).contains("at least twice");
        assertThat(w.validProperty().get()).isFalse();
        w.field("PassiveLockAcquisitionInterval").valueProperty().set("90000");
        assertThat(w.validProperty().get()).isTrue();
    }

    @Test
    void collidingPortsAreExplainedNextToTheField() throws Exception {
        HaWizardViewModel w = new HaWizardViewModel(open("FioranoMQ_HA_rpl/HAPrimary"), HaMode.REPLICATED);
        w.field("Port").valueProperty().set("1858");
        assertThat(w.field("Port").errorProperty().get()).contains("1858");
        assertThat(w.validProperty().get()).isFalse();
        w.field("BackupHAPort").valueProperty().set("2000");
        assertThat(w.field("Port").errorProperty().get()).isNotEmpty();
    }

    @Test
    void finishCopiesTheValuesAndTheModeIntoTheProfile() throws Exception {
        ProfileViewModel p = open("FioranoMQ_HA_rpl/HAPrimary");
        HaWizardViewModel w = new HaWizardViewModel(p, HaMode.SHARED);
        w.field("PingInterval").valueProperty().set("20000");
        assertThat(w.finish()).isTrue();
        assertThat(p.changedKeys()).containsExactlyInAnyOrder(ConfigKey.PING_INTERVAL, ConfigKey.HA_MODE);
        assertThat(p.value(ConfigKey.HA_MODE)).isEqualTo("shared");
    }
}
