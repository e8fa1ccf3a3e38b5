package io.fmq.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lines operators read on the console and grep for in the log: state lines printed as
 * {@code [date] message} and start-up banner lines printed as they are. Both also go to the log file
 * (see the profile's {@code conf/logback.xml}).
 */
public final class ConsoleLog {
    private static final Logger STATE = LoggerFactory.getLogger("fmq.console.state");
    private static final Logger PLAIN = LoggerFactory.getLogger("fmq.console.plain");

    /** A timestamped line, e.g. {@code Primary Server switched to ACTIVE}. */
    public void state(String message) {
        STATE.info(message);
    }

    /** A banner line without timestamp, e.g. {@code Server accepting connections at tcp://0.0.0.0:1856}. */
    public void plain(String message) {
        PLAIN.info(message);
    }
}
