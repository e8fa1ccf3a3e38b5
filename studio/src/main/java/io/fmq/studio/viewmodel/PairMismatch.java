package io.fmq.studio.viewmodel;

/**
 * A cross-check of a pair that fails, with the change that repairs it.
 *
 * @param message  what does not match and why it matters
 * @param fixLabel what the fix will do, e.g. "Set HASecondary's BackupHAPort to 2100"
 * @param fix      applies the repair to the dialog's fields
 */
public record PairMismatch(String message, String fixLabel, Runnable fix) {
}
