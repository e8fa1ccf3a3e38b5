package io.fmq.client;

import io.fmq.protocol.Wire;
import io.fmq.protocol.WireMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.MessageFormatException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;

/** A message whose body is a map of names to primitive values, Strings and byte arrays. */
public final class FmqMapMessage extends FmqMessage implements MapMessage {
    private Map<String, Object> map = new LinkedHashMap<>();

    @Override
    byte bodyType() {
        return WireMessage.BODY_MAP;
    }

    @Override
    byte[] bodyBytes() {
        ByteBuf b = Unpooled.buffer();
        try {
            Wire.writeMap(b, map);
            byte[] out = new byte[b.readableBytes()];
            b.readBytes(out);
            return out;
        } finally {
            b.release();
        }
    }

    @Override
    void readBody(byte[] body) {
        map = body.length == 0 ? new LinkedHashMap<>() : new LinkedHashMap<>(Wire.readMap(Unpooled.wrappedBuffer(body)));
    }

    private void put(String name, Object value) throws JMSException {
        checkWritableBody();
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a map entry needs a name");
        }
        map.put(name, value);
    }

    @Override
    public boolean getBoolean(String name) throws JMSException {
        return PropertyValues.toBoolean(map.get(name));
    }

    @Override
    public byte getByte(String name) throws JMSException {
        return PropertyValues.toByte(map.get(name));
    }

    @Override
    public short getShort(String name) throws JMSException {
        return PropertyValues.toShort(map.get(name));
    }

    @Override
    public char getChar(String name) throws JMSException {
        return PropertyValues.toChar(map.get(name));
    }

    @Override
    public int getInt(String name) throws JMSException {
        return PropertyValues.toInt(map.get(name));
    }

    @Override
    public long getLong(String name) throws JMSException {
        return PropertyValues.toLong(map.get(name));
    }

    @Override
    public float getFloat(String name) throws JMSException {
        return PropertyValues.toFloat(map.get(name));
    }

    @Override
    public double getDouble(String name) throws JMSException {
        return PropertyValues.toDouble(map.get(name));
    }

    @Override
    public String getString(String name) throws JMSException {
        return PropertyValues.toStringValue(map.get(name));
    }

    @Override
    public byte[] getBytes(String name) throws JMSException {
        byte[] b = PropertyValues.toBytes(map.get(name));
        return b == null ? null : b.clone();
    }

    @Override
    public Object getObject(String name) {
        Object v = map.get(name);
        return v instanceof byte[] ? ((byte[]) v).clone() : v;
    }

    @Override
    public Enumeration<String> getMapNames() {
        return Collections.enumeration(map.keySet());
    }

    @Override
    public void setBoolean(String name, boolean value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setByte(String name, byte value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setShort(String name, short value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setChar(String name, char value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setInt(String name, int value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setLong(String name, long value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setFloat(String name, float value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setDouble(String name, double value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setString(String name, String value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setBytes(String name, byte[] value) throws JMSException {
        put(name, value == null ? null : value.clone());
    }

    @Override
    public void setBytes(String name, byte[] value, int offset, int length) throws JMSException {
        byte[] copy = new byte[length];
        System.arraycopy(value, offset, copy, 0, length);
        put(name, copy);
    }

    @Override
    public void setObject(String name, Object value) throws JMSException {
        if (!PropertyValues.isValid(value, true)) {
            throw new MessageFormatException("a map value must be a primitive wrapper, String or byte[], not " + value.getClass().getName());
        }
        put(name, value instanceof byte[] ? ((byte[]) value).clone() : value);
    }

    @Override
    public boolean itemExists(String name) {
        return map.containsKey(name);
    }

    @Override
    public void clearBody() throws JMSException {
        super.clearBody();
        map = new LinkedHashMap<>();
    }

    @Override
    public <T> T getBody(Class<T> c) throws JMSException {
        if (map.isEmpty()) {
            return null;
        }
        if (!isBodyAssignableTo(c)) {
            throw new MessageFormatException("a map message body cannot be read as " + c.getName());
        }
        return c.cast(new LinkedHashMap<>(map));
    }

    @Override
    @SuppressWarnings("rawtypes")
    public boolean isBodyAssignableTo(Class c) {
        return map.isEmpty() || c.isAssignableFrom(Map.class);
    }
}
