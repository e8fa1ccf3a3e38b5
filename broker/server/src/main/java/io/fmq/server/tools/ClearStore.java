package io.fmq.server.tools;

import io.fmq.profile.StoreFolder;
import io.fmq.server.InstanceLock;
import io.fmq.server.ProfileLocator;
import io.fmq.server.StartupException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code clearDB.sh NAME [-dbPath DIR]}: empties a profile's data store (its {@code run/} folder, or
 * DIR). Refuses while a server runs on the profile or the store, and holds the store's lock while it
 * deletes, so a server cannot start on a half-cleared store.
 */
public final class ClearStore {
    static final String USAGE = "usage: clearDB.sh PROFILE [-dbPath DIR]";

    private ClearStore() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getProperty("fmq.home", "."), System.out, System.err));
    }

    static int run(String[] args, String home, PrintStream out, PrintStream err) {
        String name = null;
        Path dbPath = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("-dbPath") && i + 1 < args.length) {
                dbPath = Path.of(args[++i]).toAbsolutePath().normalize();
            } else if (args[i].equals("-profile") && i + 1 < args.length) {
                name = args[++i];
            } else if (!args[i].startsWith("-") && name == null) {
                name = args[i];
            } else {
                err.println("unexpected argument '" + args[i] + "'.");
                err.println(USAGE);
                return StartupException.USAGE;
            }
        }
        if (name == null) {
            err.println(USAGE);
            return StartupException.USAGE;
        }
        try {
            Path folder = new ProfileLocator(Path.of(home).resolve("profiles")).locate(name);
            Path store = dbPath != null ? dbPath : folder.resolve("run");
            Path profileLock = folder.resolve("server.pid");
            if (InstanceLock.isHeld(profileLock)) {
                return refuse(err, "profile " + name, InstanceLock.readOwner(profileLock));
            }
            if (!Files.isDirectory(store)) {
                out.println("The data store " + store + " does not exist: nothing to clear.");
                return 0;
            }
            int removed;
            try {
                removed = StoreFolder.clear(store);
            } catch (StoreFolder.InUseException e) {
                return refuse(err, "data store " + store, e.owner());
            }
            out.println("Cleared the data store of profile " + name + ": " + store + " (" + removed + " files removed).");
            return 0;
        } catch (StartupException e) {
            err.println(e.getMessage());
            return e.exitCode();
        } catch (IOException e) {
            err.println("Cannot clear the data store: " + e.getMessage() + ". Check the folder's permissions.");
            return StartupException.FAILED;
        }
    }

    private static int refuse(PrintStream err, String what, Map<String, String> owner) {
        String rmi = owner.get("rmiPort");
        err.println("A server is running on the " + what + (owner.containsKey("pid") ? " (pid " + owner.get("pid")
                + (rmi != null ? ", RMI port " + rmi : "") + ")" : "") + "; its store was not cleared. Stop it first"
                + (rmi != null ? " with: shutdown-fmq.sh -rmiPort " + rmi : "") + ".");
        return StartupException.ALREADY_RUNNING;
    }
}
