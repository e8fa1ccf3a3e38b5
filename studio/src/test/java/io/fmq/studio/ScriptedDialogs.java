package io.fmq.studio;

import io.fmq.studio.service.Dialogs;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** Dialogs that answer from a script and record what they were shown. */
public final class ScriptedDialogs implements Dialogs {
    public final Deque<Path> folders = new ArrayDeque<>();
    public volatile boolean answer = true;
    public final List<String> shown = new CopyOnWriteArrayList<>();

    @Override
    public synchronized Optional<Path> chooseProfileFolder(Path initial) {
        shown.add("choose");
        return Optional.ofNullable(folders.poll());
    }

    @Override
    public boolean confirm(String title, String message, String yes, String no) {
        shown.add("confirm: " + title + ": " + message);
        return answer;
    }

    @Override
    public void info(String title, String message) {
        shown.add("info: " + title + ": " + message);
    }

    @Override
    public void error(String title, String message) {
        shown.add("error: " + title + ": " + message);
    }

    public boolean saw(String prefix) {
        return shown.stream().anyMatch(s -> s.startsWith(prefix));
    }
}
