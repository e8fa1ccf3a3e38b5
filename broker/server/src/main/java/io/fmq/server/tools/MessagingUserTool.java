package io.fmq.server.tools;

import io.fmq.profile.HaMode;
import io.fmq.profile.Profile;
import io.fmq.profile.ProfileBinder;
import io.fmq.profile.ProfileLoader;
import io.fmq.server.InstanceLock;
import io.fmq.server.ProfileLocator;
import io.fmq.server.StartupException;
import io.fmq.server.broker.Broker;
import io.fmq.server.broker.BrokerException;
import io.fmq.store.FileJournal;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * {@code fmq-users.sh -profile NAME [-dbPath DIR] COMMAND}: manages the messaging users (the accounts clients log
 * in with), their groups and their grants in the data store of a server that is not running — the offline
 * counterpart of the broker MBean's {@code setUser}, {@code removeUser}, {@code setGroup} and {@code grant}. A
 * store that does not exist yet is created with the default account admin/passwd (in the group administrators,
 * which may do everything) and the given change, so a new installation can be given its users before its first
 * start. Commands: {@code list}, {@code set USER [-passwordStdin]}, {@code remove USER},
 * {@code group GROUP USER[,USER...]} (an empty list removes the group), {@code grant PRINCIPAL PATTERN PERMISSIONS}
 * (as the MBean's grant: {@code send,receive,browse,admin}, {@code all}, or empty to revoke) and {@code grants}.
 *
 * <p>It holds the profile's and the store's lock files while it works, exactly as a server does, so it cannot run
 * beside a server on the same profile or store. A replicated-HA profile is refused: each server of the pair keeps
 * its own copy of the store, and a change written into one copy offline would not reach the other.
 */
public final class MessagingUserTool {
    static final String USAGE = "usage: fmq-users.sh -profile NAME [-dbPath DIR] list | set USER [-passwordStdin] | remove USER"
            + " | group GROUP USER[,USER...] | grant PRINCIPAL PATTERN PERMISSIONS | grants";
    private static final Predicate<String> USER_NAME = n -> n.matches("[A-Za-z0-9_.@-]+");

    private MessagingUserTool() {
    }

    public static void main(String[] args) {
        quietLogging();
        System.exit(run(args, System.getProperty("fmq.home", "."), System.out, System.err, JmxUserTool::readStdin));
    }

    /** The libraries underneath (store, Netty) log only warnings and errors, one line each on standard error. */
    private static void quietLogging() {
        ch.qos.logback.classic.LoggerContext context = (ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
        context.reset();
        ch.qos.logback.classic.encoder.PatternLayoutEncoder encoder = new ch.qos.logback.classic.encoder.PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%level %msg%n");
        encoder.start();
        ch.qos.logback.core.ConsoleAppender<ch.qos.logback.classic.spi.ILoggingEvent> console = new ch.qos.logback.core.ConsoleAppender<>();
        console.setContext(context);
        console.setTarget("System.err");
        console.setEncoder(encoder);
        console.start();
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(ch.qos.logback.classic.Level.WARN);
        root.addAppender(console);
    }

    /** Where a password comes from: standard input (one line) or, without {@code -passwordStdin}, the terminal. */
    interface PasswordSource {
        char[] read() throws IOException;
    }

    static int run(String[] args, String home, PrintStream out, PrintStream err, PasswordSource stdin) {
        String name = null;
        Path dbPath = null;
        List<String> command = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("-profile") && i + 1 < args.length && name == null) {
                name = args[++i];
            } else if (args[i].equals("-dbPath") && i + 1 < args.length && dbPath == null) {
                dbPath = Path.of(args[++i]).toAbsolutePath().normalize();
            } else {
                command.add(args[i]);
            }
        }
        if (name == null || command.isEmpty() || !validCommand(command)) {
            err.println(USAGE);
            return StartupException.USAGE;
        }
        try {
            ProfileLocator locator = new ProfileLocator(Path.of(home).resolve("profiles"));
            Path folder = locator.locate(name);
            Path root = folder.startsWith(locator.profilesRoot()) ? locator.profilesRoot() : ProfileLoader.profilesRootFor(folder);
            ProfileBinder.Binding binding = ProfileLoader.load(folder, root);
            if (binding.profile().isEmpty()) {
                err.println("The profile " + folder + " is not valid, so its users were not changed:");
                binding.report().errors().forEach(p -> err.println("  " + p.format()));
                return StartupException.INVALID_PROFILE;
            }
            Profile profile = binding.profile().get();
            boolean readOnly = command.get(0).equals("list") || command.get(0).equals("grants");
            if (profile.haMode() == HaMode.REPLICATED && !readOnly) {
                err.println("Profile " + name + " is one server of a replicated HA pair: each server keeps its own copy of the data "
                        + "store, and a user written into one copy offline would not reach the other. Start the pair and change "
                        + "users on the active server over JMX (broker MBean fmq:type=Broker, operations setUser and removeUser).");
                return StartupException.USAGE;
            }
            if (profile.haMode() == HaMode.SHARED && dbPath == null) {
                err.println("Profile " + name + " is a shared-HA profile: give its shared store folder with -dbPath DIR.");
                err.println(USAGE);
                return StartupException.USAGE;
            }
            Path store = dbPath != null ? dbPath : folder.resolve("run");
            return change(profile, folder, store, command, out, err, stdin);
        } catch (StartupException e) {
            err.println(e.getMessage());
            return e.exitCode();
        }
    }

    private static boolean validCommand(List<String> c) {
        switch (c.get(0)) {
            case "list":
            case "grants":
                return c.size() == 1;
            case "group":
                return c.size() == 3;
            case "grant":
                return c.size() == 4;
            case "remove":
                return c.size() == 2;
            case "set":
                return c.size() == 2 || c.size() == 3 && c.get(2).equals("-passwordStdin");
            default:
                return false;
        }
    }

    private static int change(Profile profile, Path folder, Path store, List<String> command, PrintStream out, PrintStream err,
                              PasswordSource stdin) {
        String user = command.size() > 1 && !command.get(0).startsWith("grant") ? command.get(1) : null;
        if (user != null && !USER_NAME.test(user)) {
            err.println("'" + user + "' is not a user name: use letters, digits and _ . @ -");
            return StartupException.USAGE;
        }
        char[] password = null;
        if (command.get(0).equals("set")) {
            try {
                password = command.size() == 3 ? stdin.read() : JmxUserTool.prompt(user);
            } catch (IOException e) {
                err.println("Cannot read the password: " + e.getMessage());
                return StartupException.FAILED;
            }
            if (password == null || password.length == 0) {
                err.println("No password given (use -passwordStdin to pipe one in): the user was not changed.");
                return StartupException.USAGE;
            }
        }
        Map<String, String> owner = new LinkedHashMap<>();
        owner.put("pid", Long.toString(ProcessHandle.current().pid()));
        owner.put("profile", folder.toString());
        owner.put("store", store.toString());
        owner.put("tool", "fmq-users.sh");
        owner.put("started", Instant.now().toString());
        try (InstanceLock profileLock = lock(folder.resolve("server.pid"), owner, "profile " + profile.name());
             InstanceLock storeLock = lock(store.resolve("store.lock"), owner, "data store " + store)) {
            Files.createDirectories(store);
            try (FileJournal journal = FileJournal.open(store)) {
                Profile.Messaging m = profile.messaging();
                Broker broker = Broker.open(journal, Clock.systemUTC(), new Broker.Settings(m.maxDeliveryAttempts(),
                        m.autoCreateDestinations(), Long.MAX_VALUE, "offline"), text -> {
                            throw new BrokerException(io.fmq.protocol.ErrorCode.INVALID_SELECTOR, "selectors are not read offline");
                        });
                try {
                    switch (command.get(0)) {
                        case "list":
                            broker.users().forEach(out::println);
                            return 0;
                        case "grants":
                            broker.groups().forEach(g -> out.println("group " + g));
                            broker.grants().forEach(g -> out.println("grant " + g));
                            return 0;
                        case "group": {
                            Set<String> members = new TreeSet<>();
                            for (String member : command.get(2).split(",")) {
                                if (!member.isBlank()) {
                                    members.add(member.strip());
                                }
                            }
                            broker.setGroup(user, members);
                            out.println(members.isEmpty() ? "Removed group '" + user + "'." : "Group '" + user + "' now holds "
                                    + String.join(", ", members) + ".");
                            return 0;
                        }
                        case "grant":
                            broker.grant(command.get(1), command.get(2), command.get(3));
                            out.println("Granted '" + command.get(3) + "' on " + command.get(2) + " to " + command.get(1) + ".");
                            return 0;
                        case "set":
                            boolean existed = broker.users().contains(user);
                            broker.putUser(user, password);
                            out.println((existed ? "Changed the password of messaging user '" : "Added messaging user '") + user
                                    + "' to the data store " + store + ".");
                            return 0;
                        default:
                            if (!broker.users().contains(user)) {
                                err.println("There is no messaging user '" + user + "' in the data store " + store + ".");
                                return StartupException.FAILED;
                            }
                            broker.removeUser(user);
                            out.println("Removed messaging user '" + user + "' from the data store " + store + ".");
                            return 0;
                    }
                } finally {
                    broker.close();
                }
            }
        } catch (StartupException e) {
            err.println(e.getMessage());
            return e.exitCode();
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage() + ". Nothing was changed.");
            err.println(USAGE);
            return StartupException.USAGE;
        } catch (IOException e) {
            err.println("Cannot change the users in the data store " + store + ": " + e.getMessage() + ". Check that the folder "
                    + "exists, is writable and has room.");
            return StartupException.FAILED;
        } finally {
            if (password != null) {
                Arrays.fill(password, '\0');
            }
        }
    }

    /** Takes a lock file as a server would; one held by a running server means "stop it first". */
    private static InstanceLock lock(Path file, Map<String, String> owner, String what) throws IOException, StartupException {
        try {
            return InstanceLock.acquire(file, owner);
        } catch (InstanceLock.HeldException e) {
            String rmi = e.owner().get("rmiPort");
            throw new StartupException(StartupException.ALREADY_RUNNING, "A server is running on the " + what
                    + (e.owner().containsKey("pid") ? " (pid " + e.owner().get("pid") + (rmi != null ? ", RMI port " + rmi : "") + ")" : "")
                    + ": its users were not changed offline. Change them over JMX on the running server (broker MBean fmq:type=Broker, "
                    + "setUser/removeUser), or stop it first" + (rmi != null ? " with: shutdown-fmq.sh -rmiPort " + rmi : "") + ".");
        }
    }
}
