package io.fmq.client;

/** The client library's version, as it tells the server. */
final class Version {
    static final String VERSION = "0.1.0";

    private Version() {
    }
}
