package io.fmq.profile;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a {@link ConfigDocument} into a typed {@link Profile}, checking every rule and collecting all
 * problems into one report (it never stops at the first).
 *
 * <p>Rules, each named in the report:
 * <ul>
 *   <li>{@code duplicate-key}: a key (or its alias) set twice;</li>
 *   <li>{@code unknown-key} (warning): a key the product does not know, with the nearest known key;</li>
 *   <li>{@code number}, {@code boolean}, {@code host}, {@code ha-mode}, {@code positive-duration},
 *       {@code port-range}: a value that does not fit its key's type;</li>
 *   <li>{@code distinct-ports}: this server's own ports (client, RMI and, for HA, the HA port) must differ;</li>
 *   <li>{@code peer-ports}: the peer's ports must differ, and when the peer is on this machine they must not
 *       collide with this server's;</li>
 *   <li>{@code passive-lock-interval}: PassiveLockAcquisitionInterval must be at least
 *       2 × ActiveLockReAcquisitionInterval (the guide says "greater than", but its own defaults, 60000 and
 *       30000, are exactly twice and must boot, so equality is allowed);</li>
 *   <li>{@code active-lock-interval} (warning): ActiveLockReAcquisitionInterval is rounded up to a multiple of
 *       PingInterval/2;</li>
 *   <li>{@code lock-file-required}: an HA profile must name a lock file;</li>
 *   <li>{@code ha-client-settings} (warning): HA needs AllowDurableConnections, PingEnabled and
 *       EnableAutoRevalidation.</li>
 * </ul>
 * The interval and lock rules only apply to HA profiles, whose HA keys are in use.
 */
public final class ProfileBinder {
    /** Keys a Config.cfg may carry that configure nothing (the guide's files start with {@code ObjectName=Container}). */
    private static final Set<String> IGNORED_KEYS = Set.of("ObjectName");

    private ProfileBinder() {
    }

    /** The outcome of binding: a profile when there is no error, and the report in every case. */
    public record Binding(Optional<Profile> profile, ValidationReport report) {
    }

    public static Binding bind(String name, Path folder, Path profilesRoot, ConfigDocument document) {
        Checker c = new Checker(document);
        c.checkKeys();
        Role role = c.role();
        EnumMap<ConfigKey, Object> values = new EnumMap<>(ConfigKey.class);
        for (ConfigKey key : ConfigKey.values()) {
            Object v = c.parse(key, role);
            if (v != null) {
                values.put(key, v);
            }
        }
        HaMode mode = (HaMode) values.getOrDefault(ConfigKey.HA_MODE, HaMode.NONE);
        c.checkPorts(values, mode);
        if (mode.isHa()) {
            c.checkIntervals(values);
            c.checkHaSwitches(values);
            c.checkLockFile(values);
        }
        Object lock = values.get(ConfigKey.LOCK_FILE);
        if (lock instanceof String && !((String) lock).isEmpty()) {
            values.put(ConfigKey.LOCK_FILE, profilesRoot.resolve((String) lock).normalize().toString());
        }
        ValidationReport report = new ValidationReport(c.problems);
        if (report.hasErrors()) {
            return new Binding(Optional.empty(), report);
        }
        return new Binding(Optional.of(assemble(name, folder, profilesRoot, values, c.explicit)), report);
    }

    private static Profile assemble(String name, Path folder, Path root, Map<ConfigKey, Object> v, Set<ConfigKey> explicit) {
        String lock = (String) v.get(ConfigKey.LOCK_FILE);
        Profile.HaCommon haCommon = new Profile.HaCommon(
                str(v, ConfigKey.BACKUP_SERVER_IP), num(v, ConfigKey.BACKUP_SERVER_PORT), num(v, ConfigKey.BACKUP_HA_PORT),
                str(v, ConfigKey.BACKUP_HA_IP_ADDRESS), num(v, ConfigKey.PORT), dur(v, ConfigKey.PING_INTERVAL),
                lock.isEmpty() ? Optional.empty() : Optional.of(Path.of(lock)), dur(v, ConfigKey.SOCKET_CREATION_TIMEOUT),
                str(v, ConfigKey.GATEWAY_SERVER_IP_ADDRESS), num(v, ConfigKey.GATEWAY_SERVER_PORT));
        return new Profile(name, folder, root, haCommon,
                new Profile.HaConnectionManager(bool(v, ConfigKey.NAGLE_ALGO), dur(v, ConfigKey.SOCKET_INITIALIZATION_TIMEOUT)),
                new Profile.HaManager(bool(v, ConfigKey.IS_PRIMARY), dur(v, ConfigKey.ACTIVE_LOCK_REACQUISITION_INTERVAL),
                        dur(v, ConfigKey.PASSIVE_LOCK_ACQUISITION_INTERVAL), dur(v, ConfigKey.MAX_WAIT_TIMEOUT)),
                new Profile.HaKrpcProvider(num(v, ConfigKey.BACKUP_RMI_SERVER_PORT)),
                new Profile.RmiConnector(num(v, ConfigKey.RMI_SERVER_PORT), str(v, ConfigKey.RMI_SERVER_HOST)),
                new Profile.ConfigLoader((HaMode) v.get(ConfigKey.HA_MODE), bool(v, ConfigKey.ALLOW_DURABLE_CONNECTIONS),
                        bool(v, ConfigKey.PING_ENABLED), bool(v, ConfigKey.ENABLE_AUTO_REVALIDATION)),
                new Profile.ConnectionManager(num(v, ConfigKey.SERVER_PORT)),
                new Profile.Messaging(bool(v, ConfigKey.AUTO_CREATE_DESTINATIONS), num(v, ConfigKey.MAX_DELIVERY_ATTEMPTS),
                        num(v, ConfigKey.MEMORY_LIMIT_MB)),
                v, explicit);
    }

