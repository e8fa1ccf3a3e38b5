package io.fmq.studio.service;

/**
 * One reading of a running server's state over JMX.
 *
 * @param serverState      STARTING, RUNNING or STOPPING
 * @param profile          the profile the server runs
 * @param haMode           none, replicated or shared
 * @param role             primary, secondary or standalone
 * @param haRunning        whether the HA layer runs (the HA attributes below are empty otherwise)
 * @param state            this server's HA state
 * @param remoteState      the peer's HA state as last heard
 * @param lockHeld         whether this server holds the lock file
 * @param gatewayReachable whether the last gateway check succeeded
 * @param lastTransition   when and why the server last changed state
 */
public record LiveStatus(String serverState, String profile, String haMode, String role, boolean haRunning,
                         String state, String remoteState, boolean lockHeld, boolean gatewayReachable,
                         String lastTransition) {
}
