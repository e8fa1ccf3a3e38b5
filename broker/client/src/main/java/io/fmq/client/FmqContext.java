package io.fmq.client;

import jakarta.jms.BytesMessage;
import jakarta.jms.CompletionListener;
import jakarta.jms.ConnectionMetaData;
import jakarta.jms.Destination;
import jakarta.jms.ExceptionListener;
import jakarta.jms.IllegalStateRuntimeException;
import jakarta.jms.InvalidClientIDException;
import jakarta.jms.InvalidClientIDRuntimeException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.InvalidDestinationRuntimeException;
import jakarta.jms.InvalidSelectorException;
import jakarta.jms.InvalidSelectorRuntimeException;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSProducer;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.JMSSecurityRuntimeException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageFormatRuntimeException;
import jakarta.jms.MessageListener;
import jakarta.jms.MessageNotWriteableException;
import jakarta.jms.MessageNotWriteableRuntimeException;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.StreamMessage;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TemporaryTopic;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import jakarta.jms.TransactionRolledBackException;
import jakarta.jms.TransactionRolledBackRuntimeException;
import java.io.Serializable;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The simplified API: a connection and a session in one object. Contexts made by {@link #createContext(int)}
 * share this one's connection. The connection starts when the first consumer is created (unless
 * {@link #setAutoStart} says otherwise), as the specification describes.
 */
public final class FmqContext implements JMSContext {
    private final FmqConnection connection;
    private final int sessionMode;
    private final AtomicInteger users;
    private FmqSession session;
    private FmqMessageProducer sharedProducer;
    private boolean autoStart = true;
    private boolean closed;

    FmqContext(FmqConnection connection, int sessionMode, boolean owner) {
        this(connection, sessionMode, new AtomicInteger(1));
    }

    private FmqContext(FmqConnection connection, int sessionMode, AtomicInteger users) {
        if (sessionMode != SESSION_TRANSACTED && sessionMode != AUTO_ACKNOWLEDGE && sessionMode != CLIENT_ACKNOWLEDGE
                && sessionMode != DUPS_OK_ACKNOWLEDGE) {
            throw new JMSRuntimeException("unknown session mode " + sessionMode);
        }
        this.connection = connection;
        this.sessionMode = sessionMode;
        this.users = users;
    }

    static JMSRuntimeException runtime(JMSException e) {
        JMSRuntimeException r;
        if (e instanceof JMSSecurityException) {
            r = new JMSSecurityRuntimeException(e.getMessage(), e.getErrorCode(), e);
        } else if (e instanceof InvalidDestinationException) {
            r = new InvalidDestinationRuntimeException(e.getMessage(), e.getErrorCode(), e);
        } else if (e instanceof InvalidSelectorException) {
            r = new InvalidSelectorRuntimeException(e.getMessage(), e.getErrorCode(), e);
        } else if (e instanceof InvalidClientIDException) {
            r = new InvalidClientIDRuntimeException(e.getMessage(), e.getErrorCode(), e);
        } else if (e instanceof jakarta.jms.IllegalStateException) {
            r = new IllegalStateRuntimeException(e.getMessage(), e.getErrorCode(), e);
        } else if (e instanceof TransactionRolledBackException) {
            r = new TransactionRolledBackRuntimeException(e.getMessage(), e.getErrorCode(), e);
        } else if (e instanceof MessageFormatException) {
            r = new MessageFormatRuntimeException(e.getMessage(), e.getErrorCode(), e);
        } else if (e instanceof MessageNotWriteableException) {
            r = new MessageNotWriteableRuntimeException(e.getMessage(), e.getErrorCode(), e);
        } else {
            r = new JMSRuntimeException(e.getMessage(), e.getErrorCode(), e);
        }
        return r;
    }

    private interface JmsCall<T> {
        T call() throws JMSException;
    }

    static <T> T unchecked(JmsCall<T> call) {
        try {
            return call.call();
        } catch (JMSException e) {
            throw runtime(e);
        }
    }

    private synchronized FmqSession session() {
        if (closed) {
            throw new IllegalStateRuntimeException("the context is closed");
        }
        if (session == null) {
            session = (FmqSession) unchecked(() -> connection.createSession(sessionMode));
        }
        return session;
    }

    private void maybeStart() {
        if (autoStart) {
            unchecked(() -> {
                connection.start();
                return null;
            });
        }
    }

    @Override
    public JMSContext createContext(int sessionMode) {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateRuntimeException("the context is closed");
            }
        }
        users.incrementAndGet();
        return new FmqContext(connection, sessionMode, users);
    }

    @Override
    public JMSProducer createProducer() {
        synchronized (this) {
            if (sharedProducer == null) {
                sharedProducer = (FmqMessageProducer) unchecked(() -> session().createProducer(null));
            }
            return new Producer(this, sharedProducer);
        }
    }

    @Override
    public String getClientID() {
        return unchecked(connection::getClientID);
    }

    @Override
    public void setClientID(String clientID) {
        unchecked(() -> {
            connection.setClientID(clientID);
            return null;
        });
    }

    @Override
    public ConnectionMetaData getMetaData() {
        return unchecked(connection::getMetaData);
    }

    @Override
    public ExceptionListener getExceptionListener() {
        return unchecked(connection::getExceptionListener);
    }

    @Override
    public void setExceptionListener(ExceptionListener listener) {
        unchecked(() -> {
            connection.setExceptionListener(listener);
            return null;
        });
    }

    @Override
    public void start() {
        unchecked(() -> {
            connection.start();
            return null;
        });
    }

    @Override
    public void stop() {
        unchecked(() -> {
            connection.stop();
            return null;
        });
    }

    @Override
    public void setAutoStart(boolean autoStart) {
        this.autoStart = autoStart;
    }

    @Override
    public boolean getAutoStart() {
        return autoStart;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            if (session != null && session.inOwnCallback()) {
                throw new IllegalStateRuntimeException("a message listener or completion listener may not close its own context");
            }
            closed = true;
        }
        unchecked(() -> {
            if (session != null) {
                session.close();
            }
            if (users.decrementAndGet() == 0) {
                connection.close();
            }
            return null;
        });
    }

    @Override
    public BytesMessage createBytesMessage() {
        return unchecked(() -> session().createBytesMessage());
    }

    @Override
    public MapMessage createMapMessage() {
        return unchecked(() -> session().createMapMessage());
    }

    @Override
    public Message createMessage() {
        return unchecked(() -> session().createMessage());
    }

    @Override
    public ObjectMessage createObjectMessage() {
        return unchecked(() -> session().createObjectMessage());
    }

    @Override
    public ObjectMessage createObjectMessage(Serializable object) {
        return unchecked(() -> session().createObjectMessage(object));
    }

    @Override
    public StreamMessage createStreamMessage() {
        return unchecked(() -> session().createStreamMessage());
    }

    @Override
    public TextMessage createTextMessage() {
        return unchecked(() -> session().createTextMessage());
    }

    @Override
    public TextMessage createTextMessage(String text) {
        return unchecked(() -> session().createTextMessage(text));
    }

    @Override
    public boolean getTransacted() {
        return sessionMode == SESSION_TRANSACTED;
    }

    @Override
    public int getSessionMode() {
        return sessionMode;
    }

    @Override
    public void commit() {
        unchecked(() -> {
            session().commit();
            return null;
        });
    }

    @Override
    public void rollback() {
        unchecked(() -> {
            session().rollback();
            return null;
        });
    }

    @Override
    public void recover() {
        unchecked(() -> {
            session().recover();
            return null;
        });
    }

    private JMSConsumer consumer(JmsCall<jakarta.jms.MessageConsumer> open) {
        jakarta.jms.MessageConsumer c = unchecked(open);
        maybeStart();
        return new Consumer((FmqMessageConsumer) c);
    }

    @Override
    public JMSConsumer createConsumer(Destination destination) {
        return consumer(() -> session().createConsumer(destination));
    }

    @Override
    public JMSConsumer createConsumer(Destination destination, String messageSelector) {
        return consumer(() -> session().createConsumer(destination, messageSelector));
    }

    @Override
    public JMSConsumer createConsumer(Destination destination, String messageSelector, boolean noLocal) {
        return consumer(() -> session().createConsumer(destination, messageSelector, noLocal));
    }

    @Override
    public Queue createQueue(String queueName) {
        return unchecked(() -> session().createQueue(queueName));
    }

    @Override
    public Topic createTopic(String topicName) {
        return unchecked(() -> session().createTopic(topicName));
    }

    @Override
    public JMSConsumer createDurableConsumer(Topic topic, String name) {
        return consumer(() -> session().createDurableConsumer(topic, name));
    }

    @Override
    public JMSConsumer createDurableConsumer(Topic topic, String name, String messageSelector, boolean noLocal) {
        return consumer(() -> session().createDurableConsumer(topic, name, messageSelector, noLocal));
    }

    @Override
    public JMSConsumer createSharedDurableConsumer(Topic topic, String name) {
        return consumer(() -> session().createSharedDurableConsumer(topic, name));
    }

    @Override
    public JMSConsumer createSharedDurableConsumer(Topic topic, String name, String messageSelector) {
        return consumer(() -> session().createSharedDurableConsumer(topic, name, messageSelector));
    }

    @Override
    public JMSConsumer createSharedConsumer(Topic topic, String sharedSubscriptionName) {
        return consumer(() -> session().createSharedConsumer(topic, sharedSubscriptionName));
    }

    @Override
    public JMSConsumer createSharedConsumer(Topic topic, String sharedSubscriptionName, String messageSelector) {
        return consumer(() -> session().createSharedConsumer(topic, sharedSubscriptionName, messageSelector));
    }

    @Override
    public QueueBrowser createBrowser(Queue queue) {
        return unchecked(() -> session().createBrowser(queue));
    }

    @Override
    public QueueBrowser createBrowser(Queue queue, String messageSelector) {
        return unchecked(() -> session().createBrowser(queue, messageSelector));
    }

    @Override
    public TemporaryQueue createTemporaryQueue() {
        return unchecked(() -> session().createTemporaryQueue());
    }

    @Override
    public TemporaryTopic createTemporaryTopic() {
        return unchecked(() -> session().createTemporaryTopic());
    }

    @Override
    public void unsubscribe(String name) {
        unchecked(() -> {
            session().unsubscribe(name);
            return null;
        });
    }

    @Override
    public void acknowledge() {
        FmqSession s = session();
        unchecked(() -> {
            s.acknowledgeConsumed();
            return null;
        });
    }

    /** {@link JMSConsumer} over a classic consumer. */
    private static final class Consumer implements JMSConsumer {
        private final FmqMessageConsumer consumer;

        Consumer(FmqMessageConsumer consumer) {
            this.consumer = consumer;
        }

        @Override
        public String getMessageSelector() {
            return unchecked(consumer::getMessageSelector);
        }

        @Override
        public MessageListener getMessageListener() {
            return unchecked(consumer::getMessageListener);
        }

        @Override
        public void setMessageListener(MessageListener listener) {
            unchecked(() -> {
                consumer.setMessageListener(listener);
                return null;
            });
        }

        @Override
        public Message receive() {
            return unchecked(consumer::receive);
        }

        @Override
        public Message receive(long timeout) {
            return unchecked(() -> consumer.receive(timeout));
        }

        @Override
        public Message receiveNoWait() {
            return unchecked(consumer::receiveNoWait);
        }

        @Override
        public void close() {
            unchecked(() -> {
                consumer.close();
                return null;
            });
        }

        @Override
        public <T> T receiveBody(Class<T> c) {
            return unchecked(() -> consumer.receiveBody(c, Long.MAX_VALUE));
        }

        @Override
        public <T> T receiveBody(Class<T> c, long timeout) {
            return unchecked(() -> consumer.receiveBody(c, timeout <= 0 ? Long.MAX_VALUE : timeout));
        }

        @Override
        public <T> T receiveBodyNoWait(Class<T> c) {
            return unchecked(() -> consumer.receiveBody(c, -1));
        }
    }

    /** {@link JMSProducer}: settings on top of the context's one classic producer. */
    private static final class Producer implements JMSProducer {
        private final FmqContext context;
        private final FmqMessageProducer producer;
        private final Map<String, Object> properties = new HashMap<>();
        private int deliveryMode = jakarta.jms.DeliveryMode.PERSISTENT;
        private int priority = Message.DEFAULT_PRIORITY;
        private long timeToLive;
        private long deliveryDelay;
        private boolean disableMessageId;
        private boolean disableTimestamp;
        private CompletionListener async;
        private String correlationId;
        private String type;
        private Destination replyTo;

        Producer(FmqContext context, FmqMessageProducer producer) {
            this.context = context;
            this.producer = producer;
        }

        @Override
        public JMSProducer send(Destination destination, Message message) {
            if (message == null) {
                throw new MessageFormatRuntimeException("no message given");
            }
            unchecked(() -> {
                for (Map.Entry<String, Object> e : properties.entrySet()) {
                    message.setObjectProperty(e.getKey(), e.getValue());
                }
                if (correlationId != null) {
                    message.setJMSCorrelationID(correlationId);
                }
                if (type != null) {
                    message.setJMSType(type);
                }
                if (replyTo != null) {
                    message.setJMSReplyTo(replyTo);
                }
                producer.setDisableMessageID(disableMessageId);
                producer.setDisableMessageTimestamp(disableTimestamp);
                producer.setDeliveryDelay(deliveryDelay);
                if (async != null) {
                    producer.send(destination, message, deliveryMode, priority, timeToLive, async);
                } else {
                    producer.send(destination, message, deliveryMode, priority, timeToLive);
                }
                return null;
            });
            return this;
        }

        @Override
        public JMSProducer send(Destination destination, String body) {
            return send(destination, context.createTextMessage(body));
        }

        @Override
        public JMSProducer send(Destination destination, Map<String, Object> body) {
            MapMessage m = context.createMapMessage();
            if (body != null) {
                unchecked(() -> {
                    for (Map.Entry<String, Object> e : body.entrySet()) {
                        m.setObject(e.getKey(), e.getValue());
                    }
                    return null;
                });
            }
            return send(destination, m);
        }

        @Override
        public JMSProducer send(Destination destination, byte[] body) {
            BytesMessage m = context.createBytesMessage();
            if (body != null) {
                unchecked(() -> {
                    m.writeBytes(body);
                    return null;
                });
            }
            return send(destination, m);
        }

        @Override
        public JMSProducer send(Destination destination, Serializable body) {
            return send(destination, context.createObjectMessage(body));
        }

        @Override
        public JMSProducer setDisableMessageID(boolean value) {
            disableMessageId = value;
            return this;
        }

        @Override
        public boolean getDisableMessageID() {
            return disableMessageId;
        }

        @Override
        public JMSProducer setDisableMessageTimestamp(boolean value) {
            disableTimestamp = value;
            return this;
        }

        @Override
        public boolean getDisableMessageTimestamp() {
            return disableTimestamp;
        }

        @Override
        public JMSProducer setDeliveryMode(int deliveryMode) {
            if (deliveryMode != jakarta.jms.DeliveryMode.PERSISTENT && deliveryMode != jakarta.jms.DeliveryMode.NON_PERSISTENT) {
                throw new JMSRuntimeException("delivery mode " + deliveryMode + " is neither PERSISTENT nor NON_PERSISTENT");
            }
            this.deliveryMode = deliveryMode;
            return this;
        }

        @Override
        public int getDeliveryMode() {
            return deliveryMode;
        }

        @Override
        public JMSProducer setPriority(int priority) {
            if (priority < 0 || priority > 9) {
                throw new JMSRuntimeException("priority " + priority + " is not between 0 and 9");
            }
            this.priority = priority;
            return this;
        }

        @Override
        public int getPriority() {
            return priority;
        }

        @Override
        public JMSProducer setTimeToLive(long timeToLive) {
            this.timeToLive = timeToLive;
            return this;
        }

        @Override
        public long getTimeToLive() {
            return timeToLive;
        }

        @Override
        public JMSProducer setDeliveryDelay(long deliveryDelay) {
            this.deliveryDelay = deliveryDelay;
            return this;
        }

        @Override
        public long getDeliveryDelay() {
            return deliveryDelay;
        }

        @Override
        public JMSProducer setAsync(CompletionListener completionListener) {
            async = completionListener;
            return this;
        }

        @Override
        public CompletionListener getAsync() {
            return async;
        }

        private JMSProducer property(String name, Object value) {
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("a property needs a name");
            }
            if (!PropertyValues.isValid(value, false)) {
                throw new MessageFormatRuntimeException("a property value must be a boolean, number or String");
            }
            properties.put(name, value);
            return this;
        }

        @Override
        public JMSProducer setProperty(String name, boolean value) {
            return property(name, value);
        }

        @Override
        public JMSProducer setProperty(String name, byte value) {
            return property(name, value);
        }

        @Override
        public JMSProducer setProperty(String name, short value) {
            return property(name, value);
        }

        @Override
        public JMSProducer setProperty(String name, int value) {
            return property(name, value);
        }

        @Override
        public JMSProducer setProperty(String name, long value) {
            return property(name, value);
        }

        @Override
        public JMSProducer setProperty(String name, float value) {
            return property(name, value);
        }

        @Override
        public JMSProducer setProperty(String name, double value) {
            return property(name, value);
        }

        @Override
        public JMSProducer setProperty(String name, String value) {
            return property(name, value);
        }

        @Override
        public JMSProducer setProperty(String name, Object value) {
            return property(name, value);
        }

        @Override
        public JMSProducer clearProperties() {
            properties.clear();
            return this;
        }

        @Override
        public boolean propertyExists(String name) {
            return properties.containsKey(name);
        }

        private interface Read<T> {
            T apply(Object v) throws JMSException;
        }

        private <T> T read(String name, Read<T> r) {
            try {
                return r.apply(properties.get(name));
            } catch (JMSException e) {
                throw new MessageFormatRuntimeException(e.getMessage());
            }
        }

        @Override
        public boolean getBooleanProperty(String name) {
            return read(name, PropertyValues::toBoolean);
        }

        @Override
        public byte getByteProperty(String name) {
            return read(name, PropertyValues::toByte);
        }

        @Override
        public short getShortProperty(String name) {
            return read(name, PropertyValues::toShort);
        }

        @Override
        public int getIntProperty(String name) {
            return read(name, PropertyValues::toInt);
        }

        @Override
        public long getLongProperty(String name) {
            return read(name, PropertyValues::toLong);
        }

        @Override
        public float getFloatProperty(String name) {
            return read(name, PropertyValues::toFloat);
        }

        @Override
        public double getDoubleProperty(String name) {
            return read(name, PropertyValues::toDouble);
        }

        @Override
        public String getStringProperty(String name) {
            return read(name, PropertyValues::toStringValue);
        }

        @Override
        public Object getObjectProperty(String name) {
            return properties.get(name);
        }

        @Override
        public Set<String> getPropertyNames() {
            return Collections.unmodifiableSet(new java.util.HashSet<>(properties.keySet()));
        }

        @Override
        public JMSProducer setJMSCorrelationIDAsBytes(byte[] correlationID) {
            correlationId = correlationID == null ? null : new String(correlationID, java.nio.charset.StandardCharsets.ISO_8859_1);
            return this;
        }

        @Override
        public byte[] getJMSCorrelationIDAsBytes() {
            return correlationId == null ? null : correlationId.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        }

        @Override
        public JMSProducer setJMSCorrelationID(String correlationID) {
            correlationId = correlationID;
            return this;
        }

        @Override
        public String getJMSCorrelationID() {
            return correlationId;
        }

        @Override
        public JMSProducer setJMSType(String type) {
            this.type = type;
            return this;
        }

        @Override
        public String getJMSType() {
            return type;
        }

        @Override
        public JMSProducer setJMSReplyTo(Destination replyTo) {
            this.replyTo = replyTo;
            return this;
        }

        @Override
        public Destination getJMSReplyTo() {
            return replyTo;
        }
    }
}
