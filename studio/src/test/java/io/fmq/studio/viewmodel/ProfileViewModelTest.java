package io.fmq.studio.viewmodel;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmq.profile.ConfigKey;
import io.fmq.profile.ConfigNode;
import io.fmq.profile.Role;
import io.fmq.studio.TestProfiles;
import io.fmq.studio.service.FileProfileRepository;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileViewModelTest {
    @TempDir
    Path dir;

    private ProfileViewModel open(String name) throws Exception {
        Path profiles = TestProfiles.copyAll(dir);
        return new ProfileViewModel(new FileProfileRepository().load(profiles.resolve(name)));
    }

    @Test
    void startsWithTheFileValuesAndTheRoleDefaults() throws Exception {
        ProfileViewModel p = open("FioranoMQ_HA_rpl/HASecondary");
        assertThat(p.name()).isEqualTo("FioranoMQ_HA_rpl/HASecondary");
        assertThat(p.role()).isEqualTo(Role.SECONDARY);
        assertThat(p.value(ConfigKey.PORT)).isEqualTo("3000");
        assertThat(p.value(ConfigKey.HA_MODE)).isEqualTo("replicated");
        assertThat(p.isDirty()).isFalse();
        assertThat(p.reportProperty().get().hasErrors()).isFalse();
        assertThat(p.rows(ConfigNode.HA_MANAGER)).extracting(PropertyRow::name)
                .contains("PingInterval", "LockFile", "GatewayServerIPAddress", "isPrimary", "MaxWaitTimeout");
        assertThat(p.rows(ConfigNode.HA_CONNECTION_MANAGER)).extracting(PropertyRow::defaultValue).contains("3000");
    }

    @Test
    void anInvalidValueIsReportedOnItsKeyAndGoesAwayWhenFixed() throws Exception {
        ProfileViewModel p = open("FioranoMQ_HA_rpl/HAPrimary");
        p.set(ConfigKey.PING_INTERVAL, "soon");
        assertThat(p.isDirty()).isTrue();
        assertThat(p.titleProperty().get()).isEqualTo("*FioranoMQ_HA_rpl/HAPrimary");
        assertThat(p.problemProperty(ConfigKey.PING_INTERVAL).get()).contains("not a whole number");
        p.set(ConfigKey.PING_INTERVAL, "30000");
        assertThat(p.problemProperty(ConfigKey.PING_INTERVAL).get()).isEmpty();
        assertThat(p.isDirty()).isFalse();
    }

    @Test
    void theEditedDocumentChangesOnlyTheEditedLines() throws Exception {
        ProfileViewModel p = open("FioranoMQ_HA_rpl/HAPrimary");
        String before = p.editedDocument().text();
        p.set(ConfigKey.PING_INTERVAL, "20000");
        p.set(ConfigKey.LOCK_FILE, "/mnt/gateway/lock.dat");
        assertThat(TestProfiles.changedLines(before, p.editedDocument().text())).containsExactly(
                "20: #FMQGroup.PingInterval=30000 -> FMQGroup.PingInterval=20000",
                "21: FMQGroup.LockFile=FioranoMQ_HA_rpl/lock.dat -> FMQGroup.LockFile=/mnt/gateway/lock.dat");
        assertThat(p.haChanged()).isTrue();
        p.markSaved(p.editedDocument());
        assertThat(p.isDirty()).isFalse();
        assertThat(p.value(ConfigKey.PING_INTERVAL)).isEqualTo("20000");
    }

    @Test
    void collidingPortsAreReported() throws Exception {
        ProfileViewModel p = open("FioranoMQ_HA_rpl/HAPrimary");
        p.set(ConfigKey.PORT, "1858");
        assertThat(p.reportProperty().get().hasErrors()).isTrue();
        assertThat(p.problemProperty(ConfigKey.PORT).get()).contains("must all differ");
    }
}
