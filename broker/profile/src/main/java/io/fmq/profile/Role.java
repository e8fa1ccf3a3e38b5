package io.fmq.profile;

import java.util.Locale;

/** Which side of an HA pair a profile describes ({@code isPrimary}); a standalone server counts as primary. */
public enum Role {
    PRIMARY, SECONDARY;

    /** "Primary" or "Secondary", as the server prints it in {@code Primary Server switched to ...}. */
    public String displayName() {
        String lower = name().toLowerCase(Locale.ROOT);
        return Character.toUpperCase(lower.charAt(0)) + lower.substring(1);
    }
}
