package io.fmq.server;

import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into an orderly stop that ends with exit status 0 (the JVM's default
 * handling would exit with 143/130 after running shutdown hooks).
 */
final class SignalHandlers {
    private SignalHandlers() {
    }

    static void install(Runnable stop) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), s -> stop.run());
            } catch (IllegalArgumentException e) {
                // signal not available on this platform: the shutdown hook still stops the server
            }
        }
    }
}
