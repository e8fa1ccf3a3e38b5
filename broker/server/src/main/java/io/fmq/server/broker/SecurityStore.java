package io.fmq.server.broker;

import io.fmq.profile.JmxUsers;
import java.util.HashMap;
import java.util.Map;

/**
 * Messaging users (name → salted password hash) and the access rules (groups and grants). Changed on the broker's
 * thread only. The users are also published as an immutable copy, so a login is checked on the connection's own
 * thread: hashing a password is slow and must not hold up the broker's thread.
 */
final class SecurityStore {
    final AccessRules access = new AccessRules();
    /** Broker's thread only. */
    private final Map<String, String> users = new HashMap<>();
    /** The users as of the last change, for logins on other threads. */
    private volatile Map<String, String> published = Map.of();

    Map<String, String> users() {
        return published;
    }

    boolean hasUsers() {
        return !users.isEmpty();
    }

    void putUser(String name, String hash) {
        users.put(name, hash);
        published = Map.copyOf(users);
    }

    void removeUser(String name) {
        users.remove(name);
        published = Map.copyOf(users);
    }

    /** Whether the password is the user's (any thread). */
    boolean authenticate(String user, String password) {
        String hash = published.get(user);
        return hash != null && JmxUsers.verify(password.toCharArray(), hash);
    }
}
