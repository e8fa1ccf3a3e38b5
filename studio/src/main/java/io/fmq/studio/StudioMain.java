package io.fmq.studio;

import javafx.application.Application;

/**
 * Entry point of {@code bin/studio.sh}. A plain class (not the Application) so that the Studio starts
 * with JavaFX on the class path.
 */
public final class StudioMain {
    private StudioMain() {
    }

    public static void main(String[] args) {
        Application.launch(StudioApp.class, args);
    }
}
