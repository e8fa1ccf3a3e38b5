package io.fmq.server.broker;

import io.fmq.protocol.Dest;
import io.fmq.protocol.ErrorCode;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Who may do what with which destination: groups of users, and grants of permissions to a user, a group
 * ({@code group:NAME}) or every authenticated user ({@code *}) on a destination pattern
 * ({@code queue:orders}, {@code topic:prices.*}, {@code queue:*}, or {@code *} for all). Without a grant an
 * operation is denied. Temporary destinations are always usable by the connection that owns them.
 * Not thread-safe: used under the broker's lock.
 */
final class AccessRules {
    /** What a grant allows. */
    enum Permission { SEND, RECEIVE, BROWSE, ADMIN }

    private final Map<String, Set<String>> groups = new TreeMap<>();
    /** principal → destination pattern → permissions. */
    private final Map<String, Map<String, EnumSet<Permission>>> grants = new TreeMap<>();

    boolean hasGrants() {
        return !grants.isEmpty();
    }

    void setGroup(String group, Set<String> members) {
        if (members.isEmpty()) {
            groups.remove(group);
        } else {
            groups.put(group, new TreeSet<>(members));
        }
    }

    Set<String> group(String group) {
        return groups.getOrDefault(group, Set.of());
    }

    Map<String, Set<String>> groups() {
        return groups;
    }

    void grant(String principal, String pattern, EnumSet<Permission> permissions) {
        if (permissions.isEmpty()) {
            Map<String, EnumSet<Permission>> m = grants.get(principal);
            if (m != null) {
                m.remove(pattern);
                if (m.isEmpty()) {
                    grants.remove(principal);
                }
            }
            return;
        }
        grants.computeIfAbsent(principal, p -> new LinkedHashMap<>()).put(pattern, EnumSet.copyOf(permissions));
    }

    List<String> describe() {
        List<String> lines = new ArrayList<>();
        grants.forEach((principal, m) -> m.forEach((pattern, perms) -> lines.add(principal + " " + pattern + " "
                + perms.toString().toLowerCase(Locale.ROOT).replace("[", "").replace("]", "").replace(" ", ""))));
        return lines;
    }

    /** Throws when the user may not do {@code what} on {@code d}. */
    void check(String user, Permission what, Dest d) throws BrokerException {
        if (d.kind().isTemporary() || allows(user, what, d)) {
            return;
        }
        throw new BrokerException(ErrorCode.SECURITY, "User '" + user + "' may not " + what.name().toLowerCase(Locale.ROOT)
                + (what == Permission.SEND ? " to " : what == Permission.RECEIVE ? " from " : " ") + d
                + ": no " + what + " grant covers it (an administrator grants it over JMX)");
    }

    boolean allows(String user, Permission what, Dest d) {
        List<String> principals = new ArrayList<>();
        principals.add(user);
        principals.add("*");
        groups.forEach((g, members) -> {
            if (members.contains(user)) {
                principals.add("group:" + g);
            }
        });
        String full = (d.isQueue() ? "queue:" : "topic:") + d.name();
        for (String p : principals) {
            Map<String, EnumSet<Permission>> m = grants.get(p);
            if (m == null) {
                continue;
            }
            for (Map.Entry<String, EnumSet<Permission>> e : m.entrySet()) {
                if (matches(e.getKey(), full) && (e.getValue().contains(what) || e.getValue().contains(Permission.ADMIN))) {
                    return true;
                }
            }
        }
        return false;
    }

    static boolean matches(String pattern, String full) {
        if (pattern.equals("*")) {
            return true;
        }
        if (pattern.endsWith("*")) {
            return full.startsWith(pattern.substring(0, pattern.length() - 1));
        }
        return pattern.equals(full);
    }

    /** Parses "send,receive" (or "all"); throws IllegalArgumentException naming a wrong word. */
    static EnumSet<Permission> parse(String text) {
        EnumSet<Permission> set = EnumSet.noneOf(Permission.class);
        for (String word : text.split("[,\\s]+")) {
            if (word.isEmpty()) {
                continue;
            }
            if (word.equalsIgnoreCase("all")) {
                return EnumSet.allOf(Permission.class);
            }
            try {
                set.add(Permission.valueOf(word.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + word + "' is not a permission: use send, receive, browse, admin or all");
            }
        }
        return set;
    }

    /** Checks a destination pattern's form. */
    static void checkPattern(String pattern) {
        if (!pattern.equals("*") && !pattern.matches("(queue|topic):[^\\s]+")) {
            throw new IllegalArgumentException("'" + pattern + "' is not a destination pattern: use queue:NAME, topic:NAME, "
                    + "a trailing * for a prefix (queue:orders.*), or * for every destination");
        }
    }
}
