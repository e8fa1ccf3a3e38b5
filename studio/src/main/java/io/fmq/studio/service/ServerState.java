package io.fmq.studio.service;

/**
 * Whether a server runs on a profile, and as much as it wrote about itself ({@code pid 123, RMI port 1858}).
 */
public record ServerState(boolean running, String owner) {
    public static final ServerState STOPPED = new ServerState(false, "");
}
