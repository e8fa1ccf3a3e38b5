package io.fmq.studio.service;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The questions and messages the Studio puts to the user. The JavaFX implementation shows windows;
 * tests answer with a script, so that view models and end-to-end tests need no native dialogs.
 */
public interface Dialogs {

    /** Asks for a profile folder (one holding {@code conf/Config.cfg}). */
    Optional<Path> chooseProfileFolder(Path initial);

    /** Asks a yes/no question; true when the user chose {@code yes}. */
    boolean confirm(String title, String message, String yes, String no);

    void info(String title, String message);

    void error(String title, String message);
}
