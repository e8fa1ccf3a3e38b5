package io.fmq.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmq.client.FmqConnectionFactory;
import io.fmq.profile.ConfigKey;
import io.fmq.profile.HaMode;
import io.fmq.studio.service.Dialogs;
import io.fmq.studio.service.FileProfileRepository;
import io.fmq.studio.viewmodel.HaWizardViewModel;
import io.fmq.studio.viewmodel.PairDialogViewModel;
import io.fmq.studio.viewmodel.ProfileViewModel;
import io.fmq.studio.viewmodel.StudioViewModel;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Profiles made with the Studio run: the Shared HA wizard turns the shipped replicated pair into a shared pair on
 * free ports, the pair dialog finds them consistent, the Studio saves them, and the two servers form a shared pair
 * that fails over.
 */
class StudioProfilesIT {
    @TempDir
    Path dir;

    Installation fmq;

    @AfterEach
    void kill() throws Exception {
        if (fmq != null) {
            fmq.killServers();
        }
    }

    /** Answers every question with yes, and fails the test on an error message. */
    private final List<String> errors = new ArrayList<>();
    private final Dialogs yes = new Dialogs() {
        @Override
        public Optional<Path> chooseProfileFolder(Path initial) {
            return Optional.empty();
        }

        @Override
        public boolean confirm(String title, String message, String yes, String no) {
            return true;
        }

        @Override
        public void info(String title, String message) {
        }

        @Override
        public void error(String title, String message) {
            errors.add(title + ": " + message);
        }
    };

    /** Runs the Shared HA wizard on {@code p}: one lock file, the given ports (own, then the peer's). */
    private static void sharedWizard(ProfileViewModel p, Path lock, int[] own, int[] peer) {
        HaWizardViewModel w = new HaWizardViewModel(p, HaMode.SHARED);
        w.field("LockFile").valueProperty().set(lock.toString());
        w.field("Port").valueProperty().set(Integer.toString(own[2]));
        w.field("BackupHAPort").valueProperty().set(Integer.toString(peer[2]));
        w.field("RMIServerPort").valueProperty().set(Integer.toString(own[1]));
        w.field("BackupRMIServerPort").valueProperty().set(Integer.toString(peer[1]));
        w.field("PingInterval").valueProperty().set("1000");
        assertThat(w.otherProblemsProperty().get()).isEmpty();
        assertThat(w.validProperty().get()).as("the wizard accepts the values").isTrue();
        assertThat(w.finish()).isTrue();
        // the client ports are in the property sheet (ConnectionManager), not in the wizard
        p.set(ConfigKey.SERVER_PORT, Integer.toString(own[0]));
        p.set(ConfigKey.BACKUP_SERVER_PORT, Integer.toString(peer[0]));
    }

    @Test
    void aSharedPairMadeWithTheWizardAndThePairDialogRunsAndFailsOver() throws Exception {
        fmq = Installation.copy(dir);
        Executor direct = Runnable::run;
        StudioViewModel studio = new StudioViewModel(new FileProfileRepository(), yes, direct, direct);
        String primaryName = "FioranoMQ_HA_rpl/HAPrimary";
        String secondaryName = "FioranoMQ_HA_rpl/HASecondary";
        ProfileViewModel primary = studio.open(fmq.profile(primaryName)).get(30, TimeUnit.SECONDS).orElseThrow();
        ProfileViewModel secondary = studio.open(fmq.profile(secondaryName)).get(30, TimeUnit.SECONDS).orElseThrow();
        int[] ports = Installation.freePorts(6);
        int[] p = {ports[0], ports[1], ports[2]};
        int[] s = {ports[3], ports[4], ports[5]};
        Path lock = dir.resolve("pair-lock.dat");
        sharedWizard(primary, lock, p, s);
        sharedWizard(secondary, lock, s, p);

        PairDialogViewModel pairDialog = new PairDialogViewModel(primary, secondary);
        assertThat(pairDialog.mismatches()).as("the pair dialog finds the two consistent").isEmpty();
        assertThat(pairDialog.ok()).isTrue();
        assertThat(studio.save(primary).get(30, TimeUnit.SECONDS)).as("saved " + errors).isTrue();
        assertThat(studio.save(secondary).get(30, TimeUnit.SECONDS)).as("saved " + errors).isTrue();
        assertThat(errors).isEmpty();
        assertThat(Files.readString(fmq.profile(primaryName).resolve("conf/Config.cfg"))).contains("shared");

        Path store = Files.createDirectories(dir.resolve("shared-db"));
        HaPair pair = new HaPair(fmq, primaryName, secondaryName, store, p, s);
        String active = pair.startPair();
        String passive = active.equals(primaryName) ? secondaryName : primaryName;
        assertThat(pair.console(active)).contains("Successfully acquired lock on :: " + lock);
        try (Connection c = new FmqConnectionFactory("fmq://localhost:" + pair.client(active)).createConnection("admin", "passwd")) {
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            var producer = session.createProducer(session.createQueue("studio.made"));
            for (int i = 0; i < 20; i++) {
                producer.send(session.createTextMessage("m" + i));
            }
        }
        pair.kill9(active);
        pair.awaitState(passive, "ACTIVE");
        List<String> got = new ArrayList<>();
        try (Connection c = new FmqConnectionFactory("fmq://localhost:" + pair.client(passive)).createConnection("admin", "passwd")) {
            c.start();
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue("studio.made"));
            for (Message m = consumer.receive(5_000); m != null && got.size() < 1_000; m = consumer.receive(1_000)) {
                got.add(m.getBody(String.class));
            }
        }
        assertThat(got).hasSize(20).doesNotHaveDuplicates();
    }
}
