package io.fmq.profile;

import java.time.Duration;
import java.util.Locale;

/**
 * The type of a Config.cfg value: how its text is parsed and what a valid value looks like.
 * {@link #parse(String)} returns the typed value or throws {@link InvalidValueException} naming the rule.
 */
public enum ValueType {
    /** A TCP port, 1..65535, parsed to {@link Integer}. */
    PORT("a port number between 1 and 65535") {
        @Override
        Object parseText(String text) {
            int port = parseInteger(text);
            if (port < 1 || port > 65535) {
                throw new InvalidValueException("port-range", "port " + port + " is out of range: use a number between 1 and 65535");
            }
            return port;
        }
    },
    /** A whole number of at least 1, parsed to {@link Integer}. */
    POSITIVE_INT("a whole number of at least 1") {
        @Override
        Object parseText(String text) {
            return atLeast(text, 1, "positive-number");
        }
    },
    /** A whole number of at least 0, parsed to {@link Integer}. */
    NON_NEGATIVE_INT("a whole number of at least 0") {
        @Override
        Object parseText(String text) {
            return atLeast(text, 0, "non-negative-number");
        }
    },
    /** Milliseconds, more than zero, parsed to {@link Duration}. */
    MILLIS("a positive number of milliseconds") {
        @Override
        Object parseText(String text) {
            long millis;
            try {
                millis = Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new InvalidValueException("number", "'" + text + "' is not a whole number of milliseconds");
            }
            if (millis <= 0) {
                throw new InvalidValueException("positive-duration", "a duration must be more than 0 milliseconds, not " + millis);
            }
            return Duration.ofMillis(millis);
        }
    },
    /** {@code true}/{@code false} (also {@code yes}/{@code no}), parsed to {@link Boolean}. */
    BOOLEAN("true or false") {
        @Override
        Object parseText(String text) {
            switch (text.toLowerCase(Locale.ROOT)) {
                case "true": case "yes": return Boolean.TRUE;
                case "false": case "no": return Boolean.FALSE;
                default: throw new InvalidValueException("boolean", "'" + text + "' is not true or false");
            }
        }
    },
    /** A host name or IP address without spaces, kept as {@link String}. */
    HOST("a host name or IP address") {
        @Override
        Object parseText(String text) {
            if (text.isEmpty() || text.chars().anyMatch(Character::isWhitespace)) {
                throw new InvalidValueException("host", "'" + text + "' is not a host name or IP address");
            }
            return text;
        }
    },
    /** A file path; the word {@code null} (the shipped default) means "not set" and parses to the empty string. */
    PATH("a file path") {
        @Override
        Object parseText(String text) {
            return text.equals("null") ? "" : text;
        }
    },
    /** {@code none}, {@code replicated} or {@code shared}, parsed to {@link HaMode}. */
    HA_MODE("none, replicated or shared") {
        @Override
        Object parseText(String text) {
            for (HaMode mode : HaMode.values()) {
                if (mode.configValue().equalsIgnoreCase(text)) {
                    return mode;
                }
            }
            throw new InvalidValueException("ha-mode", "'" + text + "' is not an HA mode: use none, replicated or shared");
        }
    },
    /** Any text, kept as {@link String}. */
    TEXT("text") {
        @Override
        Object parseText(String text) {
            return text;
        }
    };

    private final String expected;

    ValueType(String expected) {
        this.expected = expected;
    }

    /** What a valid value looks like, for messages and the Studio's property sheet. */
    public String expected() {
        return expected;
    }

    /** Parses trimmed text to this type's Java value; throws {@link InvalidValueException} when it is not valid. */
    public Object parse(String text) {
        return parseText(text == null ? "" : text.trim());
    }

    abstract Object parseText(String text);

    private static int atLeast(String text, int min, String rule) {
        int n = parseInteger(text);
        if (n < min) {
            throw new InvalidValueException(rule, n + " is less than " + min);
        }
        return n;
    }

    private static int parseInteger(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new InvalidValueException("number", "'" + text + "' is not a whole number");
        }
    }
}
