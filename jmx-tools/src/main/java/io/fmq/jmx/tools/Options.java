package io.fmq.jmx.tools;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The options every tool takes: {@code -host H}, {@code -rmiPort P} (repeatable, or comma separated),
 * {@code -user U}, {@code -password P}, {@code -timeout SECONDS}, {@code --json}; the rest are positional.
 * User and password default to {@code FMQ_JMX_USER} / {@code FMQ_JMX_PASSWORD}, then to the shipped
 * account {@code admin}/{@code passwd}; host and port to {@code FMQ_JMX_HOST} / {@code FMQ_JMX_PORT},
 * then to {@code localhost}:{@code 1858}.
 */
record Options(String host, List<Integer> rmiPorts, String user, String password, int timeoutSeconds, boolean json,
               List<String> positional) {

    static final String COMMON = "[-host HOST] [-rmiPort PORT] [-user USER -password PASSWORD]";

    static Options parse(String[] args, Map<String, String> env, String usage) throws ToolException {
        String host = env.getOrDefault("FMQ_JMX_HOST", "localhost");
        List<Integer> ports = new ArrayList<>();
        String user = env.getOrDefault("FMQ_JMX_USER", "admin");
        String password = env.getOrDefault("FMQ_JMX_PASSWORD", "passwd");
        int timeout = 60;
        boolean json = false;
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-host":
                    host = value(args, ++i, a, usage);
                    break;
                case "-rmiPort":
                    for (String p : value(args, ++i, a, usage).split(",")) {
                        ports.add(port(p.trim(), usage));
                    }
                    break;
                case "-user":
                    user = value(args, ++i, a, usage);
                    break;
                case "-password":
                    password = value(args, ++i, a, usage);
                    break;
                case "-timeout":
                    try {
                        timeout = Integer.parseInt(value(args, ++i, a, usage));
                    } catch (NumberFormatException e) {
                        throw new ToolException(ExitCodes.USAGE, "-timeout needs a number of seconds.\n" + usage);
                    }
                    if (timeout <= 0) {
                        throw new ToolException(ExitCodes.USAGE, "-timeout must be more than 0 seconds.\n" + usage);
                    }
                    break;
                case "--json":
                case "-json":
                    json = true;
                    break;
                case "-h":
                case "-help":
                case "--help":
                    throw new ToolException(ExitCodes.USAGE, usage);
                default:
                    if (a.startsWith("-") && a.length() > 1 && !isNumber(a)) {
                        throw new ToolException(ExitCodes.USAGE, "unknown option '" + a + "'.\n" + usage);
                    }
                    positional.add(a);
            }
        }
        if (ports.isEmpty()) {
            ports.add(port(env.getOrDefault("FMQ_JMX_PORT", "1858"), usage));
        }
        return new Options(host, List.copyOf(ports), user, password, timeout, json, List.copyOf(positional));
    }

    int rmiPort() {
        return rmiPorts.get(0);
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static int port(String text, String usage) throws ToolException {
        try {
            int p = Integer.parseInt(text);
            if (p >= 1 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ToolException(ExitCodes.USAGE, "-rmiPort '" + text + "' is not a port number (1-65535).\n" + usage);
    }

    private static String value(String[] args, int i, String option, String usage) throws ToolException {
        if (i >= args.length) {
            throw new ToolException(ExitCodes.USAGE, option + " needs a value.\n" + usage);
        }
        return args[i];
    }
}
