package io.fmq.profile;

/**
 * The section comments of {@code conf/Config.cfg}, in the order a shipped file lists them.
 * A key's section only decides where a newly added key is written; reading does not depend on it.
 */
public enum Section {
    HA_COMMON("HA Common Properties."),
    HA_CONNECTION_MANAGER("HA Connection Manager Settings."),
    HA_MANAGER("HA Manager Settings."),
    HA_KRPC_PROVIDER("HA KRPC Provider Settings."),
    RMI_CONNECTOR("RMI Connector Settings."),
    CONFIG_LOADER("Config Loader Settings."),
    CONNECTION_MANAGER("Connection Manager Settings."),
    MESSAGING("Messaging Settings.");

    private final String title;

    Section(String title) {
        this.title = title;
    }

    /** The text of the section's header comment, without the leading {@code #}. */
    public String title() {
        return title;
    }
}
