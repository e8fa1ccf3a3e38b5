package io.fmq.ha.gateway;

import java.util.Objects;

/**
 * The outcome of one gateway probe, with a reason a person can read in the log ("connected",
 * "connection refused, so the host answered", "no answer within 10000 ms", ...).
 */
public record GatewayStatus(boolean reachable, String reason) {

    public GatewayStatus {
        Objects.requireNonNull(reason, "reason");
    }

    public static GatewayStatus reachable(String reason) {
        return new GatewayStatus(true, reason);
    }

    public static GatewayStatus unreachable(String reason) {
        return new GatewayStatus(false, reason);
    }

    @Override
    public String toString() {
        return (reachable ? "reachable: " : "unreachable: ") + reason;
    }
}
