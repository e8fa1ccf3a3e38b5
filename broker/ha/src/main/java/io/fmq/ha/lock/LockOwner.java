package io.fmq.ha.lock;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * Who is (trying to be) the holder: a server name (for example its role, {@code Primary}), the
 * host it runs on and its process id. Written into the lock file with every acquisition, so an
 * operator can see who holds the lock, and read back to prove the lock is still ours.
 */
public record LockOwner(String server, String host, long pid) {

    public LockOwner {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(host, "host");
    }

    /** This process on this host, under the given server name. */
    public static LockOwner ofThisProcess(String server) {
        return new LockOwner(server, localHostName(), ProcessHandle.current().pid());
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            // the name is only for display; a machine without a resolvable name can still hold the lock
            return "unknown-host";
        }
    }

    @Override
    public String toString() {
        return server + " on " + host + " (pid " + pid + ")";
    }
}