    private static String str(Map<ConfigKey, Object> v, ConfigKey k) {
        return (String) v.get(k);
    }

    private static int num(Map<ConfigKey, Object> v, ConfigKey k) {
        return (Integer) v.get(k);
    }

    private static boolean bool(Map<ConfigKey, Object> v, ConfigKey k) {
        return (Boolean) v.get(k);
    }

    private static Duration dur(Map<ConfigKey, Object> v, ConfigKey k) {
        return (Duration) v.get(k);
    }

    /** Collects problems while walking one document. */
    private static final class Checker {
        final ConfigDocument doc;
        final List<Problem> problems = new ArrayList<>();
        final Map<ConfigKey, ConfigDocument.Entry> setting = new EnumMap<>(ConfigKey.class);
        final Set<ConfigKey> explicit = EnumSet.noneOf(ConfigKey.class);

        Checker(ConfigDocument doc) {
            this.doc = doc;
        }

        void checkKeys() {
            Map<ConfigKey, ConfigDocument.Entry> seen = new HashMap<>();
            for (ConfigDocument.Entry e : doc.entries()) {
                Optional<ConfigKey> known = ConfigKey.byName(e.key());
                if (known.isEmpty()) {
                    if (!IGNORED_KEYS.contains(e.key())) {
                        ConfigKey near = ConfigKey.nearest(e.key());
                        problem(Problem.Severity.WARNING, e, "unknown-key", "'" + e.key()
                                + "' is not a key FMQ knows and is ignored; did you mean " + near.key() + "?");
                    }
                    continue;
                }
                ConfigDocument.Entry earlier = seen.putIfAbsent(known.get(), e);
                if (earlier != null) {
                    problem(Problem.Severity.ERROR, e, "duplicate-key", known.get().key() + " is already set on line "
                            + earlier.firstLine() + " (as " + earlier.key() + "); keep only one of the two lines");
                } else {
                    setting.put(known.get(), e);
                    explicit.add(known.get());
                }
            }
        }

        Role role() {
            ConfigDocument.Entry e = setting.get(ConfigKey.IS_PRIMARY);
            if (e == null) {
                return Role.PRIMARY;
            }
            try {
                return (Boolean) ValueType.BOOLEAN.parse(e.value()) ? Role.PRIMARY : Role.SECONDARY;
            } catch (InvalidValueException ex) {
                return Role.PRIMARY; // reported by parse()
            }
        }

        Object parse(ConfigKey key, Role role) {
            ConfigDocument.Entry e = setting.get(key);
            String text = e == null ? key.defaultFor(role) : e.value();
            try {
                return key.type().parse(text);
            } catch (InvalidValueException ex) {
                problems.add(new Problem(Problem.Severity.ERROR, doc.file(), e == null ? 0 : e.firstLine(),
                        e == null ? key.key() : e.key(), text, ex.rule(), ex.getMessage() + " (" + key.key() + " expects "
                        + key.type().expected() + ")"));
                return null;
            }
        }

        void checkPorts(Map<ConfigKey, Object> values, HaMode mode) {
            Map<ConfigKey, Object> own = new LinkedHashMap<>();
            for (ConfigKey k : mode.isHa()
                    ? List.of(ConfigKey.SERVER_PORT, ConfigKey.RMI_SERVER_PORT, ConfigKey.PORT)
                    : List.of(ConfigKey.SERVER_PORT, ConfigKey.RMI_SERVER_PORT)) {
                if (values.containsKey(k)) {
                    own.put(k, values.get(k));
                }
            }
            pairwiseDistinct(own, "distinct-ports", "this server's ports must all differ");
            if (!mode.isHa()) {
                return;
            }
            Map<ConfigKey, Object> peer = new LinkedHashMap<>();
            for (ConfigKey k : List.of(ConfigKey.BACKUP_SERVER_PORT, ConfigKey.BACKUP_HA_PORT, ConfigKey.BACKUP_RMI_SERVER_PORT)) {
                if (values.containsKey(k)) {
                    peer.put(k, values.get(k));
                }
            }
            pairwiseDistinct(peer, "peer-ports", "the backup server's ports must all differ");
            Object peerHost = values.get(ConfigKey.BACKUP_HA_IP_ADDRESS);
            if (peerHost instanceof String && isLocal((String) peerHost)) {
                for (Map.Entry<ConfigKey, Object> p : peer.entrySet()) {
                    for (Map.Entry<ConfigKey, Object> o : own.entrySet()) {
                        if (p.getValue().equals(o.getValue())) {
                            problem(p.getKey(), "peer-ports", "the backup server is on this machine ("
                                    + ConfigKey.BACKUP_HA_IP_ADDRESS.key() + "=" + peerHost + ") and " + p.getKey().key()
                                    + " uses port " + p.getValue() + ", which is this server's " + o.getKey().key()
                                    + "; give the two servers different ports", Problem.Severity.ERROR);
                        }
                    }
                }
            }
        }

