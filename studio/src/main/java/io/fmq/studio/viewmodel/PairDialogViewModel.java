package io.fmq.studio.viewmodel;

import static io.fmq.profile.ConfigKey.ACTIVE_LOCK_REACQUISITION_INTERVAL;
import static io.fmq.profile.ConfigKey.BACKUP_HA_IP_ADDRESS;
import static io.fmq.profile.ConfigKey.BACKUP_HA_PORT;
import static io.fmq.profile.ConfigKey.BACKUP_RMI_SERVER_PORT;
import static io.fmq.profile.ConfigKey.BACKUP_SERVER_IP;
import static io.fmq.profile.ConfigKey.BACKUP_SERVER_PORT;
import static io.fmq.profile.ConfigKey.GATEWAY_SERVER_IP_ADDRESS;
import static io.fmq.profile.ConfigKey.GATEWAY_SERVER_PORT;
import static io.fmq.profile.ConfigKey.HA_MODE;
import static io.fmq.profile.ConfigKey.IS_PRIMARY;
import static io.fmq.profile.ConfigKey.LOCK_FILE;
import static io.fmq.profile.ConfigKey.PASSIVE_LOCK_ACQUISITION_INTERVAL;
import static io.fmq.profile.ConfigKey.PING_INTERVAL;
import static io.fmq.profile.ConfigKey.PORT;
import static io.fmq.profile.ConfigKey.RMI_SERVER_PORT;
import static io.fmq.profile.ConfigKey.SERVER_PORT;

