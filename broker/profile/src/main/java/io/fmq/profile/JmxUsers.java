package io.fmq.profile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The JMX accounts of a profile, kept in {@code conf/jmx-users.properties}.
 *
 * <p>File format, one account per line ({@code #} starts a comment):
 * <pre>
 *   NAME=ACCESS:pbkdf2-sha256:ITERATIONS:SALT:HASH
 * </pre>
 * where ACCESS is {@code readonly} or {@code readwrite}, SALT and HASH are Base64 and HASH is
 * PBKDF2-HMAC-SHA256 of the password (256 bits). Passwords are never stored in clear; use
 * {@code bin/jmx-users.sh} to add an account or change a password.
 */
public final class JmxUsers {
    public static final String FILE_NAME = "jmx-users.properties";
    private static final String ALGORITHM = "pbkdf2-sha256";
    private static final int ITERATIONS = 65_536;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What an account may do over JMX. */
    public enum Access {
        /** Read attributes, list MBeans, receive notifications, invoke informational operations. */
        READONLY,
        /** Everything, including setting attributes and operations such as {@code shutdown}. */
        READWRITE;

        public String configValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One account: its name, access and stored password hash. */
    public record User(String name, Access access, String passwordHash) {
    }

    private final Path file;
    private final List<String> lines;
    private final Map<String, User> users;

    private JmxUsers(Path file, List<String> lines, Map<String, User> users) {
        this.file = file;
        this.lines = List.copyOf(lines);
        this.users = users;
    }

    /** The users file of a profile folder. */
    public static Path fileOf(Path profileFolder) {
        return profileFolder.resolve("conf").resolve(FILE_NAME);
    }

    /**
     * Reads a users file. A missing file gives no accounts (so every JMX request is refused);
     * a malformed line is an {@link IOException} naming file and line.
     */
    public static JmxUsers read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return new JmxUsers(file, List.of(), new LinkedHashMap<>());
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        Map<String, User> users = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            User u = parse(line).orElseThrow(() -> new IOException(file + ", line " + (lineNumber(lines, line))
                    + ": expected NAME=readonly|readwrite:pbkdf2-sha256:ITERATIONS:SALT:HASH; set the account again with "
                    + "bin/jmx-users.sh"));
            users.put(u.name(), u);
        }
        return new JmxUsers(file, lines, users);
    }

    private static int lineNumber(List<String> lines, String trimmed) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).trim().equals(trimmed)) {
                return i + 1;
            }
        }
        return 0;
    }

    private static Optional<User> parse(String line) {
        int eq = line.indexOf('=');
        if (eq <= 0) {
            return Optional.empty();
        }
        String name = line.substring(0, eq).trim();
        String rest = line.substring(eq + 1).trim();
        int colon = rest.indexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        Access access;
        try {
            access = Access.valueOf(rest.substring(0, colon).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        String hash = rest.substring(colon + 1);
        String[] parts = hash.split(":");
        if (parts.length != 4 || !parts[0].equals(ALGORITHM)) {
            return Optional.empty();
        }
        try {
            Integer.parseInt(parts[1]);
            Base64.getDecoder().decode(parts[2]);
            Base64.getDecoder().decode(parts[3]);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.of(new User(name, access, hash));
    }

    public Path file() {
        return file;
    }

    public List<User> users() {
        return List.copyOf(users.values());
    }

    /** The access of the account when the password is right; empty for an unknown user or a wrong password. */
    public Optional<Access> authenticate(String name, char[] password) {
        User u = users.get(name);
        if (u == null) {
            // Spend the same time as a real check, so that response times do not reveal which names exist.
            verify(password, ALGORITHM + ":" + ITERATIONS + ":AAAAAAAAAAAAAAAAAAAAAA==:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
            return Optional.empty();
        }
        return verify(password, u.passwordHash()) ? Optional.of(u.access()) : Optional.empty();
    }

    /** A copy with the account added or its access and password replaced (its line is rewritten in place). */
    public JmxUsers withUser(String name, Access access, char[] password) {
        if (name.isEmpty() || !name.matches("[A-Za-z0-9_.@-]+")) {
            throw new IllegalArgumentException("user name '" + name + "' may only use letters, digits and _ . @ -");
        }
        User u = new User(name, access, hash(password));
        String line = name + "=" + access.configValue() + ":" + u.passwordHash();
        List<String> edited = new ArrayList<>(lines);
        boolean replaced = false;
        for (int i = 0; i < edited.size(); i++) {
            String t = edited.get(i).trim();
            if (!t.startsWith("#") && t.startsWith(name + "=")) {
                edited.set(i, line);
                replaced = true;
                break;
            }
        }
        if (!replaced) {
            edited.add(line);
        }
        Map<String, User> copy = new LinkedHashMap<>(users);
        copy.put(name, u);
        return new JmxUsers(file, edited, copy);
    }

    /** A copy without the account. */
    public JmxUsers withoutUser(String name) {
        List<String> edited = new ArrayList<>(lines);
        edited.removeIf(l -> !l.trim().startsWith("#") && l.trim().startsWith(name + "="));
        Map<String, User> copy = new LinkedHashMap<>(users);
        copy.remove(name);
        return new JmxUsers(file, edited, copy);
    }

    /** Writes the file atomically, readable and writable by its owner only. */
    public void save() throws IOException {
        AtomicFiles.write(file, (String.join("\n", lines) + (lines.isEmpty() ? "" : "\n")).getBytes(StandardCharsets.UTF_8),
                PosixFilePermissions.fromString("rw-------"));
    }

    /** A salted PBKDF2 hash of a password, in the file's {@code pbkdf2-sha256:ITERATIONS:SALT:HASH} form. */
    public static String hash(char[] password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        byte[] derived = derive(password, salt, ITERATIONS);
        return ALGORITHM + ":" + ITERATIONS + ":" + Base64.getEncoder().encodeToString(salt) + ":"
                + Base64.getEncoder().encodeToString(derived);
    }

    /** Whether a password matches a stored hash (constant-time comparison). */
    public static boolean verify(char[] password, String stored) {
        String[] parts = stored.split(":");
        if (parts.length != 4 || !parts[0].equals(ALGORITHM)) {
            return false;
        }
        byte[] salt = Base64.getDecoder().decode(parts[2]);
        byte[] expected = Base64.getDecoder().decode(parts[3]);
        byte[] actual = derive(password, salt, Integer.parseInt(parts[1]));
        return MessageDigest.isEqual(expected, actual);
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, 256);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing from this Java runtime", e);
        } finally {
            spec.clearPassword();
        }
    }
}
