package io.fmq.management;

/** One client connection. */
@Description("A client connection to the broker.")
public interface ClientConnectionMXBean {
    @Description("Connection id given by the server.")
    String getId();

    @Description("Client id set by the application, or empty.")
    String getClientId();

    @Description("Remote address of the client.")
    String getAddress();

    @Description("User the client logged in as.")
    String getUser();

    @Description("Sessions open on the connection.")
    int getSessions();
}
