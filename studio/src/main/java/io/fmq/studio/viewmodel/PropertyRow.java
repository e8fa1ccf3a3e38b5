package io.fmq.studio.viewmodel;

import io.fmq.profile.ConfigKey;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.StringProperty;

/**
 * One line of the property sheet: a key, its editable value, its default for the profile's role, its
 * description and the problem the profile library reports for it (empty when none).
 */
public record PropertyRow(ConfigKey key, StringProperty value, String defaultValue, ReadOnlyStringProperty problem) {

    public String name() {
        return key.propertyName();
    }

    public String description() {
        return key.description() + " Expects " + key.type().expected() + ".";
    }
}
