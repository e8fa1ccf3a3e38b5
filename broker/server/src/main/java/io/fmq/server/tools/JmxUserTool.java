package io.fmq.server.tools;

import io.fmq.profile.JmxUsers;
import io.fmq.server.ProfileLocator;
import io.fmq.server.StartupException;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * {@code jmx-users.sh -profile NAME list | set USER readonly|readwrite [-passwordStdin] | remove USER}:
 * manages the JMX accounts of a profile. Passwords are asked for twice on the terminal, or read as one
 * line from standard input with {@code -passwordStdin}; only their salted hash is stored. A running
 * server picks the change up at the next JMX connection.
 */
public final class JmxUserTool {
    static final String USAGE = "usage: jmx-users.sh -profile NAME list | set USER readonly|readwrite [-passwordStdin] | remove USER";

    private JmxUserTool() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getProperty("fmq.home", "."), System.out, System.err));
    }

    static int run(String[] args, String home, PrintStream out, PrintStream err) {
        if (args.length < 3 || !args[0].equals("-profile")) {
            err.println(USAGE);
            return StartupException.USAGE;
        }
        try {
            Path folder = new ProfileLocator(Path.of(home).resolve("profiles")).locate(args[1]);
            Path file = JmxUsers.fileOf(folder);
            JmxUsers users = JmxUsers.read(file);
            String[] rest = Arrays.copyOfRange(args, 2, args.length);
            switch (rest[0]) {
                case "list":
                    users.users().forEach(u -> out.println(u.name() + " " + u.access().configValue()));
                    return 0;
                case "remove":
                    if (rest.length != 2) {
                        break;
                    }
                    users.withoutUser(rest[1]).save();
                    out.println("Removed JMX user '" + rest[1] + "' from " + file + ".");
                    return 0;
                case "set":
                    if (rest.length < 3 || rest.length > 4 || rest.length == 4 && !rest[3].equals("-passwordStdin")) {
                        break;
                    }
                    JmxUsers.Access access;
                    try {
                        access = JmxUsers.Access.valueOf(rest[2].toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        err.println("access must be readonly or readwrite, not '" + rest[2] + "'.");
                        return StartupException.USAGE;
                    }
                    char[] password = rest.length == 4 ? readStdin() : prompt(rest[1]);
                    if (password == null || password.length == 0) {
                        err.println("No password given: the account was not changed.");
                        return StartupException.USAGE;
                    }
                    users.withUser(rest[1], access, password).save();
                    Arrays.fill(password, '\0');
                    out.println("JMX user '" + rest[1] + "' (" + access.configValue() + ") saved in " + file + ".");
                    return 0;
                default:
                    break;
            }
            err.println(USAGE);
            return StartupException.USAGE;
        } catch (StartupException e) {
            err.println(e.getMessage());
            return e.exitCode();
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage() + ".");
            return StartupException.USAGE;
        } catch (IOException e) {
            err.println("Cannot update the JMX users file: " + e.getMessage());
            return StartupException.FAILED;
        }
    }

    /** One line of standard input as a password (null at end of input); shared with the messaging users tool. */
    static char[] readStdin() throws IOException {
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        return line == null ? null : line.toCharArray();
    }

    /** Asks for a new password twice on the terminal; null without a terminal or when the two differ. */
    static char[] prompt(String user) {
        Console console = System.console();
        if (console == null) {
            return null;
        }
        char[] first = console.readPassword("New password for %s: ", user);
        char[] second = console.readPassword("Repeat the password: ");
        if (first == null || !Arrays.equals(first, second)) {
            console.printf("The passwords differ.%n");
            return null;
        }
        return first;
    }
}
