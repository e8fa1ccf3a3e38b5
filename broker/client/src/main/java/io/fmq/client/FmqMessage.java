package io.fmq.client;

import io.fmq.protocol.Dest;
import io.fmq.protocol.WireMessage;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageNotWriteableException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** A message without a body, and the headers and properties every FMQ message has. */
public class FmqMessage implements Message {
    private static final Set<String> RESERVED = Set.of("NULL", "TRUE", "FALSE", "NOT", "AND", "OR", "BETWEEN", "LIKE", "IN", "IS", "ESCAPE");

    String messageId;
    long timestamp;
    String correlationId;
    Destination replyTo;
    Destination destination;
    int deliveryMode = DeliveryMode.PERSISTENT;
    boolean redelivered;
    String type;
    long expiration;
    long deliveryTime;
    int priority = Message.DEFAULT_PRIORITY;
    int deliveryCount;
    Map<String, Object> properties = new LinkedHashMap<>();
    boolean propertiesReadOnly;
    boolean bodyReadOnly;
    /** Set on received messages: who acknowledges them. */
    transient FmqSession session;
    transient long deliveryId;

    byte bodyType() {
        return WireMessage.BODY_NONE;
    }

    byte[] bodyBytes() throws JMSException {
        return new byte[0];
    }

    void readBody(byte[] body) throws JMSException {
    }

    WireMessage toWire(Dest dest) throws JMSException {
        return new WireMessage(messageId, dest, deliveryMode == DeliveryMode.PERSISTENT, priority, timestamp, expiration, deliveryTime,
                correlationId, replyTo == null ? null : FmqDestination.cast(replyTo).toDest(), type, false, 0, properties,
                bodyType(), bodyBytes());
    }

    static FmqMessage fromWire(WireMessage w) throws JMSException {
        FmqMessage m;
        switch (w.bodyType()) {
            case WireMessage.BODY_TEXT: m = new FmqTextMessage(); break;
            case WireMessage.BODY_BYTES: m = new FmqBytesMessage(); break;
            case WireMessage.BODY_MAP: m = new FmqMapMessage(); break;
            case WireMessage.BODY_STREAM: m = new FmqStreamMessage(); break;
            case WireMessage.BODY_OBJECT: m = new FmqObjectMessage(); break;
            default: m = new FmqMessage();
        }
        m.messageId = w.messageId();
        m.timestamp = w.timestamp();
        m.correlationId = w.correlationId();
        m.replyTo = FmqDestination.of(w.replyTo());
        m.destination = FmqDestination.of(w.destination());
        m.deliveryMode = w.persistent() ? DeliveryMode.PERSISTENT : DeliveryMode.NON_PERSISTENT;
        m.redelivered = w.redelivered();
        m.type = w.type();
        m.expiration = w.expiration();
        m.deliveryTime = w.deliveryTime();
        m.priority = w.priority();
        m.deliveryCount = w.deliveryCount();
        m.properties = new LinkedHashMap<>(w.properties());
        m.readBody(w.body());
        m.propertiesReadOnly = true;
        m.bodyReadOnly = true;
        return m;
    }

    void checkWritableBody() throws MessageNotWriteableException {
        if (bodyReadOnly) {
            throw new MessageNotWriteableException("the body of a received message is read-only until clearBody()");
        }
    }

    private void checkWritableProperties() throws MessageNotWriteableException {
        if (propertiesReadOnly) {
            throw new MessageNotWriteableException("the properties of a received message are read-only until clearProperties()");
        }
    }

    @Override
    public String getJMSMessageID() {
        return messageId;
    }

    @Override
    public void setJMSMessageID(String id) {
        messageId = id;
    }

    @Override
    public long getJMSTimestamp() {
        return timestamp;
    }

    @Override
    public void setJMSTimestamp(long timestamp) {
        this.timestamp = timestamp;
    }

