package io.fmq.client;

import io.fmq.protocol.WireMessage;
import jakarta.jms.JMSException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.ObjectMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * A message whose body is a serialised Java object. Deserialisation only accepts classes on an
 * allow-list: the system property {@code fmq.objectmessage.allow} (comma-separated class names or
 * package prefixes ending in {@code .*}; {@code java.lang.*,java.util.*,java.time.*,java.math.*} when not set).
 * Anything else is refused, so a message cannot make the receiving JVM run arbitrary code.
 */
public final class FmqObjectMessage extends FmqMessage implements ObjectMessage {
    static final String ALLOW_PROPERTY = "fmq.objectmessage.allow";
    private static final String DEFAULT_ALLOW = "java.lang.*,java.util.*,java.time.*,java.math.*";

    private byte[] serialized;

    @Override
    byte bodyType() {
        return WireMessage.BODY_OBJECT;
    }

    @Override
    byte[] bodyBytes() {
        return serialized == null ? new byte[0] : serialized;
    }

    @Override
    void readBody(byte[] body) {
        serialized = body.length == 0 ? null : body;
    }

    @Override
    public void setObject(Serializable object) throws JMSException {
        checkWritableBody();
        if (object == null) {
            serialized = null;
            return;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(object);
        } catch (IOException e) {
            MessageFormatException m = new MessageFormatException("cannot serialise " + object.getClass().getName() + ": " + e.getMessage());
            m.setLinkedException(e);
            throw m;
        }
        serialized = bytes.toByteArray();
    }

    @Override
    public Serializable getObject() throws JMSException {
        if (serialized == null) {
            return null;
        }
        List<String> allowed = Arrays.asList(System.getProperty(ALLOW_PROPERTY, DEFAULT_ALLOW).split("\\s*,\\s*"));
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(serialized))) {
            in.setObjectInputFilter(info -> {
                Class<?> c = info.serialClass();
                if (c == null) {
                    return ObjectInputFilter.Status.UNDECIDED;
                }
                while (c.isArray()) {
                    c = c.getComponentType();
                }
                if (c.isPrimitive()) {
                    return ObjectInputFilter.Status.ALLOWED;
                }
                String name = c.getName();
                for (String a : allowed) {
                    if (a.endsWith(".*") ? name.startsWith(a.substring(0, a.length() - 1)) : name.equals(a)) {
                        return ObjectInputFilter.Status.ALLOWED;
                    }
                }
                return ObjectInputFilter.Status.REJECTED;
            });
            return (Serializable) in.readObject();
        } catch (java.io.InvalidClassException e) {
            throw new MessageFormatException("the object message holds a class that is not on the allow-list (" + e.getMessage()
                    + "); add it to the system property " + ALLOW_PROPERTY);
        } catch (IOException | ClassNotFoundException e) {
            MessageFormatException m = new MessageFormatException("cannot deserialise the object message: " + e.getMessage());
            m.setLinkedException(e instanceof Exception ? e : null);
            throw m;
        }
    }

    @Override
    public void clearBody() throws JMSException {
        super.clearBody();
        serialized = null;
    }

    @Override
    public <T> T getBody(Class<T> c) throws JMSException {
        Serializable o = getObject();
        if (o == null) {
            return null;
        }
        if (!c.isInstance(o)) {
            throw new MessageFormatException("the object message holds a " + o.getClass().getName() + ", not a " + c.getName());
        }
        return c.cast(o);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public boolean isBodyAssignableTo(Class c) {
        if (serialized == null) {
            return true;
        }
        try {
            Serializable o = getObject();
            return c.isInstance(o);
        } catch (JMSException e) {
            return false;
        }
    }
}
