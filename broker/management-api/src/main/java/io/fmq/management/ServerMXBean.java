package io.fmq.management;

/** The server process: what it runs, where, since when, and how to stop it. */
@Description("The FMQ server process: identity, profile, ports, state and lifecycle.")
public interface ServerMXBean {

    @Description("Lifecycle state of the server: STARTING, RUNNING or STOPPING.")
    String getState();

    @Description("Version of the FMQ server.")
    String getVersion();

    @Description("When the server started (ISO-8601, UTC).")
    String getStartTime();

    @Description("Milliseconds since the server started.")
    long getUptimeMillis();

    @Description("Operating-system process id of the server.")
    long getProcessId();

    @Description("Name of the profile the server runs, relative to the profiles folder.")
    String getProfileName();

    @Description("Absolute path of the profile folder.")
    String getProfilePath();

    @Description("Absolute path of the data store folder (the profile's run/ folder or -dbPath).")
    String getStorePath();

    @Description("Absolute path of the server's log folder.")
    String getLogPath();

    @Description("HA mode of the profile: none, replicated or shared.")
    String getHaMode();

    @Description("Role of the server in its HA pair: primary, secondary, or standalone for a server without HA.")
    String getRole();

    @Description("Whether the HA layer is running. False for a standalone profile, and for an HA profile running as a single server.")
    boolean isHaActive();

    @Description("Port on which the server accepts client connections.")
    int getClientPort();

    @Description("Port of the JMX RMI connector (registry and connector).")
    int getRmiPort();

    @Description("JMX service URL of this connector.")
    String getJmxServiceUrl();

    @Description("Level of the server's root logger (TRACE, DEBUG, INFO, WARN, ERROR). Setting it takes effect at once and lasts until restart.")
    String getLogLevel();

    void setLogLevel(@Description("The new level: TRACE, DEBUG, INFO, WARN or ERROR.") String level);

    @Description("Stops the server cleanly: refuses new clients, closes the store, releases its ports and exits with status 0. Returns at once; the server stops moments later.")
    void shutdown();
}
