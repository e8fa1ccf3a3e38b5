package io.fmq.client;

import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.ObjectMessage;
import jakarta.jms.StreamMessage;
import jakarta.jms.TextMessage;
import java.util.Enumeration;

/** Copies a message of another JMS provider into an FMQ message, as the specification requires producers to accept them. */
final class Foreign {
    private Foreign() {
    }

    static FmqMessage copy(Message from) throws JMSException {
        FmqMessage to;
        if (from instanceof TextMessage) {
            FmqTextMessage t = new FmqTextMessage();
            t.setText(((TextMessage) from).getText());
            to = t;
        } else if (from instanceof BytesMessage) {
            BytesMessage b = (BytesMessage) from;
            b.reset();
            byte[] data = new byte[(int) b.getBodyLength()];
            b.readBytes(data);
            FmqBytesMessage f = new FmqBytesMessage();
            f.writeBytes(data);
            to = f;
        } else if (from instanceof MapMessage) {
            MapMessage mm = (MapMessage) from;
            FmqMapMessage f = new FmqMapMessage();
            for (Enumeration<?> e = mm.getMapNames(); e.hasMoreElements();) {
                String name = (String) e.nextElement();
                f.setObject(name, mm.getObject(name));
            }
            to = f;
        } else if (from instanceof ObjectMessage) {
            FmqObjectMessage f = new FmqObjectMessage();
            f.setObject(((ObjectMessage) from).getObject());
            to = f;
        } else if (from instanceof StreamMessage) {
            StreamMessage sm = (StreamMessage) from;
            sm.reset();
            FmqStreamMessage f = new FmqStreamMessage();
            try {
                while (true) {
                    f.writeObject(sm.readObject());
                }
            } catch (jakarta.jms.MessageEOFException end) {
                // copied every value
            }
            to = f;
        } else {
            to = new FmqMessage();
        }
        to.setJMSCorrelationID(from.getJMSCorrelationID());
        to.setJMSReplyTo(from.getJMSReplyTo());
        to.setJMSType(from.getJMSType());
        to.setJMSMessageID(from.getJMSMessageID());
        to.setJMSTimestamp(from.getJMSTimestamp());
        to.setJMSExpiration(from.getJMSExpiration());
        to.setJMSDeliveryMode(from.getJMSDeliveryMode());
        to.setJMSPriority(from.getJMSPriority());
        to.setJMSDeliveryTime(from.getJMSDeliveryTime());
        for (Enumeration<?> e = from.getPropertyNames(); e.hasMoreElements();) {
            String name = (String) e.nextElement();
            to.setObjectProperty(name, from.getObjectProperty(name));
        }
        return to;
    }
}