import io.fmq.profile.ConfigKey;
import io.fmq.profile.Problem;
import io.fmq.profile.ValidationReport;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * Both profiles of an HA pair in one form, with the cross-checks a pair needs to form:
 * <ul>
 *   <li>each side's peer pointers name the other side's own ports: BackupHAPort = the other's Port,
 *       BackupServerPort = the other's ServerPort, BackupRMIServerPort = the other's RMIServerPort;</li>
 *   <li>on each side BackupServerIp and BackupHAIPAddress name the same (peer) host;</li>
 *   <li>the settings the two servers must share are equal: HAMode, PingInterval, LockFile, the gateway,
 *       the lock intervals;</li>
 *   <li>exactly one side is the primary.</li>
 * </ul>
 * Every mismatch comes with a one-click fix. A pointer is fixed on the side that points (the other
 * side's own port stays); a shared setting takes the primary's value (the left side when neither is).
 * Each side is also validated on its own by the profile library. OK copies the fields into both profiles.
 */
public final class PairDialogViewModel {
    static final List<ConfigKey> FIELDS = List.of(IS_PRIMARY, HA_MODE, SERVER_PORT, RMI_SERVER_PORT, PORT,
            BACKUP_SERVER_IP, BACKUP_HA_IP_ADDRESS, BACKUP_SERVER_PORT, BACKUP_HA_PORT, BACKUP_RMI_SERVER_PORT,
            PING_INTERVAL, LOCK_FILE, GATEWAY_SERVER_IP_ADDRESS, GATEWAY_SERVER_PORT,
            ACTIVE_LOCK_REACQUISITION_INTERVAL, PASSIVE_LOCK_ACQUISITION_INTERVAL);
    static final List<ConfigKey> SHARED = List.of(HA_MODE, PING_INTERVAL, LOCK_FILE, GATEWAY_SERVER_IP_ADDRESS,
            GATEWAY_SERVER_PORT, ACTIVE_LOCK_REACQUISITION_INTERVAL, PASSIVE_LOCK_ACQUISITION_INTERVAL);

    private final ProfileViewModel left;
    private final ProfileViewModel right;
    private final Map<ConfigKey, WizardField> leftFields = new EnumMap<>(ConfigKey.class);
    private final Map<ConfigKey, WizardField> rightFields = new EnumMap<>(ConfigKey.class);
    private final ObservableList<PairMismatch> mismatches = FXCollections.observableArrayList();
    private final SimpleBooleanProperty valid = new SimpleBooleanProperty();
    private boolean fixing;

    public PairDialogViewModel(ProfileViewModel left, ProfileViewModel right) {
        this.left = left;
        this.right = right;
        for (ConfigKey key : FIELDS) {
            leftFields.put(key, field(left, key));
            rightFields.put(key, field(right, key));
        }
        check();
    }

    private WizardField field(ProfileViewModel p, ConfigKey key) {
        WizardField f = new WizardField(key, p.value(key));
        f.valueProperty().addListener((o, was, now) -> {
            if (!fixing) {
                check();
            }
        });
        return f;
    }

    public List<ConfigKey> keys() {
        return FIELDS;
    }

    public ProfileViewModel left() {
        return left;
    }

    public ProfileViewModel right() {
        return right;
    }

    public WizardField leftField(ConfigKey key) {
        return leftFields.get(key);
    }

    public WizardField rightField(ConfigKey key) {
        return rightFields.get(key);
    }

    public ObservableList<PairMismatch> mismatches() {
        return mismatches;
    }

    /** No mismatch and no error on either side. */
    public ReadOnlyBooleanProperty validProperty() {
        return valid;
    }

    /** Applies every fix, repeating until nothing is left to fix (a fix can reveal another mismatch). */
    public void fixAll() {
        for (int round = 0; round < FIELDS.size() * 2 && !mismatches.isEmpty(); round++) {
            apply(mismatches.get(0));
        }
    }

    /** Applies one fix and checks again. */
    public void apply(PairMismatch mismatch) {
        fixing = true;
        try {
            mismatch.fix().run();
        } finally {
            fixing = false;
        }
        check();
    }

    /** Copies the fields into the two profiles (they stay unsaved until Save). */
    public boolean ok() {
        if (!valid.get()) {
            return false;
        }
        leftFields.forEach((k, f) -> left.set(k, f.value()));
        rightFields.forEach((k, f) -> right.set(k, f.value()));
        return true;
    }

    private String v(Map<ConfigKey, WizardField> side, ConfigKey key) {
        String value = side.get(key).value();
        return value == null ? "" : value.trim();
    }

    private void check() {
        List<PairMismatch> found = new ArrayList<>();
        pointer(found, leftFields, left, rightFields, right, BACKUP_HA_PORT, PORT, "the HA channel");
        pointer(found, rightFields, right, leftFields, left, BACKUP_HA_PORT, PORT, "the HA channel");
        pointer(found, leftFields, left, rightFields, right, BACKUP_SERVER_PORT, SERVER_PORT, "clients failing over");
        pointer(found, rightFields, right, leftFields, left, BACKUP_SERVER_PORT, SERVER_PORT, "clients failing over");
        pointer(found, leftFields, left, rightFields, right, BACKUP_RMI_SERVER_PORT, RMI_SERVER_PORT, "JMX");
        pointer(found, rightFields, right, leftFields, left, BACKUP_RMI_SERVER_PORT, RMI_SERVER_PORT, "JMX");
        sameHost(found, leftFields, left);
        sameHost(found, rightFields, right);
        boolean rightIsPrimary = "true".equalsIgnoreCase(v(rightFields, IS_PRIMARY))
                && !"true".equalsIgnoreCase(v(leftFields, IS_PRIMARY));
        for (ConfigKey key : SHARED) {
            String l = v(leftFields, key);
            String r = v(rightFields, key);
            if (!l.equals(r)) {
                Map<ConfigKey, WizardField> from = rightIsPrimary ? rightFields : leftFields;
                Map<ConfigKey, WizardField> to = rightIsPrimary ? leftFields : rightFields;
                ProfileViewModel fromName = rightIsPrimary ? right : left;
                ProfileViewModel toName = rightIsPrimary ? left : right;
                String value = v(from, key);
                found.add(new PairMismatch(key.propertyName() + " differs: " + l + " on " + left.name() + ", " + r + " on "
                        + right.name() + "; both servers must use the same value.",
                        "Set " + toName.name() + "'s " + key.propertyName() + " to " + value + " (as on " + fromName.name() + ")",
                        () -> to.get(key).valueProperty().set(value)));
            }
        }
        boolean l = "true".equalsIgnoreCase(v(leftFields, IS_PRIMARY));
        boolean r = "true".equalsIgnoreCase(v(rightFields, IS_PRIMARY));
        if (l == r) {
            String value = l ? "false" : "true";
            found.add(new PairMismatch("isPrimary is " + l + " on both servers; exactly one of them must be the primary.",
                    "Set " + right.name() + "'s isPrimary to " + value,
                    () -> rightFields.get(IS_PRIMARY).valueProperty().set(value)));
        }
        mismatches.setAll(found);
        boolean errors = showErrors(leftFields, left) | showErrors(rightFields, right);
        valid.set(found.isEmpty() && !errors);
    }

    private void pointer(List<PairMismatch> found, Map<ConfigKey, WizardField> fromFields, ProfileViewModel from,
                         Map<ConfigKey, WizardField> toFields, ProfileViewModel to, ConfigKey pointerKey, ConfigKey ownKey,
                         String purpose) {
        String pointer = v(fromFields, pointerKey);
        String own = v(toFields, ownKey);
        if (!pointer.equals(own)) {
            found.add(new PairMismatch(from.name() + "'s " + pointerKey.propertyName() + " is " + pointer + " but "
                    + to.name() + "'s " + ownKey.propertyName() + " is " + own + ": " + purpose + " would not reach the peer.",
                    "Set " + from.name() + "'s " + pointerKey.propertyName() + " to " + own,
                    () -> fromFields.get(pointerKey).valueProperty().set(own)));
        }
    }

    private void sameHost(List<PairMismatch> found, Map<ConfigKey, WizardField> fields, ProfileViewModel p) {
        String ha = v(fields, BACKUP_HA_IP_ADDRESS);
        String server = v(fields, BACKUP_SERVER_IP);
        if (!ha.equalsIgnoreCase(server)) {
            found.add(new PairMismatch(p.name() + "'s BackupServerIp (" + server + ") and BackupHAIPAddress (" + ha
                    + ") name different hosts; both name the peer server.",
                    "Set " + p.name() + "'s BackupServerIp to " + ha,
                    () -> fields.get(BACKUP_SERVER_IP).valueProperty().set(ha)));
        }
    }

    /** Validates one side with the profile library; shows errors next to fields; true when there is any. */
    private boolean showErrors(Map<ConfigKey, WizardField> fields, ProfileViewModel p) {
        Map<ConfigKey, String> values = new EnumMap<>(ConfigKey.class);
        fields.forEach((k, f) -> values.put(k, f.value() == null ? "" : f.value()));
        ValidationReport report = p.validate(p.documentWith(values));
        fields.forEach((k, f) -> f.errorProperty().set(report.forKey(k).stream().filter(Problem::isError)
                .map(Problem::message).collect(Collectors.joining("\n"))));
        return report.hasErrors();
    }
}
