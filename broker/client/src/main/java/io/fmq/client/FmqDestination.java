package io.fmq.client;

import io.fmq.protocol.Dest;
import jakarta.jms.Destination;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TemporaryTopic;
import jakarta.jms.Topic;
import java.io.Serializable;
import java.util.Objects;

/** FMQ's queues and topics, permanent and temporary. */
public abstract class FmqDestination implements Destination, Serializable {
    private static final long serialVersionUID = 1L;

    final Dest.Kind kind;
    final String name;
    transient FmqConnection owner;

    FmqDestination(Dest.Kind kind, String name) {
        this.kind = kind;
        this.name = name;
    }

    Dest toDest() {
        return new Dest(kind, name);
    }

    static FmqDestination of(Dest d) {
        if (d == null) {
            return null;
        }
        switch (d.kind()) {
            case QUEUE: return new FmqQueue(d.name());
            case TOPIC: return new FmqTopic(d.name());
            case TEMP_QUEUE: return new FmqTemporaryQueue(d.name(), null);
            default: return new FmqTemporaryTopic(d.name(), null);
        }
    }

    static FmqDestination cast(Destination d) throws JMSException {
        if (d == null) {
            return null;
        }
        if (d instanceof FmqDestination) {
            return (FmqDestination) d;
        }
        if (d instanceof Queue) {
            return new FmqQueue(((Queue) d).getQueueName());
        }
        if (d instanceof Topic) {
            return new FmqTopic(((Topic) d).getTopicName());
        }
        throw new InvalidDestinationException("not a queue or topic: " + d);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FmqDestination && ((FmqDestination) o).kind == kind && ((FmqDestination) o).name.equals(name);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, name);
    }

    /** A queue. */
    public static class FmqQueue extends FmqDestination implements Queue {
        private static final long serialVersionUID = 1L;

        public FmqQueue(String name) {
            this(Dest.Kind.QUEUE, name);
        }

        FmqQueue(Dest.Kind kind, String name) {
            super(kind, name);
        }

        @Override
        public String getQueueName() {
            return name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** A topic. */
    public static class FmqTopic extends FmqDestination implements Topic {
        private static final long serialVersionUID = 1L;

        public FmqTopic(String name) {
            this(Dest.Kind.TOPIC, name);
        }

        FmqTopic(Dest.Kind kind, String name) {
            super(kind, name);
        }

        @Override
        public String getTopicName() {
            return name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** A queue that lives as long as the connection that created it. */
    public static final class FmqTemporaryQueue extends FmqQueue implements TemporaryQueue {
        private static final long serialVersionUID = 1L;

        FmqTemporaryQueue(String name, FmqConnection owner) {
            super(Dest.Kind.TEMP_QUEUE, name);
            this.owner = owner;
        }

        @Override
        public void delete() throws JMSException {
            if (owner == null) {
                throw new jakarta.jms.IllegalStateException("only the connection that created " + name + " can delete it");
            }
            owner.deleteTemporary(this);
        }
    }

    /** A topic that lives as long as the connection that created it. */
    public static final class FmqTemporaryTopic extends FmqTopic implements TemporaryTopic {
        private static final long serialVersionUID = 1L;

        FmqTemporaryTopic(String name, FmqConnection owner) {
            super(Dest.Kind.TEMP_TOPIC, name);
            this.owner = owner;
        }

        @Override
        public void delete() throws JMSException {
            if (owner == null) {
                throw new jakarta.jms.IllegalStateException("only the connection that created " + name + " can delete it");
            }
            owner.deleteTemporary(this);
        }
    }
}
