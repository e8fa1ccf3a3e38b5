package io.fmq.server;

import io.fmq.profile.ProfileLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Finds a profile folder from the {@code -profile} argument: a name under {@code profiles/} or an absolute path. */
public final class ProfileLocator {
    private final Path profilesRoot;

    public ProfileLocator(Path profilesRoot) {
        this.profilesRoot = profilesRoot.toAbsolutePath().normalize();
    }

    public Path profilesRoot() {
        return profilesRoot;
    }

    /** The profile folder; a name may use / or \ between its parts, as the guide's examples do. */
    public Path locate(String name) throws StartupException {
        Path given = Path.of(name.replace('\\', '/'));
        Path folder = given.isAbsolute() ? given.normalize() : profilesRoot.resolve(given).normalize();
        if (!ProfileLoader.isProfile(folder)) {
            String known = String.join(", ", available());
            throw new StartupException(StartupException.USAGE, "No profile '" + name + "': " + folder
                    + " has no conf/" + ProfileLoader.CONFIG_FILE_NAME + ". Give a profile under " + profilesRoot
                    + (known.isEmpty() ? "" : " (" + known + ")") + " or the absolute path of a profile folder.");
        }
        return folder;
    }

    /** The profiles found under the profiles folder, by name. */
    public List<String> available() {
        if (!Files.isDirectory(profilesRoot)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(profilesRoot, 3)) {
            return s.filter(ProfileLoader::isProfile)
                    .map(p -> profilesRoot.relativize(p).toString().replace('\\', '/'))
                    .sorted().collect(Collectors.toList());
        } catch (IOException e) {
            return List.of();
        }
    }
}
