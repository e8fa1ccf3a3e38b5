package io.fmq.profile;

import java.nio.file.Path;

/**
 * One finding of profile validation: what is wrong, where (file, line, key, value) and which rule it breaks.
 *
 * @param line 1-based line of the key in the file, or 0 when the key is not set there (its default applies)
 * @param key  the key as written, or empty for a problem with the file as a whole
 * @param rule a short stable name of the rule, e.g. {@code port-range}; the tests and the Studio key on it
 */
public record Problem(Severity severity, Path file, int line, String key, String value, String rule, String message) {

    public enum Severity { ERROR, WARNING }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** One line for a console: {@code error: FILE, line N, KEY=VALUE: MESSAGE [rule]}. */
    public String format() {
        StringBuilder sb = new StringBuilder(severity == Severity.ERROR ? "error: " : "warning: ");
        sb.append(file);
        if (!key.isEmpty()) {
            sb.append(line > 0 ? ", line " + line : ", not set (default)");
            sb.append(", ").append(key).append('=').append(value);
        }
        sb.append(": ").append(message).append(" [").append(rule).append(']');
        return sb.toString();
    }
}