        private void pairwiseDistinct(Map<ConfigKey, Object> ports, String rule, String what) {
            List<Map.Entry<ConfigKey, Object>> list = new ArrayList<>(ports.entrySet());
            for (int i = 0; i < list.size(); i++) {
                for (int j = i + 1; j < list.size(); j++) {
                    if (list.get(i).getValue().equals(list.get(j).getValue())) {
                        problem(list.get(j).getKey(), rule, what + ": " + list.get(j).getKey().key() + " and "
                                + list.get(i).getKey().key() + " are both " + list.get(j).getValue(), Problem.Severity.ERROR);
                    }
                }
            }
        }

        void checkIntervals(Map<ConfigKey, Object> values) {
            Duration ping = (Duration) values.get(ConfigKey.PING_INTERVAL);
            Duration active = (Duration) values.get(ConfigKey.ACTIVE_LOCK_REACQUISITION_INTERVAL);
            Duration passive = (Duration) values.get(ConfigKey.PASSIVE_LOCK_ACQUISITION_INTERVAL);
            if (ping != null && active != null) {
                long half = Math.max(1, ping.toMillis() / 2);
                long remainder = active.toMillis() % half;
                if (remainder != 0) {
                    Duration rounded = Duration.ofMillis(active.toMillis() + half - remainder);
                    problem(ConfigKey.ACTIVE_LOCK_REACQUISITION_INTERVAL, "active-lock-interval",
                            "ActiveLockReAcquisitionInterval should be a multiple of PingInterval/2 (" + half
                                    + " ms); using " + rounded.toMillis() + " ms", Problem.Severity.WARNING);
                    active = rounded;
                    values.put(ConfigKey.ACTIVE_LOCK_REACQUISITION_INTERVAL, rounded);
                }
            }
            if (active != null && passive != null && passive.toMillis() < 2 * active.toMillis()) {
                problem(ConfigKey.PASSIVE_LOCK_ACQUISITION_INTERVAL, "passive-lock-interval",
                        "PassiveLockAcquisitionInterval (" + passive.toMillis() + " ms) must be at least twice "
                                + "ActiveLockReAcquisitionInterval (" + active.toMillis() + " ms), or both servers could "
                                + "believe they hold the lock; set it to " + 2 * active.toMillis() + " ms or more",
                        Problem.Severity.ERROR);
            }
        }

        void checkHaSwitches(Map<ConfigKey, Object> values) {
            for (ConfigKey k : List.of(ConfigKey.ALLOW_DURABLE_CONNECTIONS, ConfigKey.PING_ENABLED, ConfigKey.ENABLE_AUTO_REVALIDATION)) {
                if (Boolean.FALSE.equals(values.get(k))) {
                    problem(k, "ha-client-settings", "an HA pair needs " + k.key()
                            + "=true, or clients cannot follow a failover", Problem.Severity.WARNING);
                }
            }
        }

        void checkLockFile(Map<ConfigKey, Object> values) {
            if ("".equals(values.get(ConfigKey.LOCK_FILE))) {
                problem(ConfigKey.LOCK_FILE, "lock-file-required", "an HA profile cannot boot without a lock file: set "
                        + ConfigKey.LOCK_FILE.key() + " to a file both servers of the pair reach (on the gateway machine)",
                        Problem.Severity.ERROR);
            }
        }

        private void problem(ConfigKey key, String rule, String message, Problem.Severity severity) {
            ConfigDocument.Entry e = setting.get(key);
            if (e != null) {
                problem(severity, e, rule, message);
            } else {
                problems.add(new Problem(severity, doc.file(), 0, key.key(), key.defaultFor(role()), rule, message));
            }
        }

        private void problem(Problem.Severity severity, ConfigDocument.Entry e, String rule, String message) {
            problems.add(new Problem(severity, doc.file(), e.firstLine(), e.key(), e.value(), rule, message));
        }

        private static boolean isLocal(String host) {
            return host.equalsIgnoreCase("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("0.0.0.0");
        }
    }
}
