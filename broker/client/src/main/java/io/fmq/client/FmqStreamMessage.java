package io.fmq.client;

import io.fmq.protocol.Wire;
import io.fmq.protocol.WireMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import jakarta.jms.JMSException;
import jakarta.jms.MessageEOFException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageNotReadableException;
import jakarta.jms.StreamMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * A message whose body is a sequence of typed values, written and then read in order. A value that
 * cannot be read as the requested type stays unread (the next read gets it again), as the specification
 * requires. On the wire: int32 count, then {@link Wire} values.
 */
public final class FmqStreamMessage extends FmqMessage implements StreamMessage {
    private List<Object> values = new ArrayList<>();
    private int position = -1;
    /** Bytes of the current byte[] value already returned by readBytes; -1 when none is being read. */
    private int bytesRead = -1;

    @Override
    byte bodyType() {
        return WireMessage.BODY_STREAM;
    }

    @Override
    byte[] bodyBytes() {
        ByteBuf b = Unpooled.buffer();
        try {
            b.writeInt(values.size());
            values.forEach(v -> Wire.writeValue(b, v));
            byte[] out = new byte[b.readableBytes()];
            b.readBytes(out);
            return out;
        } finally {
            b.release();
        }
    }

    @Override
    void readBody(byte[] body) {
        values = new ArrayList<>();
        if (body.length > 0) {
            ByteBuf b = Unpooled.wrappedBuffer(body);
            int n = b.readInt();
            for (int i = 0; i < n; i++) {
                values.add(Wire.readValue(b));
            }
        }
        position = 0;
    }

    private Object peek() throws JMSException {
        if (position < 0) {
            throw new MessageNotReadableException("the message is being written: call reset() first");
        }
        if (position >= values.size()) {
            throw new MessageEOFException("the end of the stream was reached");
        }
        if (bytesRead >= 0) {
            throw new MessageFormatException("a byte array is being read with readBytes: finish it first");
        }
        return values.get(position);
    }

    private interface Conversion<T> {
        T apply(Object v) throws JMSException;
    }

    private <T> T read(Conversion<T> conversion) throws JMSException {
        Object v = peek();
        T result = conversion.apply(v); // a failed conversion throws and leaves the value unread
        position++;
        return result;
    }

    private void write(Object v) throws JMSException {
        checkWritableBody();
        if (position >= 0) {
            position = -1;
        }
        values.add(v);
    }

    @Override
    public boolean readBoolean() throws JMSException {
        return read(PropertyValues::toBoolean);
    }

    @Override
    public byte readByte() throws JMSException {
        return read(PropertyValues::toByte);
    }

    @Override
    public short readShort() throws JMSException {
        return read(PropertyValues::toShort);
    }

    @Override
    public char readChar() throws JMSException {
        return read(PropertyValues::toChar);
    }

    @Override
    public int readInt() throws JMSException {
        return read(PropertyValues::toInt);
    }

    @Override
    public long readLong() throws JMSException {
        return read(PropertyValues::toLong);
    }

    @Override
    public float readFloat() throws JMSException {
        return read(PropertyValues::toFloat);
    }

    @Override
    public double readDouble() throws JMSException {
        return read(PropertyValues::toDouble);
    }

    @Override
    public String readString() throws JMSException {
        return read(PropertyValues::toStringValue);
    }

    @Override
    public int readBytes(byte[] value) throws JMSException {
        if (position < 0) {
            throw new MessageNotReadableException("the message is being written: call reset() first");
        }
        if (position >= values.size()) {
            throw new MessageEOFException("the end of the stream was reached");
        }
        Object v = values.get(position);
        if (v == null) {
            position++;
            return -1;
        }
        if (!(v instanceof byte[])) {
            throw new MessageFormatException("the next value is a " + v.getClass().getSimpleName() + ", not a byte array");
        }
        byte[] bytes = (byte[]) v;
        int from = Math.max(bytesRead, 0);
        if (from >= bytes.length) {
            bytesRead = -1;
            position++;
            return -1;
        }
        int n = Math.min(value.length, bytes.length - from);
        System.arraycopy(bytes, from, value, 0, n);
        bytesRead = from + n;
        if (n < value.length || bytesRead == bytes.length && n == 0) {
            bytesRead = -1;
            position++;
        }
        return n;
    }

    @Override
    public Object readObject() throws JMSException {
        return read(v -> v instanceof byte[] ? ((byte[]) v).clone() : v);
    }

    @Override
    public void writeBoolean(boolean value) throws JMSException {
        write(value);
    }

    @Override
    public void writeByte(byte value) throws JMSException {
        write(value);
    }

    @Override
    public void writeShort(short value) throws JMSException {
        write(value);
    }

    @Override
    public void writeChar(char value) throws JMSException {
        write(value);
    }

    @Override
    public void writeInt(int value) throws JMSException {
        write(value);
    }

    @Override
    public void writeLong(long value) throws JMSException {
        write(value);
    }

    @Override
    public void writeFloat(float value) throws JMSException {
        write(value);
    }

    @Override
    public void writeDouble(double value) throws JMSException {
        write(value);
    }

    @Override
    public void writeString(String value) throws JMSException {
        write(value);
    }

    @Override
    public void writeBytes(byte[] value) throws JMSException {
        write(value.clone());
    }

    @Override
    public void writeBytes(byte[] value, int offset, int length) throws JMSException {
        byte[] copy = new byte[length];
        System.arraycopy(value, offset, copy, 0, length);
        write(copy);
    }

    @Override
    public void writeObject(Object value) throws JMSException {
        if (!PropertyValues.isValid(value, true)) {
            throw new MessageFormatException("cannot write a " + value.getClass().getName() + " to a stream message");
        }
        write(value instanceof byte[] ? ((byte[]) value).clone() : value);
    }

    @Override
    public void reset() {
        bodyReadOnly = true;
        position = 0;
        bytesRead = -1;
    }

    @Override
    public void clearBody() throws JMSException {
        super.clearBody();
        values = new ArrayList<>();
        position = -1;
        bytesRead = -1;
    }

    @Override
    public <T> T getBody(Class<T> c) throws MessageFormatException {
        throw new MessageFormatException("the body of a stream message cannot be read with getBody");
    }

    @Override
    @SuppressWarnings("rawtypes")
    public boolean isBodyAssignableTo(Class c) {
        return false;
    }
}
