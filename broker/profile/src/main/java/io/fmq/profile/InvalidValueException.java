package io.fmq.profile;

/** A value that does not fit its key's type; carries the name of the rule it breaks. */
public final class InvalidValueException extends IllegalArgumentException {
    private final String rule;

    public InvalidValueException(String rule, String message) {
        super(message);
        this.rule = rule;
    }

    public String rule() {
        return rule;
    }
}
