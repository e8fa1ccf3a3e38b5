package io.fmq.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigDocumentTest {
    private static final String SHIPPED_STYLE = String.join("\n",
            "ObjectName=Container",
            "# HA Common Properties.",
            "#",
            "#FMQGroup.BackupServerIp=localhost",
            "#FMQGroup.Port=2000",
            "#FMQGroup.PingInterval=30000",
            "#",
            "# HA Manager Settings.",
            "#ActiveLockReAcquisitionInterval=30000",
            "") ;

    @TempDir
    Path dir;

    @Test
    void readAndSaveGivesBackTheSameBytes() throws Exception {
        byte[] original = ("ObjectName=Container\r\n# comment \u00e9\r\n#FMQGroup.Port=2000\r\n"
                + "FMQGroup.LockFile = /a/b \\\r\n   c\r\n\r\nServerPort:1856").getBytes(StandardCharsets.ISO_8859_1);
        Path file = dir.resolve("Config.cfg");
        Files.write(file, original);

        ConfigDocument doc = ConfigDocument.read(file);
        doc.save();

        assertThat(Files.readAllBytes(file)).isEqualTo(original);
    }

    @Test
    void settingACommentedDefaultUncommentsItInPlaceAndChangesNothingElse() {
        ConfigDocument doc = ConfigDocument.of(dir.resolve("Config.cfg"), SHIPPED_STYLE);

        ConfigDocument edited = doc.with(ConfigKey.PORT, "2500");

        List<String> before = List.of(doc.text().split("\n", -1));
        List<String> after = List.of(edited.text().split("\n", -1));
        assertThat(after).hasSameSizeAs(before);
        for (int i = 0; i < before.size(); i++) {
            if (i == 4) {
                assertThat(after.get(i)).isEqualTo("FMQGroup.Port=2500");
            } else {
                assertThat(after.get(i)).isEqualTo(before.get(i));
            }
        }
        assertThat(edited.find(ConfigKey.PORT)).get().extracting(ConfigDocument.Entry::value, ConfigDocument.Entry::firstLine)
                .containsExactly("2500", 5);
    }

    @Test
    void settingAnActiveKeyKeepsItsSpellingAndSeparator() {
        ConfigDocument doc = ConfigDocument.of(dir.resolve("Config.cfg"),
                "a=b\nPassiveLockReAcquisitionInterval = 70000\r\nc=d\n");

        ConfigDocument edited = doc.with(ConfigKey.PASSIVE_LOCK_ACQUISITION_INTERVAL, "90000");

        assertThat(edited.text()).isEqualTo("a=b\nPassiveLockReAcquisitionInterval = 90000\r\nc=d\n");
    }

    @Test
    void settingAMultiLineValueReplacesAllItsLines() {
        ConfigDocument doc = ConfigDocument.of(dir.resolve("Config.cfg"), "FMQGroup.LockFile=/a/\\\n  b\nx=y\n");

        assertThat(doc.find(ConfigKey.LOCK_FILE)).get().extracting(ConfigDocument.Entry::value).isEqualTo("/a/b");
        assertThat(doc.with(ConfigKey.LOCK_FILE, "/c").text()).isEqualTo("FMQGroup.LockFile=/c\nx=y\n");
    }

    @Test
    void aKeyWithoutAnyLineIsAppendedWithTheFilesLineEnding() {
        ConfigDocument doc = ConfigDocument.of(dir.resolve("Config.cfg"), "a=b\r\nc=d");

        assertThat(doc.with(ConfigKey.SERVER_PORT, "1999").text()).isEqualTo("a=b\r\nc=d\r\nServerPort=1999\r\n");
    }

    @Test
    void valuesWithBackslashesAndNonAsciiSurviveWriteAndRead() {
        ConfigDocument doc = ConfigDocument.of(dir.resolve("Config.cfg"), SHIPPED_STYLE);

        ConfigDocument edited = doc.with(ConfigKey.LOCK_FILE, "C:\\locks\\l\u00f6ck.dat");

        assertThat(edited.find(ConfigKey.LOCK_FILE)).get().extracting(ConfigDocument.Entry::value)
                .isEqualTo("C:\\locks\\l\u00f6ck.dat");
    }

    @Test
    void savedEditIsTheOnlyChangedLineOnDisk() throws Exception {
        Path file = dir.resolve("Config.cfg");
        Files.writeString(file, SHIPPED_STYLE);

        ConfigDocument.read(file).with(ConfigKey.PING_INTERVAL, "20000").with(ConfigKey.ACTIVE_LOCK_REACQUISITION_INTERVAL, "40000").save();

        List<String> lines = Files.readAllLines(file);
        assertThat(lines).containsExactly("ObjectName=Container", "# HA Common Properties.", "#",
                "#FMQGroup.BackupServerIp=localhost", "#FMQGroup.Port=2000", "FMQGroup.PingInterval=20000", "#",
                "# HA Manager Settings.", "ActiveLockReAcquisitionInterval=40000");
    }

    @Test
    void saveKeepsTheFilesPermissions() throws Exception {
        Path file = dir.resolve("Config.cfg");
        Files.writeString(file, SHIPPED_STYLE);
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));

        ConfigDocument.read(file).with(ConfigKey.PORT, "2100").save();

        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r-----");
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            assertThat(s).containsExactly(file);
        }
    }
}
