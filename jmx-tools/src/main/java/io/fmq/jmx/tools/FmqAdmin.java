package io.fmq.jmx.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;

/**
 * Entry point of the JMX tools: {@code fmq-admin COMMAND [options] [arguments]} where COMMAND is
 * {@code status}, {@code shutdown}, {@code list}, {@code get}, {@code set} or {@code invoke}
 * ({@code server-status.sh} and {@code shutdown-fmq.sh} call the first two). Every failure is one
 * sentence on standard error and an exit status from {@link ExitCodes}; no stack traces.
 */
public final class FmqAdmin {
    private FmqAdmin() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println(AttributeCommands.USAGE);
            return ExitCodes.USAGE;
        }
        String command = args[0];
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            switch (command) {
                case "status":
                    return StatusCommand.run(Options.parse(rest, env, StatusCommand.USAGE), out, err);
                case "shutdown":
                    return ShutdownCommand.run(Options.parse(rest, env, ShutdownCommand.USAGE), out);
                case "list":
                case "get":
                case "set":
                case "invoke":
                    return remote(command, Options.parse(rest, env, AttributeCommands.USAGE), out);
                default:
                    err.println("unknown command '" + command + "'.");
                    err.println(AttributeCommands.USAGE);
                    return ExitCodes.USAGE;
            }
        } catch (ToolException e) {
            err.println(e.getMessage());
            return e.exitCode();
        }
    }

    private static int remote(String command, Options options, PrintStream out) throws ToolException {
        try (JmxSession session = JmxSession.open(options.host(), options.rmiPort(), options.user(), options.password())) {
            switch (command) {
                case "list": return AttributeCommands.list(session.connection(), options.positional(), out);
                case "get": return AttributeCommands.get(session.connection(), options.positional(), out);
                case "set": return AttributeCommands.set(session.connection(), options.positional(), out);
                default: return AttributeCommands.invoke(session.connection(), options.positional(), out);
            }
        } catch (SecurityException e) {
            throw new ToolException(ExitCodes.ACCESS_DENIED, e.getMessage() + ". Use an account with readwrite access.");
        } catch (IOException e) {
            throw new ToolException(ExitCodes.UNREACHABLE, "The connection to " + options.host() + ":" + options.rmiPort()
                    + " broke: " + e.getMessage());
        }
    }
}
