package io.fmq.protocol;

/**
 * A destination as the protocol names it: its kind and its name. Temporary destinations have names the
 * server gives them.
 */
public record Dest(Kind kind, String name) {
    public enum Kind {
        QUEUE(1), TOPIC(2), TEMP_QUEUE(3), TEMP_TOPIC(4);

        final byte code;

        Kind(int code) {
            this.code = (byte) code;
        }

        static Kind of(byte code) {
            for (Kind k : values()) {
                if (k.code == code) {
                    return k;
                }
            }
            throw new ProtocolException("unknown destination kind " + code);
        }

        public boolean isQueue() {
            return this == QUEUE || this == TEMP_QUEUE;
        }

        public boolean isTemporary() {
            return this == TEMP_QUEUE || this == TEMP_TOPIC;
        }
    }

    public Dest {
        if (kind == null || name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a destination needs a kind and a name");
        }
    }

    public static Dest queue(String name) {
        return new Dest(Kind.QUEUE, name);
    }

    public static Dest topic(String name) {
        return new Dest(Kind.TOPIC, name);
    }

    public boolean isQueue() {
        return kind.isQueue();
    }

    @Override
    public String toString() {
        return (isQueue() ? "queue " : "topic ") + name;
    }
}
