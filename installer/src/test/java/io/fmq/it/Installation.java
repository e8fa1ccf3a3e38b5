package io.fmq.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmq.profile.ConfigDocument;
import io.fmq.profile.ConfigKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private copy of the built distribution (installer/target/fmq) in a folder whose path contains a
 * space, with helpers to run its scripts as a user would (from another current directory) and to give
 * a profile free ports. Every process started is bounded in time; {@link #killServers()} removes any
 * server a failed test left behind.
 */
final class Installation {
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(90);

    final Path home;
    final Path workDir;

    private Installation(Path home, Path workDir) {
        this.home = home;
        this.workDir = workDir;
    }

    /** Copies the distribution into {@code parent/"fmq home"}. */
    static Installation copy(Path parent) throws IOException {
        Path dist = Path.of(System.getProperty("fmq.dist", "target/fmq"));
        assertThat(dist.resolve("bin/fmq.sh")).as("the distribution is built before the integration tests").exists();
        Path home = parent.resolve("fmq home");
        try (Stream<Path> s = Files.walk(dist)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String relative = dist.relativize(p).toString().replace('\\', '/');
                if (relative.startsWith("profiles/") && relative.matches(".*/(run|logs)(/.*)?|.*/server\\.pid|.*/lock\\.dat")) {
                    continue; // state a developer's own runs left in the built distribution
                }
                Path target = home.resolve(relative);
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        Path work = Files.createDirectories(parent.resolve("elsewhere"));
        return new Installation(home, work);
    }

    Path profile(String name) {
        return home.resolve("profiles").resolve(name);
    }

    /** Sets keys of a profile's Config.cfg through the profile library (in place, as the Studio does). */
    void configure(String profile, Map<ConfigKey, String> values) throws IOException {
        ConfigDocument doc = ConfigDocument.read(profile(profile).resolve("conf/Config.cfg"));
        for (Map.Entry<ConfigKey, String> e : values.entrySet()) {
            doc = doc.with(e.getKey(), e.getValue());
        }
        doc.save();
    }

    /** Gives a profile free client, RMI and HA ports; returns {@code [client, rmi, ha]}. */
    int[] useFreePorts(String profile) throws IOException {
        int[] ports = freePorts(3);
        configure(profile, Map.of(ConfigKey.SERVER_PORT, Integer.toString(ports[0]),
                ConfigKey.RMI_SERVER_PORT, Integer.toString(ports[1]), ConfigKey.PORT, Integer.toString(ports[2])));
        return ports;
    }

    /** Runs {@code bin/SCRIPT ARGS...} from a current directory outside the installation. */
    Result run(String script, String... args) {
        return run(Map.of(), null, script, args);
    }

    Result run(Map<String, String> env, String stdin, String script, String... args) {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin").resolve(script).toString());
        command.addAll(Arrays.asList(args));
        return exec(command, env, stdin, workDir);
    }

    static Result exec(List<String> command, Map<String, String> env, String stdin, Path dir) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().remove("FMQ_JMX_USER");
        pb.environment().remove("FMQ_JMX_PASSWORD");
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Thread reader = new Thread(() -> copy(p.getInputStream(), out), "output-reader");
            reader.start();
            if (!p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError("command did not finish within " + COMMAND_TIMEOUT + ": " + command);
            }
            reader.join(TimeUnit.SECONDS.toMillis(10));
            return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Starts {@code bin/fmq.sh ARGS... -nobackground} as a child process (for signal tests). */
    Process startForeground(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/fmq.sh").toString());
        command.addAll(Arrays.asList(args));
        command.add("-nobackground");
        return new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(workDir.resolve("foreground-" + System.nanoTime() + ".out").toFile()).start();
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try {
            in.transferTo(out);
        } catch (IOException e) {
            // the process ended
        }
    }

    /** The pid a running server wrote into its profile's lock file, or -1. */
    long serverPid(String profile) {
        Path lock = profile(profile).resolve("server.pid");
        if (!Files.exists(lock)) {
            return -1;
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(lock)) {
            p.load(in);
        } catch (IOException e) {
            return -1;
        }
        return Long.parseLong(p.getProperty("pid", "-1"));
    }

    /** Kills (SIGKILL) every server process started from this installation. */
    void killServers() throws IOException {
        try (Stream<Path> s = Files.walk(home.resolve("profiles"))) {
            s.filter(p -> p.getFileName().toString().equals("server.pid")).forEach(lock -> {
                String name = home.resolve("profiles").relativize(lock.getParent()).toString();
                long pid = serverPid(name);
                if (pid > 0) {
                    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                }
            });
        }
    }

    static int[] freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket s = new ServerSocket();
                s.setReuseAddress(false);
                s.bind(new InetSocketAddress(0));
                sockets.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
    }

    /** Whether something listens on a local port. */
    static boolean listening(int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new InetSocketAddress("localhost", port), 1000);
            // a connect to a free port in the ephemeral range can meet itself (TCP simultaneous open): not a listener
            return s.getLocalPort() != port;
        } catch (IOException e) {
            return false;
        }
    }

    static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    /** Exit status and combined output of a command. */
    record Result(int exitCode, String output) {
        @Override
        public String toString() {
            return "exit " + exitCode + ":\n" + output;
        }
    }
}
