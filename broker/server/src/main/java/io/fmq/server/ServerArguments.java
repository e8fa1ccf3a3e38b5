package io.fmq.server;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The command line of {@code fmq.sh}: {@code -profile NAME [-dbPath DIR] [-nobackground]}.
 * {@code -nobackground} is handled by the script (the process always runs in the foreground of its own
 * shell) and accepted here so the same arguments can be passed through.
 */
public record ServerArguments(String profile, Optional<Path> dbPath, boolean foreground) {
    public static final String USAGE = "usage: fmq.sh -profile NAME [-dbPath DIR] [-nobackground]";

    public static ServerArguments parse(String... args) throws StartupException {
        String profile = null;
        Path dbPath = null;
        boolean foreground = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-profile":
                    profile = value(args, ++i, a);
                    break;
                case "-dbPath":
                    String db = value(args, ++i, a);
                    try {
                        dbPath = Path.of(db).toAbsolutePath().normalize();
                    } catch (java.nio.file.InvalidPathException e) {
                        throw new StartupException(StartupException.USAGE, "-dbPath '" + db + "' is not a valid path.\n" + USAGE);
                    }
                    break;
                case "-nobackground":
                    foreground = true;
                    break;
                default:
                    throw new StartupException(StartupException.USAGE, "unknown argument '" + a + "'.\n" + USAGE);
            }
        }
        if (profile == null) {
            profile = "FioranoMQ";
        }
        return new ServerArguments(profile, Optional.ofNullable(dbPath), foreground);
    }

    private static String value(String[] args, int i, String option) throws StartupException {
        if (i >= args.length || args[i].startsWith("-") && !args[i].equals("-")) {
            throw new StartupException(StartupException.USAGE, option + " needs a value.\n" + USAGE);
        }
        return args[i];
    }
}
