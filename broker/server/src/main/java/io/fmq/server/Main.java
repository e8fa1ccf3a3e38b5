package io.fmq.server;

import io.fmq.profile.HaMode;
import io.fmq.profile.Problem;
import io.fmq.profile.Profile;
import io.fmq.profile.ProfileBinder;
import io.fmq.profile.ProfileLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Date;
import java.util.Properties;

/**
 * Entry point of {@code fmq.sh}: reads the arguments and the profile, refuses anything invalid with a
 * sentence and an exit status (see {@link StartupException}), starts the {@link Server} and waits until
 * it is stopped by SIGTERM, SIGINT or the JMX {@code shutdown} operation, then exits with status 0.
 *
 * <p>The distribution's scripts pass {@code -Dfmq.home=DIR}; profile names are looked up under
 * {@code DIR/profiles}.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        int status = run(args, System.getProperty("fmq.home", "."), System.out, System.err);
        System.exit(status);
    }

    static int run(String[] args, String home, PrintStream out, PrintStream err) {
        Server server;
        InstanceLock profileLock = null;
        boolean loggingReady = false;
        try {
            ServerArguments arguments = ServerArguments.parse(args);
            ProfileLocator locator = new ProfileLocator(Path.of(home).resolve("profiles"));
            Path folder = locator.locate(arguments.profile());
            Path root = folder.startsWith(locator.profilesRoot()) ? locator.profilesRoot() : ProfileLoader.profilesRootFor(folder);
            ProfileBinder.Binding binding = ProfileLoader.load(folder, root);
            for (Problem p : binding.report().warnings()) {
                err.println(p.format());
            }
            if (binding.profile().isEmpty()) {
                err.println("The profile " + folder + " is not valid, so the server was not started:");
                binding.report().errors().forEach(p -> err.println("  " + p.format()));
                err.println("Fix these lines in " + folder.resolve("conf").resolve(ProfileLoader.CONFIG_FILE_NAME)
                        + " (or in the Studio) and start again.");
                return StartupException.INVALID_PROFILE;
            }
            Profile profile = binding.profile().get();
            if (profile.haMode() == HaMode.SHARED && arguments.dbPath().isEmpty()) {
                throw new StartupException(StartupException.USAGE, "Profile " + profile.name() + " is a shared-HA profile: give "
                        + "the shared store folder with -dbPath DIR (the same folder for both servers of the pair).\n"
                        + ServerArguments.USAGE);
            }
            Path store = arguments.dbPath().orElse(folder.resolve("run"));
            Path logDir = folder.resolve("logs");
            long pid = ProcessHandle.current().pid();
            Server.Settings settings = new Server.Settings(profile, store, logDir, version(), pid);
            profileLock = lockProfile(settings);
            Logging.configure(folder, logDir);
            loggingReady = true;
            // The RMI stubs advertise this host to JMX clients (RMIServerHost).
            System.setProperty("java.rmi.server.hostname", profile.rmiConnector().rmiServerHost());
            ConsoleLog console = new ConsoleLog();
            banner(console, home, profile, store, pid);
            server = new Server(settings, ManagementFactory.getPlatformMBeanServer(), Clock.systemUTC(), System::nanoTime, console,
                    Main::compileSelector);
            server.start(profileLock);
            console.plain("Profile " + profile.name() + " successfully deployed on " + new Date());
        } catch (StartupException e) {
            if (loggingReady) {
                // the console appender prints it too
                org.slf4j.LoggerFactory.getLogger(Main.class).error("Server not started. {}", e.getMessage());
                Logging.shutdown();
            } else {
                err.println(e.getMessage());
            }
            closeQuietly(profileLock);
            return e.exitCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(profileLock);
            return StartupException.FAILED;
        } catch (RuntimeException e) {
            // a fault of the server itself: one sentence on the console, the details in the log
            String message = "Server not started: an internal error stopped the start (" + e + "). Nothing was left running; "
                    + "the log has the details.";
            if (loggingReady) {
                org.slf4j.LoggerFactory.getLogger(Main.class).error(message);
                org.slf4j.LoggerFactory.getLogger(Main.class).debug("Details of the failed start", e);
                Logging.shutdown();
            } else {
                err.println(message);
            }
            closeQuietly(profileLock);
            return StartupException.FAILED;
        }
        SignalHandlers.install(server::stopAsync);
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "fmq-shutdown-hook"));
        try {
            server.awaitStopped();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.stop();
        }
        Logging.shutdown();
        return server.failed() ? StartupException.FAILED : 0;
    }

    static java.util.function.Predicate<io.fmq.protocol.WireMessage> compileSelector(String text)
            throws io.fmq.server.broker.BrokerException {
        try {
            return io.fmq.server.selector.Selector.parse(text);
        } catch (io.fmq.server.selector.Selector.InvalidSelectorException e) {
            throw new io.fmq.server.broker.BrokerException(io.fmq.protocol.ErrorCode.INVALID_SELECTOR, e.getMessage());
        }
    }

    private static InstanceLock lockProfile(Server.Settings settings) throws StartupException {
        try {
            return Server.lock(Server.profileLockFile(settings.profile()), settings.owner(java.time.Instant.now()),
                    "profile " + settings.profile().name());
        } catch (IOException e) {
            throw new StartupException(StartupException.FAILED, "Cannot write " + Server.profileLockFile(settings.profile())
                    + ": " + e.getMessage() + ". The profile folder must be writable by the server.", e);
        }
    }

    private static void closeQuietly(InstanceLock lock) {
        if (lock != null) {
            try {
                lock.close();
            } catch (IOException e) {
                // the process is about to exit, which releases the lock anyway
            }
        }
    }

    private static void banner(ConsoleLog console, String home, Profile profile, Path store, long pid) {
        console.plain("FMQ Home            : " + Path.of(home).toAbsolutePath().normalize());
        console.plain("Java Home           : " + System.getProperty("java.home"));
        console.plain("Profile             : " + profile.folder());
        console.plain("Data store          : " + store);
        console.plain("Server's Process ID : " + pid);
        if (profile.haMode().isHa()) {
            Profile.HaCommon ha = profile.haCommon();
            console.plain("HA mode             : " + profile.haMode().configValue() + ", " + profile.role().displayName()
                    + " server (isPrimary=" + profile.haManager().primary() + ")");
            console.plain("HA channel          : listens on port " + ha.port() + ", backup server at "
                    + ha.backupHaIpAddress() + ":" + ha.backupHaPort() + " (clients " + ha.backupServerIp() + ":"
                    + ha.backupServerPort() + ", RMI " + profile.haKrpcProvider().backupRmiServerPort() + ")");
            console.plain("Lock file           : " + ha.lockFile().map(Path::toString).orElse("null"));
            console.plain("Gateway             : " + ha.gatewayServerIpAddress() + ":" + ha.gatewayServerPort());
            console.plain("HA intervals        : ping " + ha.pingInterval().toMillis() + " ms, active lock "
                    + profile.haManager().activeLockReAcquisitionInterval().toMillis() + " ms, passive lock "
                    + profile.haManager().passiveLockAcquisitionInterval().toMillis() + " ms, max wait "
                    + profile.haManager().maxWaitTimeout().toMillis() + " ms");
            if (profile.haMode() == HaMode.SHARED) {
                console.plain("Shared store        : " + store + " (written only by the active server; logs stay in this profile)");
            }
        }
    }

    static String version() {
        Properties p = new Properties();
        try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // no version resource: report unknown
        }
        return p.getProperty("version", "unknown");
    }
}