    @Override
    public byte[] getJMSCorrelationIDAsBytes() {
        return correlationId == null ? null : correlationId.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void setJMSCorrelationIDAsBytes(byte[] correlationID) {
        correlationId = correlationID == null ? null : new String(correlationID, StandardCharsets.ISO_8859_1);
    }

    @Override
    public void setJMSCorrelationID(String correlationID) {
        correlationId = correlationID;
    }

    @Override
    public String getJMSCorrelationID() {
        return correlationId;
    }

    @Override
    public Destination getJMSReplyTo() {
        return replyTo;
    }

    @Override
    public void setJMSReplyTo(Destination replyTo) {
        this.replyTo = replyTo;
    }

    @Override
    public Destination getJMSDestination() {
        return destination;
    }

    @Override
    public void setJMSDestination(Destination destination) {
        this.destination = destination;
    }

    @Override
    public int getJMSDeliveryMode() {
        return deliveryMode;
    }

    @Override
    public void setJMSDeliveryMode(int deliveryMode) {
        this.deliveryMode = deliveryMode;
    }

    @Override
    public boolean getJMSRedelivered() {
        return redelivered;
    }

    @Override
    public void setJMSRedelivered(boolean redelivered) {
        this.redelivered = redelivered;
    }

    @Override
    public String getJMSType() {
        return type;
    }

    @Override
    public void setJMSType(String type) {
        this.type = type;
    }

    @Override
    public long getJMSExpiration() {
        return expiration;
    }

    @Override
    public void setJMSExpiration(long expiration) {
        this.expiration = expiration;
    }

    @Override
    public long getJMSDeliveryTime() {
        return deliveryTime;
    }

    @Override
    public void setJMSDeliveryTime(long deliveryTime) {
        this.deliveryTime = deliveryTime;
    }

    @Override
    public int getJMSPriority() {
        return priority;
    }

    @Override
    public void setJMSPriority(int priority) {
        this.priority = priority;
    }

    @Override
    public void clearProperties() {
        properties.clear();
        propertiesReadOnly = false;
    }

    @Override
    public boolean propertyExists(String name) {
        return properties.containsKey(name) || "JMSXDeliveryCount".equals(name) && deliveryCount > 0;
    }

    private Object property(String name) {
        if ("JMSXDeliveryCount".equals(name) && deliveryCount > 0) {
            return deliveryCount;
        }
        return properties.get(name);
    }

    @Override
    public boolean getBooleanProperty(String name) throws JMSException {
        return PropertyValues.toBoolean(property(name));
    }

    @Override
    public byte getByteProperty(String name) throws JMSException {
        return PropertyValues.toByte(property(name));
    }

    @Override
    public short getShortProperty(String name) throws JMSException {
        return PropertyValues.toShort(property(name));
    }

    @Override
    public int getIntProperty(String name) throws JMSException {
        return PropertyValues.toInt(property(name));
    }

    @Override
    public long getLongProperty(String name) throws JMSException {
        return PropertyValues.toLong(property(name));
    }

    @Override
    public float getFloatProperty(String name) throws JMSException {
        return PropertyValues.toFloat(property(name));
    }

    @Override
    public double getDoubleProperty(String name) throws JMSException {
        return PropertyValues.toDouble(property(name));
    }

    @Override
    public String getStringProperty(String name) throws JMSException {
        return PropertyValues.toStringValue(property(name));
    }

    @Override
    public Object getObjectProperty(String name) {
        return property(name);
    }

    @Override
    public Enumeration<String> getPropertyNames() {
        java.util.List<String> names = new java.util.ArrayList<>(properties.keySet());
        if (deliveryCount > 0 && !names.contains("JMSXDeliveryCount")) {
            names.add("JMSXDeliveryCount");
        }
        return Collections.enumeration(names);
    }

    private void put(String name, Object value) throws JMSException {
        checkWritableProperties();
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a property needs a name");
        }
        if (!Character.isJavaIdentifierStart(name.charAt(0)) || !name.chars().skip(1).allMatch(Character::isJavaIdentifierPart)
                || RESERVED.contains(name.toUpperCase(java.util.Locale.ROOT))) {
            throw new IllegalArgumentException("'" + name + "' is not a valid property name");
        }
        properties.put(name, value);
    }

    @Override
    public void setBooleanProperty(String name, boolean value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setByteProperty(String name, byte value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setShortProperty(String name, short value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setIntProperty(String name, int value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setLongProperty(String name, long value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setFloatProperty(String name, float value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setDoubleProperty(String name, double value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setStringProperty(String name, String value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setObjectProperty(String name, Object value) throws JMSException {
        if (!PropertyValues.isValid(value, false)) {
            throw new MessageFormatException("a property value must be a boolean, number or String, not " + value.getClass().getName());
        }
        put(name, value);
    }

    @Override
    public void acknowledge() throws JMSException {
        if (session != null) {
            session.acknowledgeConsumed();
        }
    }

    @Override
    public void clearBody() throws JMSException {
        bodyReadOnly = false;
    }

    @Override
    public <T> T getBody(Class<T> c) throws JMSException {
        if (!isBodyAssignableTo(c)) {
            throw new MessageFormatException("the body of this message cannot be read as " + c.getName());
        }
        return null;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public boolean isBodyAssignableTo(Class c) {
        return true;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + messageId + "]";
    }
}
