package io.fmq.studio.viewmodel;

import static io.fmq.profile.ConfigKey.ACTIVE_LOCK_REACQUISITION_INTERVAL;
import static io.fmq.profile.ConfigKey.BACKUP_HA_IP_ADDRESS;
import static io.fmq.profile.ConfigKey.BACKUP_HA_PORT;
import static io.fmq.profile.ConfigKey.BACKUP_RMI_SERVER_PORT;
import static io.fmq.profile.ConfigKey.GATEWAY_SERVER_IP_ADDRESS;
import static io.fmq.profile.ConfigKey.GATEWAY_SERVER_PORT;
import static io.fmq.profile.ConfigKey.LOCK_FILE;
import static io.fmq.profile.ConfigKey.MAX_WAIT_TIMEOUT;
import static io.fmq.profile.ConfigKey.NAGLE_ALGO;
import static io.fmq.profile.ConfigKey.PASSIVE_LOCK_ACQUISITION_INTERVAL;
import static io.fmq.profile.ConfigKey.PING_INTERVAL;
import static io.fmq.profile.ConfigKey.PORT;
import static io.fmq.profile.ConfigKey.RMI_SERVER_PORT;
import static io.fmq.profile.ConfigKey.SOCKET_INITIALIZATION_TIMEOUT;

import io.fmq.profile.ConfigKey;
import io.fmq.profile.HaMode;
import io.fmq.profile.Problem;
import io.fmq.profile.ValidationReport;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * The FMQ Replicated HA and FMQ Shared HA wizards: the fields the vendor guide lists for the mode, each
 * validated as it is typed by the profile library on a preview of the profile with the wizard's values
 * (types, port ranges, distinct and colliding ports, the lock intervals, a lock file that is set).
 * Finish is possible only without errors; it copies the values into the profile (which stays unsaved
 * until Save) and sets {@code HAMode} to the wizard's mode.
 */
public final class HaWizardViewModel {
    /** Replicated HA: the guide's basic fields, then its advanced ones. */
    static final List<ConfigKey> REPLICATED_BASIC = List.of(BACKUP_HA_IP_ADDRESS, BACKUP_HA_PORT, PORT, LOCK_FILE,
            GATEWAY_SERVER_IP_ADDRESS, GATEWAY_SERVER_PORT);
    static final List<ConfigKey> REPLICATED_ADVANCED = List.of(NAGLE_ALGO, SOCKET_INITIALIZATION_TIMEOUT,
            ACTIVE_LOCK_REACQUISITION_INTERVAL, PASSIVE_LOCK_ACQUISITION_INTERVAL, PING_INTERVAL, BACKUP_RMI_SERVER_PORT,
            RMI_SERVER_PORT, MAX_WAIT_TIMEOUT);
    /** Shared HA: the guide's wizard fields, then its advanced ones. */
    static final List<ConfigKey> SHARED_BASIC = List.of(BACKUP_HA_IP_ADDRESS, BACKUP_HA_PORT, PORT, BACKUP_RMI_SERVER_PORT,
            RMI_SERVER_PORT, PING_INTERVAL, LOCK_FILE, GATEWAY_SERVER_IP_ADDRESS, GATEWAY_SERVER_PORT,
            ACTIVE_LOCK_REACQUISITION_INTERVAL, PASSIVE_LOCK_ACQUISITION_INTERVAL);
    static final List<ConfigKey> SHARED_ADVANCED = List.of(NAGLE_ALGO, SOCKET_INITIALIZATION_TIMEOUT);

    private final ProfileViewModel profile;
    private final HaMode mode;
    private final List<WizardField> basic = new ArrayList<>();
    private final List<WizardField> advanced = new ArrayList<>();
    private final SimpleBooleanProperty valid = new SimpleBooleanProperty();
    private final StringProperty otherProblems = new SimpleStringProperty("");

    public HaWizardViewModel(ProfileViewModel profile, HaMode mode) {
        if (!mode.isHa()) {
            throw new IllegalArgumentException("a wizard configures an HA mode, not " + mode);
        }
        this.profile = profile;
        this.mode = mode;
        for (ConfigKey key : mode == HaMode.REPLICATED ? REPLICATED_BASIC : SHARED_BASIC) {
            basic.add(field(key));
        }
        for (ConfigKey key : mode == HaMode.REPLICATED ? REPLICATED_ADVANCED : SHARED_ADVANCED) {
            advanced.add(field(key));
        }
        validate();
    }

    private WizardField field(ConfigKey key) {
        WizardField f = new WizardField(key, profile.value(key));
        f.valueProperty().addListener((o, was, now) -> validate());
        return f;
    }

    public String title() {
        return (mode == HaMode.REPLICATED ? "FMQ Replicated HA" : "FMQ Shared HA") + " \u2014 " + profile.name();
    }

    public HaMode mode() {
        return mode;
    }

    public List<WizardField> basicFields() {
        return basic;
    }

    public List<WizardField> advancedFields() {
        return advanced;
    }

    public WizardField field(String propertyName) {
        return Stream.concat(basic.stream(), advanced.stream()).filter(f -> f.label().equals(propertyName))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("no field " + propertyName));
    }

    /** Whether Finish is allowed: no error in the profile as the wizard would leave it. */
    public ReadOnlyBooleanProperty validProperty() {
        return valid;
    }

    /** Errors on keys the wizard does not show (e.g. a client port that collides with a new HA port). */
    public StringProperty otherProblemsProperty() {
        return otherProblems;
    }

    private Map<ConfigKey, String> values() {
        Map<ConfigKey, String> values = new EnumMap<>(ConfigKey.class);
        Stream.concat(basic.stream(), advanced.stream()).forEach(f -> values.put(f.key(), f.value() == null ? "" : f.value()));
        values.put(ConfigKey.HA_MODE, mode.configValue());
        return values;
    }

    private void validate() {
        ValidationReport report = profile.validate(profile.documentWith(values()));
        Set<ConfigKey> shown = Stream.concat(basic.stream(), advanced.stream()).map(WizardField::key).collect(Collectors.toSet());
        for (WizardField f : basic) {
            show(f, report);
        }
        for (WizardField f : advanced) {
            show(f, report);
        }
        otherProblems.set(report.errors().stream()
                .filter(p -> ConfigKey.byName(p.key()).map(k -> !shown.contains(k)).orElse(true))
                .map(p -> (p.key().isEmpty() ? "" : p.key() + ": ") + p.message())
                .collect(Collectors.joining("\n")));
        valid.set(!report.hasErrors());
    }

    private static void show(WizardField f, ValidationReport report) {
        List<Problem> problems = report.forKey(f.key());
        f.errorProperty().set(problems.stream().filter(Problem::isError).map(Problem::message).collect(Collectors.joining("\n")));
        f.warningProperty().set(problems.stream().filter(p -> !p.isError()).map(Problem::message).collect(Collectors.joining("\n")));
    }

    /** Copies the values into the profile; returns false (and changes nothing) while there are errors. */
    public boolean finish() {
        if (!valid.get()) {
            return false;
        }
        values().forEach((key, value) -> {
            if (key != ConfigKey.HA_MODE || profile.haMode() != mode) {
                profile.set(key, value);
            }
        });
        return true;
    }
}
