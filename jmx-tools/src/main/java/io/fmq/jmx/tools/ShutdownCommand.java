package io.fmq.jmx.tools;

import io.fmq.management.ObjectNames;
import io.fmq.management.ServerMXBean;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import javax.management.JMX;

/**
 * {@code shutdown-fmq.sh}: asks a server to stop through its {@code shutdown} operation, then waits
 * (at most {@code -timeout} seconds) until its RMI port is closed, which the server does last, after
 * closing its store and client port.
 */
final class ShutdownCommand {
    static final String USAGE = "usage: shutdown-fmq.sh -rmiPort PORT [-host HOST] [-user USER -password PASSWORD] [-timeout SECONDS]";

    private ShutdownCommand() {
    }

    static int run(Options options, PrintStream out) throws ToolException {
        if (!options.positional().isEmpty()) {
            throw new ToolException(ExitCodes.USAGE, "unexpected argument '" + options.positional().get(0) + "'.\n" + USAGE);
        }
        String profile;
        long pid;
        try (JmxSession session = JmxSession.open(options.host(), options.rmiPort(), options.user(), options.password())) {
            ServerMXBean server = JMX.newMXBeanProxy(session.connection(), ObjectNames.SERVER, ServerMXBean.class);
            profile = server.getProfileName();
            pid = server.getProcessId();
            try {
                server.shutdown();
            } catch (SecurityException e) {
                throw new ToolException(ExitCodes.ACCESS_DENIED, e.getMessage() + ". Use an account with readwrite access.");
            }
        }
        out.println("Shutdown requested: server " + profile + " (pid " + pid + ") at " + options.host() + ":" + options.rmiPort());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.timeoutSeconds());
        while (portOpen(options.host(), options.rmiPort())) {
            if (System.nanoTime() - deadline > 0) {
                throw new ToolException(ExitCodes.FAILED, "The server " + profile + " (pid " + pid + ") has not stopped within "
                        + options.timeoutSeconds() + " s; see its log, or stop the process with: kill " + pid);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ToolException(ExitCodes.FAILED, "Interrupted while waiting for the server to stop.");
            }
        }
        out.println("Server " + profile + " stopped.");
        return ExitCodes.OK;
    }

    private static boolean portOpen(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
