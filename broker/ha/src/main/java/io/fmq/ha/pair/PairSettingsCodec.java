package io.fmq.ha.pair;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Encodes the pair settings for the HA handshake.
 *
 * <p>Format: UTF-8 text, lines separated by LF. The first line is {@value #FIRST_LINE}; every
 * further line is {@code key=value}, the key being a {@link PairSetting#wireKey()} (or
 * {@link PairSetting#LOCK_FILE_PATH_WIRE_KEY}), the value everything after the first {@code =}.
 * Keys may not contain {@code =}, keys and values may not contain CR or LF, and a key appears at
 * most once. The decoder keeps keys it does not know, so a newer peer may send more settings; a
 * setting the peer does not send shows up as a difference. At most {@value #MAX_BYTES} bytes.
 */
public final class PairSettingsCodec {

    static final String FIRST_LINE = "FMQ-PairSettings/1";
    static final int MAX_BYTES = 16 * 1024;

    private PairSettingsCodec() {
    }

    public static byte[] encode(PairSettings settings) {
        return encode(settings.toMap());
    }

    /** @throws IllegalArgumentException if a key or value cannot be written in this format */
    public static byte[] encode(Map<String, String> settings) {
        StringBuilder text = new StringBuilder(FIRST_LINE).append('\n');
        for (Map.Entry<String, String> entry : settings.entrySet()) {
            String key = entry.getKey();
            String value = entry.getValue();
            if (key.isEmpty() || key.indexOf('=') >= 0 || hasLineBreak(key)) {
                throw new IllegalArgumentException("The pair setting key '" + key + "' is empty or contains '=' or a line break.");
            }
            if (value == null || hasLineBreak(value)) {
                throw new IllegalArgumentException("The value of the pair setting " + key + " is missing or contains a line break.");
            }
            text.append(key).append('=').append(value).append('\n');
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_BYTES) {
            throw new IllegalArgumentException("The pair settings take " + bytes.length + " bytes; at most " + MAX_BYTES + " fit.");
        }
        return bytes;
    }

    /**
     * @return wire key → value, in the order sent
     * @throws IllegalArgumentException if the bytes are not pair settings in this format
     */
    public static Map<String, String> decode(byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw new IllegalArgumentException("The peer's pair settings take " + bytes.length + " bytes; at most " + MAX_BYTES
                    + " are accepted.");
        }
        String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
        if (!lines[0].equals(FIRST_LINE)) {
            throw new IllegalArgumentException("The peer's pair settings do not start with " + FIRST_LINE
                    + "; is the backup server running the same FMQ version?");
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                continue; // the final LF leaves one empty piece
            }
            int equals = line.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("Line " + (i + 1) + " of the peer's pair settings is not key=value: " + line);
            }
            String key = line.substring(0, equals);
            if (settings.put(key, line.substring(equals + 1)) != null) {
                throw new IllegalArgumentException("The peer's pair settings name " + key + " twice.");
            }
        }
        return Collections.unmodifiableMap(settings);
    }

    private static boolean hasLineBreak(String text) {
        return text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0;
    }
}
