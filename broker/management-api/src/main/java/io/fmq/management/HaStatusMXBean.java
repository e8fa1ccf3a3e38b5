package io.fmq.management;

/**
 * The live HA state of one server of a replicated pair ({@link ObjectNames#HA_STATUS}). Every state change is also
 * sent to JMX listeners as an attribute change notification of {@code State}.
 */
@Description("The HA state of this server and of its peer, the lock, the gateway and replication.")
public interface HaStatusMXBean {
    @Description("This server's HA state: WAITING, ACTIVE_SYNC, PASSIVE_SYNC, ACTIVE, PASSIVE or STANDALONE.")
    String getState();

    @Description("The HA state this server was in before the current one.")
    String getPreviousState();

    @Description("The peer's HA state as last heard over the HA channel; DEAD when there is no HA link.")
    String getRemoteState();

    @Description("Whether the HA link to the peer is up.")
    boolean isLinkUp();

    @Description("Whether this server holds the lock file (FMQGroup.LockFile).")
    boolean isLockHeld();

    @Description("Path of the lock file.")
    String getLockFile();

    @Description("Whether the last check reached the gateway (FMQGroup.GatewayServerIPAddress:GatewayServerPort).")
    boolean isGatewayReachable();

    @Description("The store's epoch: one more for every period in which a server of the pair started serving.")
    long getEpoch();

    @Description("Sequence number of the last record in this server's store.")
    long getLastSequence();

    @Description("Records written on this (active) server that the passive has not yet confirmed; 0 when not replicating.")
    long getReplicationBacklogRecords();

    @Description("Bytes of changes held back while the passive is being resynchronised; 0 when not resynchronising.")
    long getReplicationBacklogBytes();

    @Description("Bytes copied to (active) or received from (passive) the peer by the current or last resynchronisation.")
    long getResyncBytes();

    @Description("When this server last changed state (ISO-8601).")
    String getLastTransitionTime();

    @Description("Why this server last changed state.")
    String getLastTransitionCause();

    @Description("Hands the active role to the passive peer: this server stops serving, lets the passive take all it has, "
            + "and joins as passive. Only an ACTIVE server with an in-sync PASSIVE peer can do it.")
    String switchover();
}
