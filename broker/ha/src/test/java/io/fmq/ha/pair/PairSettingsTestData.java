package io.fmq.ha.pair;

import java.time.Duration;

/** Settings as the shipped primary profile would send them. */
final class PairSettingsTestData {

    static final String IDENTITY = "5b0c8f6e-2f59-4d0e-9c1a-0f6c2d8e7a11";

    private PairSettingsTestData() {
    }

    static PairSettings primary() {
        return new PairSettings(Duration.ofMillis(30000), Duration.ofMillis(60000), Duration.ofMillis(30000), "localhost", 7,
                IDENTITY, "/home/fmq1/Lock.dat", "REPLICATED");
    }
}
