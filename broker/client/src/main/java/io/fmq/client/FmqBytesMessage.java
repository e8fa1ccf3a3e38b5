package io.fmq.client;

import io.fmq.protocol.WireMessage;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.MessageEOFException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageNotReadableException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;

/** A message whose body is a stream of bytes, written and read like a DataOutput/DataInput. */
public final class FmqBytesMessage extends FmqMessage implements BytesMessage {
    private ByteArrayOutputStream written = new ByteArrayOutputStream();
    private DataOutputStream out = new DataOutputStream(written);
    private byte[] data;
    private DataInputStream in;

    @Override
    byte bodyType() {
        return WireMessage.BODY_BYTES;
    }

    @Override
    byte[] bodyBytes() {
        return data != null ? data : written.toByteArray();
    }

    @Override
    void readBody(byte[] body) {
        data = body;
        in = new DataInputStream(new ByteArrayInputStream(body));
        out = null;
    }

    private DataInputStream reading() throws MessageNotReadableException {
        if (in == null) {
            throw new MessageNotReadableException("the message is being written: call reset() first");
        }
        return in;
    }

    private DataOutputStream writing() throws JMSException {
        checkWritableBody();
        if (out == null) {
            written = new ByteArrayOutputStream();
            out = new DataOutputStream(written);
            data = null;
            in = null;
        }
        return out;
    }

    private static JMSException failure(IOException e) {
        if (e instanceof EOFException) {
            return new MessageEOFException("the end of the message body was reached");
        }
        JMSException j = new JMSException(e.getMessage());
        j.setLinkedException(e);
        return j;
    }

    @Override
    public long getBodyLength() throws JMSException {
        reading();
        return data.length;
    }

    @Override
    public boolean readBoolean() throws JMSException {
        try {
            return reading().readBoolean();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public byte readByte() throws JMSException {
        try {
            return reading().readByte();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public int readUnsignedByte() throws JMSException {
        try {
            return reading().readUnsignedByte();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public short readShort() throws JMSException {
        try {
            return reading().readShort();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public int readUnsignedShort() throws JMSException {
        try {
            return reading().readUnsignedShort();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public char readChar() throws JMSException {
        try {
            return reading().readChar();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public int readInt() throws JMSException {
        try {
            return reading().readInt();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public long readLong() throws JMSException {
        try {
            return reading().readLong();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public float readFloat() throws JMSException {
        try {
            return reading().readFloat();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public double readDouble() throws JMSException {
        try {
            return reading().readDouble();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public String readUTF() throws JMSException {
        try {
            return reading().readUTF();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public int readBytes(byte[] value) throws JMSException {
        return readBytes(value, value.length);
    }

    @Override
    public int readBytes(byte[] value, int length) throws JMSException {
        if (length > value.length || length < 0) {
            throw new IndexOutOfBoundsException("length " + length + " for an array of " + value.length);
        }
        try {
            int n = reading().read(value, 0, length);
            return n;
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public void writeBoolean(boolean value) throws JMSException {
        try {
            writing().writeBoolean(value);
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public void writeByte(byte value) throws JMSException {
        try {
            writing().writeByte(value);
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public void writeShort(short value) throws JMSException {
        try {
            writing().writeShort(value);
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public void writeChar(char value) throws JMSException {
        try {
            writing().writeChar(value);
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public void writeInt(int value) throws JMSException {
        try {
            writing().writeInt(value);
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public void writeLong(long value) throws JMSException {
        try {
            writing().writeLong(value);
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public void writeFloat(float value) throws JMSException {
        try {
            writing().writeFloat(value);
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public void writeDouble(double value) throws JMSException {
        try {
            writing().writeDouble(value);
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public void writeUTF(String value) throws JMSException {
        try {
            writing().writeUTF(value);
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public void writeBytes(byte[] value) throws JMSException {
        writeBytes(value, 0, value.length);
    }

    @Override
    public void writeBytes(byte[] value, int offset, int length) throws JMSException {
        try {
            writing().write(value, offset, length);
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public void writeObject(Object value) throws JMSException {
        if (value instanceof Boolean) {
            writeBoolean((Boolean) value);
        } else if (value instanceof Byte) {
            writeByte((Byte) value);
        } else if (value instanceof Short) {
            writeShort((Short) value);
        } else if (value instanceof Character) {
            writeChar((Character) value);
        } else if (value instanceof Integer) {
            writeInt((Integer) value);
        } else if (value instanceof Long) {
            writeLong((Long) value);
        } else if (value instanceof Float) {
            writeFloat((Float) value);
        } else if (value instanceof Double) {
            writeDouble((Double) value);
        } else if (value instanceof String) {
            writeUTF((String) value);
        } else if (value instanceof byte[]) {
            writeBytes((byte[]) value);
        } else if (value == null) {
            throw new NullPointerException("writeObject(null)");
        } else {
            throw new MessageFormatException("cannot write a " + value.getClass().getName() + " to a bytes message");
        }
    }

    @Override
    public void reset() {
        bodyReadOnly = true;
        readBody(bodyBytes());
    }

    @Override
    public void clearBody() throws JMSException {
        super.clearBody();
        written = new ByteArrayOutputStream();
        out = new DataOutputStream(written);
        data = null;
        in = null;
    }

    @Override
    public <T> T getBody(Class<T> c) throws JMSException {
        byte[] body = bodyBytes();
        if (body.length == 0) {
            return null;
        }
        if (!isBodyAssignableTo(c)) {
            throw new MessageFormatException("a bytes message body cannot be read as " + c.getName());
        }
        return c.cast(body.clone());
    }

    @Override
    @SuppressWarnings("rawtypes")
    public boolean isBodyAssignableTo(Class c) {
        return bodyBytes().length == 0 || c.isAssignableFrom(byte[].class);
    }
}
