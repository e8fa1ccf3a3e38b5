package io.fmq.ha.gateway;

/**
 * Checks whether this server can reach the gateway machine (the third machine that also hosts the
 * lock file). A server that cannot reach it is presumed cut off from the network and must not
 * become or stay active.
 */
public interface GatewayProbe {

    /** Probes once; blocks for at most the probe's timeout (plus name resolution). Never throws. */
    GatewayStatus probe();

    /** Shorthand for {@code probe().reachable()}. */
    default boolean reachable() {
        return probe().reachable();
    }
}
