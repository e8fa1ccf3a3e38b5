package io.fmq.server.broker;

import io.fmq.profile.JmxUsers;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Messaging users (name → salted password hash) and the access rules (groups and grants). Changed on the broker's
 * thread only. The users are also published as an immutable copy, so a login is checked on the connection's own
 * thread: hashing a password is slow and must not hold up the broker's thread.
 *
 * <p>A successful login is remembered ({@link #verified}: per user, the stored hash it was checked against and an
 * HMAC of the password under a random key that lives only in this process's memory), so the next login of the
 * same user with the same password costs a microsecond instead of a full PBKDF2 derivation; a changed or removed
 * user, or any other password, takes the slow path again. Refused logins are never remembered: guessing stays as slow
 * as the hash makes it. At most one entry per user.
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
        verified.remove(name);
    }

    void removeUser(String name) {
        users.remove(name);
        published = Map.copyOf(users);
        verified.remove(name);
    }

    /**
     * Whether the password is the user's, by the full (slow) hash check; a success is remembered for
     * {@link #knownLogin}, which callers try first (any thread).
     */
    boolean authenticate(String user, String password) {
        String hash = published.get(user);
        if (hash == null || !JmxUsers.verify(password.toCharArray(), hash)) {
            return false;
        }
        verified.put(user, new Verified(hash, mac(password)));
        return true;
    }

    /** Whether this user logged in with this password before and is unchanged since (any thread; fast). */
    boolean knownLogin(String user, String password) {
        String hash = published.get(user);
        Verified v = hash == null ? null : verified.get(user);
        return v != null && v.hash.equals(hash) && MessageDigest.isEqual(v.mac, mac(password));
    }

    /** A password checked against the stored hash {@code hash}, as an HMAC under {@link #macKey}. */
    private record Verified(String hash, byte[] mac) {
    }

    /** Logins verified lately, per user (written by the threads that check logins; entries replaced, never edited). */
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();
    /** A key of this process only (never stored), under which remembered passwords are kept as HMACs. */
    private final SecretKeySpec macKey = newMacKey();

    private static SecretKeySpec newMacKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return new SecretKeySpec(key, "HmacSHA256");
    }

    private byte[] mac(String password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(macKey);
            return mac.doFinal(password.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this Java runtime", e);
        }
    }
}
