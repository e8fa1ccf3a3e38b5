package io.fmq.studio.viewmodel;

import io.fmq.profile.ConfigKey;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * One field of a wizard or of the pair dialog: the key, its value as typed, the error that keeps Finish
 * disabled (empty when none) and a warning that does not.
 */
public final class WizardField {
    private final ConfigKey key;
    private final StringProperty value = new SimpleStringProperty();
    private final StringProperty error = new SimpleStringProperty("");
    private final StringProperty warning = new SimpleStringProperty("");

    public WizardField(ConfigKey key, String value) {
        this.key = key;
        this.value.set(value);
    }

    public ConfigKey key() {
        return key;
    }

    /** The label the guide uses for the field. */
    public String label() {
        return key.propertyName();
    }

    public StringProperty valueProperty() {
        return value;
    }

    public String value() {
        return value.get();
    }

    public StringProperty errorProperty() {
        return error;
    }

    public StringProperty warningProperty() {
        return warning;
    }
}
