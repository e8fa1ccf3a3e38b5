package io.fmq.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ProfileBinderTest {
    private static final Path ROOT = Path.of("/opt/fmq/profiles");
    private static final Path FILE = ROOT.resolve("P/conf/Config.cfg");

    private static ProfileBinder.Binding bind(String... lines) {
        return ProfileBinder.bind("P", ROOT.resolve("P"), ROOT, ConfigDocument.of(FILE, String.join("\n", lines) + "\n"));
    }

    private static List<String> rules(ProfileBinder.Binding b) {
        return b.report().problems().stream().map(Problem::rule).collect(Collectors.toList());
    }

    private static final String[] HA = {"HAMode=replicated", "FMQGroup.LockFile=pair/lock.dat"};

    private static String[] ha(String... more) {
        String[] all = new String[HA.length + more.length];
        System.arraycopy(HA, 0, all, 0, HA.length);
        System.arraycopy(more, 0, all, HA.length, more.length);
        return all;
    }

    @Test
    void emptyFileGivesAStandaloneProfileWithThePrimaryDefaults() {
        ProfileBinder.Binding b = bind("ObjectName=Container");

        assertThat(b.report().problems()).isEmpty();
        Profile p = b.profile().orElseThrow();
        assertThat(p.haMode()).isEqualTo(HaMode.NONE);
        assertThat(p.role()).isEqualTo(Role.PRIMARY);
        assertThat(p.connectionManager().serverPort()).isEqualTo(1856);
        assertThat(p.rmiConnector().rmiServerPort()).isEqualTo(1858);
        assertThat(p.haCommon().pingInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(p.haCommon().lockFile()).isEmpty();
        assertThat(p.explicitKeys()).isEmpty();
    }

    @Test
    void secondaryTakesTheSecondaryDefaults() {
        Profile p = bind(ha("isPrimary=false")).profile().orElseThrow();

        assertThat(p.role()).isEqualTo(Role.SECONDARY);
        assertThat(p.connectionManager().serverPort()).isEqualTo(1956);
        assertThat(p.rmiConnector().rmiServerPort()).isEqualTo(1859);
        assertThat(p.haCommon().port()).isEqualTo(3000);
        assertThat(p.haCommon().backupHaPort()).isEqualTo(2000);
        assertThat(p.haKrpcProvider().backupRmiServerPort()).isEqualTo(1858);
    }

    @Test
    void relativeLockFileIsResolvedAgainstTheProfilesFolder() {
        Profile p = bind(HA).profile().orElseThrow();

        assertThat(p.haCommon().lockFile()).contains(ROOT.resolve("pair/lock.dat"));
    }

    @Test
    void duplicateKeyIsAnErrorNamingTheFirstLine() {
        ProfileBinder.Binding b = bind("ServerPort=1000", "ServerPort=1001");

        assertThat(b.profile()).isEmpty();
        Problem p = b.report().errors().get(0);
        assertThat(p.rule()).isEqualTo("duplicate-key");
        assertThat(p.line()).isEqualTo(2);
        assertThat(p.message()).contains("line 1");
    }

    @Test
    void aliasAndKeyTogetherCountAsADuplicate() {
        assertThat(rules(bind(ha("PassiveLockAcquisitionInterval=70000", "PassiveLockReAcquisitionInterval=70000"))))
                .containsExactly("duplicate-key");
    }

    @Test
    void aliasIsAccepted() {
        Profile p = bind(ha("PassiveLockReAcquisitionInterval=70000")).profile().orElseThrow();

        assertThat(p.haManager().passiveLockAcquisitionInterval()).isEqualTo(Duration.ofMillis(70000));
    }

    @Test
    void unknownKeyIsAWarningWithTheNearestKnownKey() {
        ProfileBinder.Binding b = bind("FMQGroup.PingIntervall=1000");

        assertThat(b.profile()).isPresent();
        Problem p = b.report().warnings().get(0);
        assertThat(p.rule()).isEqualTo("unknown-key");
        assertThat(p.message()).contains("FMQGroup.PingInterval");
    }

    @Test
    void valuesOfTheWrongTypeAreErrorsNamingTheRule() {
        ProfileBinder.Binding b = bind("ServerPort=abc", "NagleAlgo=maybe", "RMIServerPort=70000", "MaxWaitTimeout=0",
                "HAMode=mirrored", "RMIServerHost=a b");

        assertThat(b.profile()).isEmpty();
        assertThat(rules(b)).containsExactlyInAnyOrder("number", "boolean", "port-range", "positive-duration", "ha-mode", "host");
    }

    @Test
    void everyProblemNamesFileLineKeyValueAndRule() {
        Problem p = bind("ObjectName=Container", "RMIServerPort=0").report().errors().get(0);

        assertThat(p.file()).isEqualTo(FILE);
        assertThat(p.line()).isEqualTo(2);
        assertThat(p.key()).isEqualTo("RMIServerPort");
        assertThat(p.value()).isEqualTo("0");
        assertThat(p.format()).contains(FILE.toString(), "line 2", "RMIServerPort=0", "[port-range]");
    }

    @Test
    void ownPortsMustDiffer() {
        ProfileBinder.Binding b = bind("ServerPort=1858");

        assertThat(rules(b)).containsExactly("distinct-ports");
        assertThat(b.report().errors().get(0).message()).contains("RMIServerPort", "ServerPort", "1858");
    }

    @Test
    void haPortCountsAmongOwnPortsOnlyForHaProfiles() {
        assertThat(rules(bind("FMQGroup.Port=1856"))).isEmpty();
        assertThat(rules(bind(ha("FMQGroup.Port=1856")))).contains("distinct-ports");
    }

    @Test
    void peerOnThisMachineMustNotUseOwnPorts() {
        assertThat(rules(bind(ha("FMQGroup.BackupHAPort=2000")))).containsExactly("peer-ports");
        assertThat(rules(bind(ha("FMQGroup.BackupHAPort=2000", "FMQGroup.BackupHAIPAddress=10.0.0.2")))).isEmpty();
    }

    @Test
    void peerPortsMustDifferAmongThemselves() {
        assertThat(rules(bind(ha("BackupRMIServerPort=1956")))).containsExactly("peer-ports");
    }

    @Test
    void passiveIntervalMustExceedTwiceTheActiveInterval() {
        ProfileBinder.Binding b = bind(ha("PassiveLockAcquisitionInterval=59999", "ActiveLockReAcquisitionInterval=30000"));
        assertThat(rules(b)).containsExactly("passive-lock-interval");
        assertThat(rules(bind(ha("PassiveLockAcquisitionInterval=60000")))).isEmpty();
    }

    @Test
    void activeIntervalIsRoundedUpToAMultipleOfHalfThePingInterval() {
        ProfileBinder.Binding b = bind(ha("ActiveLockReAcquisitionInterval=35000", "PassiveLockAcquisitionInterval=100000"));

        assertThat(rules(b)).containsExactly("active-lock-interval");
        assertThat(b.report().hasErrors()).isFalse();
        assertThat(b.profile().orElseThrow().haManager().activeLockReAcquisitionInterval()).isEqualTo(Duration.ofMillis(45000));
    }

    @Test
    void roundedActiveIntervalIsTheOneCheckedAgainstThePassiveInterval() {
        assertThat(rules(bind(ha("ActiveLockReAcquisitionInterval=35000", "PassiveLockAcquisitionInterval=80000"))))
                .containsExactly("active-lock-interval", "passive-lock-interval");
    }

    @Test
    void haProfileWithoutLockFileDoesNotBoot() {
        ProfileBinder.Binding b = bind("HAMode=shared");

        assertThat(b.profile()).isEmpty();
        Problem p = b.report().errors().get(0);
        assertThat(p.rule()).isEqualTo("lock-file-required");
        assertThat(p.key()).isEqualTo("FMQGroup.LockFile");
        assertThat(p.line()).isZero();
        assertThat(p.value()).isEqualTo("null");
        assertThat(rules(bind("HAMode=shared", "FMQGroup.LockFile=null"))).containsExactly("lock-file-required");
    }

    @Test
    void haRulesDoNotApplyToAStandaloneProfile() {
        assertThat(rules(bind("PassiveLockAcquisitionInterval=1000", "PingEnabled=false"))).isEmpty();
    }

    @Test
    void haProfileWarnsWhenClientFailoverSwitchesAreOff() {
        assertThat(rules(bind(ha("PingEnabled=false", "AllowDurableConnections=no")))).containsExactly(
                "ha-client-settings", "ha-client-settings");
    }

    @Test
    void allProblemsAreReportedAtOnce() {
        ProfileBinder.Binding b = bind("HAMode=replicated", "ServerPort=x", "RMIServerPort=99999", "Foo=1",
                "PassiveLockAcquisitionInterval=1000");

        assertThat(rules(b)).containsExactlyInAnyOrder("number", "port-range", "unknown-key", "passive-lock-interval",
                "lock-file-required");
    }
}
