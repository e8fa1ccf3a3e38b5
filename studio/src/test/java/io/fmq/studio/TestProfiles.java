package io.fmq.studio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Copies of the shipped profiles in a temporary folder (tests never touch the repository's files). */
public final class TestProfiles {
    private TestProfiles() {
    }

    public static Path shipped() {
        return Path.of(System.getProperty("fmq.shipped.profiles", "../profiles")).toAbsolutePath().normalize();
    }

    /** Copies every shipped profile to {@code dir/profiles} and returns that folder. */
    public static Path copyAll(Path dir) {
        Path target = dir.resolve("profiles");
        try (Stream<Path> files = Files.walk(shipped())) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path rel = shipped().relativize(p);
                if (rel.toString().contains("run") || rel.toString().endsWith("server.pid") || rel.toString().contains("logs")) {
                    continue;
                }
                Path to = target.resolve(rel.toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    /** The lines that differ between two texts of the same length in lines, as "n: before -> after". */
    public static List<String> changedLines(String before, String after) {
        String[] a = before.split("\n", -1);
        String[] b = after.split("\n", -1);
        List<String> diff = new ArrayList<>();
        if (a.length != b.length) {
            diff.add("line count " + a.length + " -> " + b.length);
            return diff;
        }
        for (int i = 0; i < a.length; i++) {
            if (!a[i].equals(b[i])) {
                diff.add((i + 1) + ": " + a[i] + " -> " + b[i]);
            }
        }
        return diff;
    }
}
