package io.fmq.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileLocatorTest {
    @TempDir
    Path root;

    private Path profile(String name) throws Exception {
        Path conf = Files.createDirectories(root.resolve(name).resolve("conf"));
        Files.writeString(conf.resolve("Config.cfg"), "");
        return root.resolve(name);
    }

    @Test
    void findsNamesWithEitherSeparatorAndAbsolutePaths() throws Exception {
        Path p = profile("Pair/HAPrimary");
        ProfileLocator locator = new ProfileLocator(root);

        assertThat(locator.locate("Pair/HAPrimary")).isEqualTo(p);
        assertThat(locator.locate("Pair\\HAPrimary")).isEqualTo(p);
        assertThat(locator.locate(p.toString())).isEqualTo(p);
    }

    @Test
    void unknownNameListsTheAvailableProfiles() throws Exception {
        profile("FioranoMQ");
        profile("Pair/HASecondary");

        assertThatThrownBy(() -> new ProfileLocator(root).locate("Nope"))
                .hasMessageContaining("No profile 'Nope'").hasMessageContaining("FioranoMQ, Pair/HASecondary");
    }
}
