package io.fmq.studio.service;

import io.fmq.profile.ConfigDocument;
import java.nio.file.Path;

/**
 * A profile folder as read from disk: its name below the profiles folder, where it is, the folder that
 * relative lock-file paths are resolved against, and the text of its {@code conf/Config.cfg}.
 */
public record LoadedProfile(String name, Path folder, Path profilesRoot, ConfigDocument document) {
}
