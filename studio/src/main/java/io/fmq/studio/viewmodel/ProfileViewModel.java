package io.fmq.studio.viewmodel;

import io.fmq.profile.ConfigDocument;
import io.fmq.profile.ConfigKey;
import io.fmq.profile.ConfigNode;
import io.fmq.profile.HaMode;
import io.fmq.profile.Problem;
import io.fmq.profile.ProfileBinder;
import io.fmq.profile.Role;
import io.fmq.profile.ValidationReport;
import io.fmq.studio.service.LoadedProfile;
import io.fmq.studio.service.ServerState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * One open profile: every key's value as edited, the state on disk, the validation report of the
 * edited state and the dirty marker.
 *
 * <p>The values start as the file's (or the role's default when a key is commented out). The edited
 * document is the saved one with {@link ConfigDocument#with} applied to each key whose value differs
 * from the start, so saving changes exactly those lines. Validation runs the profile library's binder
 * on the edited document after every change; it is all in memory.
 */
public final class ProfileViewModel {
    private final String name;
    private final Path folder;
    private final Path profilesRoot;
    private final ObjectProperty<ConfigDocument> saved = new SimpleObjectProperty<>();
    private final Map<ConfigKey, StringProperty> values = new EnumMap<>(ConfigKey.class);
    private final Map<ConfigKey, String> initial = new EnumMap<>(ConfigKey.class);
    private final Map<ConfigKey, StringProperty> problems = new EnumMap<>(ConfigKey.class);
    private final BooleanProperty dirty = new SimpleBooleanProperty(false);
    private final ObjectProperty<ValidationReport> report = new SimpleObjectProperty<>(new ValidationReport(List.of()));
    private final ObjectProperty<ServerState> serverState = new SimpleObjectProperty<>(ServerState.STOPPED);
    private final StringBinding title;
    private boolean loading;

    public ProfileViewModel(LoadedProfile loaded) {
        this.name = loaded.name();
        this.folder = loaded.folder();
        this.profilesRoot = loaded.profilesRoot();
        for (ConfigKey key : ConfigKey.values()) {
            StringProperty value = new SimpleStringProperty(this, key.key(), "");
            value.addListener((o, was, now) -> changed());
            values.put(key, value);
            problems.put(key, new SimpleStringProperty(this, key.key() + ".problem", ""));
        }
        title = Bindings.createStringBinding(() -> (dirty.get() ? "*" : "") + name, dirty);
        reset(loaded.document());
    }

    /** The profile's name below the profiles folder, e.g. {@code FioranoMQ_HA_rpl/HAPrimary}. */
    public String name() {
        return name;
    }

    public Path folder() {
        return folder;
    }

    public Path profilesRoot() {
        return profilesRoot;
    }

    /** The name, with a leading {@code *} while there are unsaved changes. */
    public StringBinding titleProperty() {
        return title;
    }

    public ReadOnlyBooleanProperty dirtyProperty() {
        return dirty;
    }

    public boolean isDirty() {
        return dirty.get();
    }

    public ReadOnlyObjectProperty<ValidationReport> reportProperty() {
        return report;
    }

    public ObjectProperty<ServerState> serverStateProperty() {
        return serverState;
    }

    public StringProperty valueProperty(ConfigKey key) {
        return values.get(key);
    }

    public String value(ConfigKey key) {
        return values.get(key).get();
    }

    public void set(ConfigKey key, String value) {
        values.get(key).set(value);
    }

    /** The errors (and warnings) the profile library reports for a key, one per line; empty when none. */
    public StringProperty problemProperty(ConfigKey key) {
        return problems.get(key);
    }

    /** The role the edited isPrimary gives, which decides the defaults. */
    public Role role() {
        return "false".equalsIgnoreCase(value(ConfigKey.IS_PRIMARY).trim()) ? Role.SECONDARY : Role.PRIMARY;
    }

    public HaMode haMode() {
        for (HaMode m : HaMode.values()) {
            if (m.configValue().equalsIgnoreCase(value(ConfigKey.HA_MODE).trim())) {
                return m;
            }
        }
        return HaMode.NONE;
    }

    /** The property sheet of a tree node. */
    public List<PropertyRow> rows(ConfigNode node) {
        List<PropertyRow> rows = new ArrayList<>();
        for (ConfigKey key : ConfigKey.values()) {
            if (key.node() == node) {
                rows.add(new PropertyRow(key, values.get(key), key.defaultFor(role()), problems.get(key)));
            }
        }
        return rows;
    }

    /** The keys whose edited value differs from the file. */
    public Set<ConfigKey> changedKeys() {
        Set<ConfigKey> changed = new LinkedHashSet<>();
        for (ConfigKey key : ConfigKey.values()) {
            if (!values.get(key).get().equals(initial.get(key))) {
                changed.add(key);
            }
        }
        return changed;
    }

    /** Whether an unsaved change touches the HA layer (after which the store should be cleared). */
    public boolean haChanged() {
        return changedKeys().stream().anyMatch(k -> k.isHaOnly() || k == ConfigKey.HA_MODE);
    }

    /** The document as it would be saved. */
    public ConfigDocument editedDocument() {
        return documentWith(Map.of());
    }

    /** The edited document with some keys set to other values (for a wizard's preview). */
    public ConfigDocument documentWith(Map<ConfigKey, String> overrides) {
        ConfigDocument doc = saved.get();
        for (ConfigKey key : ConfigKey.values()) {
            String value = overrides.getOrDefault(key, values.get(key).get());
            if (!value.equals(initial.get(key))) {
                doc = doc.with(key, value);
            }
        }
        return doc;
    }

    /** Validates a document of this profile with the profile library. */
    public ValidationReport validate(ConfigDocument document) {
        return ProfileBinder.bind(name, folder, profilesRoot, document).report();
    }

    /** Called after the edited document was written: it becomes the new starting point. */
    public void markSaved(ConfigDocument written) {
        reset(written);
    }

    private void reset(ConfigDocument document) {
        loading = true;
        try {
            saved.set(document);
            Role role = document.find(ConfigKey.IS_PRIMARY)
                    .map(e -> "false".equalsIgnoreCase(e.value().trim()) ? Role.SECONDARY : Role.PRIMARY)
                    .orElse(Role.PRIMARY);
            for (ConfigKey key : ConfigKey.values()) {
                String text = document.find(key).map(ConfigDocument.Entry::value).orElse(key.defaultFor(role));
                initial.put(key, text);
                values.get(key).set(text);
            }
        } finally {
            loading = false;
        }
        changed();
    }

    private void changed() {
        if (loading) {
            return;
        }
        dirty.set(!changedKeys().isEmpty());
        ValidationReport r = validate(editedDocument());
        report.set(r);
        for (ConfigKey key : ConfigKey.values()) {
            problems.get(key).set(describe(r.forKey(key)));
        }
    }

    /** The problems of one key as text for the view: errors first. */
    static String describe(List<Problem> list) {
        return list.stream()
                .sorted((a, b) -> Boolean.compare(b.isError(), a.isError()))
                .map(p -> (p.isError() ? "" : "Warning: ") + p.message())
                .collect(Collectors.joining("\n"));
    }
}
