package io.fmq.profile;

import java.util.Locale;

/** How a server protects its data: alone, as a replicated pair, or as a pair on one shared store. */
public enum HaMode {
    NONE, REPLICATED, SHARED;

    /** The spelling used in Config.cfg ({@code none}, {@code replicated}, {@code shared}). */
    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isHa() {
        return this != NONE;
    }
}
