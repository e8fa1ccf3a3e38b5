package io.fmq.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JmxUsersTest {
    @TempDir
    Path dir;

    @Test
    void hashIsSaltedAndVerifies() {
        String a = JmxUsers.hash("secret".toCharArray());
        String b = JmxUsers.hash("secret".toCharArray());

        assertThat(a).isNotEqualTo(b).doesNotContain("secret");
        assertThat(JmxUsers.verify("secret".toCharArray(), a)).isTrue();
        assertThat(JmxUsers.verify("Secret".toCharArray(), a)).isFalse();
    }

    @Test
    void addChangeAndRemoveAccountsKeepingComments() throws IOException {
        Path file = dir.resolve("jmx-users.properties");
        Files.writeString(file, "# header\n");

        JmxUsers.read(file).withUser("ops", JmxUsers.Access.READONLY, "one".toCharArray()).save();
        JmxUsers.read(file).withUser("ops", JmxUsers.Access.READWRITE, "two".toCharArray()).save();
        JmxUsers users = JmxUsers.read(file);

        assertThat(Files.readAllLines(file)).hasSize(2).first().isEqualTo("# header");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(users.authenticate("ops", "one".toCharArray())).isEmpty();
        assertThat(users.authenticate("ops", "two".toCharArray())).contains(JmxUsers.Access.READWRITE);
        assertThat(users.authenticate("nobody", "two".toCharArray())).isEmpty();

        users.withoutUser("ops").save();
        assertThat(JmxUsers.read(file).users()).isEmpty();
    }

    @Test
    void malformedLineNamesFileAndLine() throws IOException {
        Path file = dir.resolve("jmx-users.properties");
        Files.writeString(file, "# header\nadmin=passwd\n");

        assertThatThrownBy(() -> JmxUsers.read(file)).isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("line 2");
    }

    @Test
    void missingFileHasNoAccounts() throws IOException {
        assertThat(JmxUsers.read(dir.resolve("none")).authenticate("admin", "passwd".toCharArray())).isEmpty();
    }

    @Test
    void userNamesAreRestricted() {
        assertThatThrownBy(() -> JmxUsers.read(dir.resolve("x")).withUser("a=b", JmxUsers.Access.READONLY, new char[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
