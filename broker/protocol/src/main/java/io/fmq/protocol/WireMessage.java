package io.fmq.protocol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A message as it travels between client and server and as the server stores it: JMS headers,
 * properties and body bytes. The body's meaning depends on {@code bodyType} (text is UTF-8; map and
 * stream bodies use the {@link Wire} value encoding; object bodies are Java-serialised bytes that only
 * the client deserialises).
 *
 * @param expiration   epoch millis after which the message expires, 0 for never
 * @param deliveryTime epoch millis before which the message must not be delivered, 0 for at once
 */
public record WireMessage(String messageId, Dest destination, boolean persistent, int priority, long timestamp,
                          long expiration, long deliveryTime, String correlationId, Dest replyTo, String type,
                          boolean redelivered, int deliveryCount, Map<String, Object> properties, byte bodyType,
                          byte[] body) {
    public static final byte BODY_NONE = 0;
    public static final byte BODY_TEXT = 1;
    public static final byte BODY_BYTES = 2;
    public static final byte BODY_MAP = 3;
    public static final byte BODY_STREAM = 4;
    public static final byte BODY_OBJECT = 5;

    /** The class of {@link Collections#unmodifiableMap} views: a map of that class is taken as it is, not copied. */
    private static final Class<?> FROZEN = Collections.unmodifiableMap(new LinkedHashMap<>()).getClass();

    /**
     * The properties are copied into an unmodifiable map, unless they are an unmodifiable view already (the decoder's,
     * or another message's): pass such a view only over a map nobody changes.
     */
    public WireMessage {
        properties = properties == null || properties.isEmpty() ? Map.of()
                : properties.getClass() == FROZEN ? properties : Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        body = body == null ? new byte[0] : body;
    }

    /** A copy as it is delivered again: redelivered, with one more delivery. */
    public WireMessage redelivery(int count) {
        return new WireMessage(messageId, destination, persistent, priority, timestamp, expiration, deliveryTime, correlationId,
                replyTo, type, count > 1, count, properties, bodyType, body);
    }

    /** A copy flagged as possibly delivered before (a message restored after a restart or failover). */
    public WireMessage markedRedelivered() {
        return new WireMessage(messageId, destination, persistent, priority, timestamp, expiration, deliveryTime, correlationId,
                replyTo, type, true, deliveryCount, properties, bodyType, body);
    }

    /** A copy addressed to another destination (for the dead-letter queue or a move). */
    public WireMessage withDestination(Dest newDestination) {
        return new WireMessage(messageId, newDestination, persistent, priority, timestamp, expiration, deliveryTime, correlationId,
                replyTo, type, redelivered, deliveryCount, properties, bodyType, body);
    }

    public boolean isExpired(long nowMillis) {
        return expiration > 0 && nowMillis >= expiration;
    }

    /** An estimate of the memory the message takes, for flow control. */
    public int approximateSize() {
        return 200 + body.length + properties.size() * 48;
    }
}
