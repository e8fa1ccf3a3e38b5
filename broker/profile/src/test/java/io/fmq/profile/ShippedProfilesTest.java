package io.fmq.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every folder under the repository's profiles/ loads, validates and is shipped as the guide describes. */
class ShippedProfilesTest {
    static final Path PROFILES = Path.of(System.getProperty("fmq.shipped.profiles", "../../profiles")).toAbsolutePath().normalize();

    static List<Path> profiles() throws IOException {
        try (Stream<Path> s = Files.walk(PROFILES)) {
            return s.filter(ProfileLoader::isProfile).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void theFiveProfilesAreShipped() throws IOException {
        assertThat(profiles().stream().map(p -> PROFILES.relativize(p).toString()))
                .containsExactly("FioranoMQ", "FioranoMQ_HA_rpl/HAPrimary", "FioranoMQ_HA_rpl/HASecondary",
                        "FioranoMQ_HA_shared/HAPrimary", "FioranoMQ_HA_shared/HASecondary");
    }

    @ParameterizedTest
    @MethodSource("profiles")
    void loadsWithoutAnyProblem(Path folder) {
        ProfileBinder.Binding b = ProfileLoader.load(folder, PROFILES);

        assertThat(b.report().problems()).as(b.report().format()).isEmpty();
        assertThat(b.profile()).isPresent();
    }

    @ParameterizedTest
    @MethodSource("profiles")
    void listsEveryKeyWithItsDefaultOrAValue(Path folder) throws IOException {
        ConfigDocument doc = ConfigDocument.read(folder.resolve("conf/Config.cfg"));
        Profile profile = ProfileLoader.load(folder, PROFILES).profile().orElseThrow();
        String text = doc.text();
        for (ConfigKey key : ConfigKey.values()) {
            if (doc.find(key).isEmpty()) {
                assertThat(text).as(folder + " lists " + key.key() + " as a commented default")
                        .contains("\n#" + key.key() + "=" + key.defaultFor(profile.role()) + "\n");
            }
        }
        for (Section section : Section.values()) {
            assertThat(text).contains("# " + section.title());
        }
    }

    @Test
    void standaloneUsesThePrimaryPorts() {
        Profile p = ProfileLoader.load(PROFILES.resolve("FioranoMQ"), PROFILES).profile().orElseThrow();

        assertThat(p.haMode()).isEqualTo(HaMode.NONE);
        assertThat(p.connectionManager().serverPort()).isEqualTo(1856);
        assertThat(p.rmiConnector().rmiServerPort()).isEqualTo(1858);
    }

    @ParameterizedTest
    @MethodSource("pairs")
    void pairRunsOnOneMachineUnedited(String pair, HaMode mode) {
        Profile primary = ProfileLoader.load(PROFILES.resolve(pair + "/HAPrimary"), PROFILES).profile().orElseThrow();
        Profile secondary = ProfileLoader.load(PROFILES.resolve(pair + "/HASecondary"), PROFILES).profile().orElseThrow();

        assertThat(primary.haMode()).isEqualTo(mode);
        assertThat(secondary.haMode()).isEqualTo(mode);
        assertThat(primary.role()).isEqualTo(Role.PRIMARY);
        assertThat(secondary.role()).isEqualTo(Role.SECONDARY);
        assertPointsAt(primary, secondary);
        assertPointsAt(secondary, primary);
        assertThat(primary.haCommon().lockFile()).isPresent().isEqualTo(secondary.haCommon().lockFile());
        assertThat(primary.haCommon().lockFile().orElseThrow()).startsWithRaw(PROFILES);
        assertThat(List.of(primary.connectionManager().serverPort(), primary.rmiConnector().rmiServerPort(), primary.haCommon().port(),
                secondary.connectionManager().serverPort(), secondary.rmiConnector().rmiServerPort(), secondary.haCommon().port()))
                .doesNotHaveDuplicates();
    }

    static Stream<Object[]> pairs() {
        return Stream.of(new Object[] {"FioranoMQ_HA_rpl", HaMode.REPLICATED}, new Object[] {"FioranoMQ_HA_shared", HaMode.SHARED});
    }

    private static void assertPointsAt(Profile self, Profile peer) {
        assertThat(self.haCommon().backupHaPort()).isEqualTo(peer.haCommon().port());
        assertThat(self.haCommon().backupServerPort()).isEqualTo(peer.connectionManager().serverPort());
        assertThat(self.haKrpcProvider().backupRmiServerPort()).isEqualTo(peer.rmiConnector().rmiServerPort());
        assertThat(self.haCommon().pingInterval()).isEqualTo(peer.haCommon().pingInterval());
        assertThat(self.haManager().activeLockReAcquisitionInterval()).isEqualTo(peer.haManager().activeLockReAcquisitionInterval());
        assertThat(self.haManager().passiveLockAcquisitionInterval()).isEqualTo(peer.haManager().passiveLockAcquisitionInterval());
    }

    @ParameterizedTest
    @MethodSource("profiles")
    void shippedAdminAccountIsReadWriteWithTheDocumentedPassword(Path folder) throws IOException {
        JmxUsers users = JmxUsers.read(JmxUsers.fileOf(folder));

        assertThat(users.authenticate("admin", "passwd".toCharArray())).contains(JmxUsers.Access.READWRITE);
        assertThat(Files.exists(folder.resolve("conf/logback.xml"))).isTrue();
    }
}
