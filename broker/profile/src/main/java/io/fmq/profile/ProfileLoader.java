package io.fmq.profile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Reads a profile folder ({@code conf/Config.cfg}) into a {@link ProfileBinder.Binding}. */
public final class ProfileLoader {
    public static final String CONFIG_FILE_NAME = "Config.cfg";

    private ProfileLoader() {
    }

    /**
     * Loads the profile in {@code folder}. Relative lock-file paths are resolved against {@code profilesRoot}
     * (the distribution's {@code profiles/} folder); the profile's name is its path below that root.
     */
    public static ProfileBinder.Binding load(Path folder, Path profilesRoot) {
        Path absolute = folder.toAbsolutePath().normalize();
        Path root = profilesRoot.toAbsolutePath().normalize();
        String name = absolute.startsWith(root) && !absolute.equals(root)
                ? root.relativize(absolute).toString().replace('\\', '/')
                : String.valueOf(absolute.getFileName());
        Path config = absolute.resolve("conf").resolve(CONFIG_FILE_NAME);
        ConfigDocument document;
        try {
            document = ConfigDocument.read(config);
        } catch (NoSuchFileException e) {
            return failure(config, "missing-config", "there is no " + CONFIG_FILE_NAME + " here: is " + absolute
                    + " a profile folder (it must contain conf/" + CONFIG_FILE_NAME + ")?");
        } catch (IOException e) {
            return failure(config, "unreadable-config", "cannot read the file: " + e.getMessage());
        }
        return ProfileBinder.bind(name, absolute, root, document);
    }

    /** Loads a profile, taking as profiles root the nearest enclosing folder named {@code profiles}, else its parent. */
    public static ProfileBinder.Binding load(Path folder) {
        return load(folder, profilesRootFor(folder));
    }

    /** The nearest enclosing folder named {@code profiles}, or the profile folder's parent when there is none. */
    public static Path profilesRootFor(Path folder) {
        Path absolute = folder.toAbsolutePath().normalize();
        for (Path p = absolute.getParent(); p != null; p = p.getParent()) {
            if (p.getFileName() != null && p.getFileName().toString().equals("profiles")) {
                return p;
            }
        }
        Path parent = absolute.getParent();
        return parent == null ? absolute : parent;
    }

    /** Whether a folder looks like a profile (has {@code conf/Config.cfg}). */
    public static boolean isProfile(Path folder) {
        return Files.isRegularFile(folder.resolve("conf").resolve(CONFIG_FILE_NAME));
    }

    private static ProfileBinder.Binding failure(Path file, String rule, String message) {
        return new ProfileBinder.Binding(Optional.empty(), new ValidationReport(
                List.of(new Problem(Problem.Severity.ERROR, file, 0, "", "", rule, message))));
    }
}
