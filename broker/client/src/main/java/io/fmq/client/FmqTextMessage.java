package io.fmq.client;

import io.fmq.protocol.WireMessage;
import jakarta.jms.JMSException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.TextMessage;
import java.nio.charset.StandardCharsets;

/** A message whose body is a String. On the wire: one byte (0 null, 1 text), then UTF-8. */
public final class FmqTextMessage extends FmqMessage implements TextMessage {
    private String text;

    @Override
    byte bodyType() {
        return WireMessage.BODY_TEXT;
    }

    @Override
    byte[] bodyBytes() {
        if (text == null) {
            return new byte[] {0};
        }
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[utf8.length + 1];
        out[0] = 1;
        System.arraycopy(utf8, 0, out, 1, utf8.length);
        return out;
    }

    @Override
    void readBody(byte[] body) {
        text = body.length == 0 || body[0] == 0 ? null : new String(body, 1, body.length - 1, StandardCharsets.UTF_8);
    }

    @Override
    public void setText(String string) throws JMSException {
        checkWritableBody();
        text = string;
    }

    @Override
    public String getText() {
        return text;
    }

    @Override
    public void clearBody() throws JMSException {
        super.clearBody();
        text = null;
    }

    @Override
    public <T> T getBody(Class<T> c) throws JMSException {
        if (text == null) {
            return null;
        }
        if (!isBodyAssignableTo(c)) {
            throw new MessageFormatException("a text message body cannot be read as " + c.getName());
        }
        return c.cast(text);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public boolean isBodyAssignableTo(Class c) {
        return text == null || c.isAssignableFrom(String.class);
    }
}
