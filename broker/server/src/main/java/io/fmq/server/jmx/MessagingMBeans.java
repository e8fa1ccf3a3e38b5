package io.fmq.server.jmx;

import io.fmq.management.BrokerMXBean;
import io.fmq.management.ClientConnectionMXBean;
import io.fmq.management.DestinationMXBean;
import io.fmq.management.ObjectNames;
import io.fmq.protocol.Dest;
import io.fmq.protocol.WireMessage;
import io.fmq.server.broker.Broker;
import io.fmq.server.broker.BrokerConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the broker over JMX: {@code fmq:type=Broker}, one {@code fmq:type=Destination,kind=...,name=...}
 * per queue and topic, and one {@code fmq:type=Connection,id=...} per client connection, registered and
 * unregistered as they come and go.
 */
public final class MessagingMBeans implements Broker.Events, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MessagingMBeans.class);

    private final MBeanServer mbeans;
    private final Broker broker;
    private final LongSupplier storeBytes;
    private final Set<ObjectName> registered = ConcurrentHashMap.newKeySet();

    public MessagingMBeans(MBeanServer mbeans, Broker broker, LongSupplier storeBytes) {
        this.mbeans = mbeans;
        this.broker = broker;
        this.storeBytes = storeBytes;
    }

    /** Registers the broker MBean and starts following the broker's destinations and connections. */
    public void start() {
        register(ObjectNames.BROKER, new DescribedMXBean<>(new BrokerControl(), BrokerMXBean.class));
        broker.setEvents(this);
    }

    private void register(ObjectName name, Object mbean) {
        try {
            if (mbeans.isRegistered(name)) {
                mbeans.unregisterMBean(name);
            }
            mbeans.registerMBean(mbean, name);
            registered.add(name);
        } catch (JMException e) {
            LOG.warn("Cannot register MBean {}: {}", name, e.toString());
        }
    }

    private void unregister(ObjectName name) {
        registered.remove(name);
        try {
            if (mbeans.isRegistered(name)) {
                mbeans.unregisterMBean(name);
            }
        } catch (JMException e) {
            LOG.debug("MBean {} already gone", name);
        }
    }

    private static String kind(Dest d) {
        return d.isQueue() ? "queue" : "topic";
    }

    @Override
    public void destinationAdded(Dest d) {
        register(ObjectNames.destination(kind(d), d.name()), new DescribedMXBean<>(new DestinationControl(d), DestinationMXBean.class));
    }

    @Override
    public void destinationRemoved(Dest d) {
        unregister(ObjectNames.destination(kind(d), d.name()));
    }

    @Override
    public void connectionOpened(BrokerConnection c) {
        register(ObjectNames.connection(c.id()), new DescribedMXBean<>(new ConnectionControl(c), ClientConnectionMXBean.class));
    }

    @Override
    public void connectionClosed(BrokerConnection c) {
        unregister(ObjectNames.connection(c.id()));
    }

    @Override
    public void close() {
        broker.setEvents(null);
        for (ObjectName name : List.copyOf(registered)) {
            unregister(name);
        }
    }

    /** The destination MBean. */
    private final class DestinationControl implements DestinationMXBean {
        private final Dest dest;

        DestinationControl(Dest dest) {
            this.dest = dest;
        }

        private Broker.DestinationStats stats() {
            Broker.DestinationStats s = broker.destinationStats(dest);
            return s != null ? s : new Broker.DestinationStats(dest.name(), dest.isQueue(), 0, 0, 0, 0, 0, 0, 0);
        }

        @Override
        public String getName() {
            return dest.name();
        }

        @Override
        public String getKind() {
            return kind(dest);
        }

        @Override
        public int getDepth() {
            return stats().depth();
        }

        @Override
        public long getEnqueued() {
            return stats().enqueued();
        }

        @Override
        public long getDequeued() {
            return stats().dequeued();
        }

        @Override
        public long getExpired() {
            return stats().expired();
        }

        @Override
        public int getConsumers() {
            return stats().consumers();
        }

        @Override
        public int getSubscriptions() {
            return stats().subscriptions();
        }

        @Override
        public long getOldestMessageAgeMillis() {
            return stats().oldestAgeMillis();
        }

        @Override
        public int purge() {
            try {
                return broker.purge(dest);
            } catch (IOException e) {
                throw new UncheckedIOException("the data store refused the purge: " + e.getMessage(), e);
            }
        }

        @Override
        public String[] browse(int max) {
            List<WireMessage> messages = broker.browse(dest, Math.max(0, Math.min(max, 10_000)));
            String[] lines = new String[messages.size()];
            for (int i = 0; i < lines.length; i++) {
                WireMessage m = messages.get(i);
                String body = m.bodyType() == WireMessage.BODY_TEXT && m.body().length > 1
                        ? new String(m.body(), 1, Math.min(m.body().length - 1, 80), StandardCharsets.UTF_8) : "(" + m.body().length + " bytes)";
                lines[i] = m.messageId() + " | priority " + m.priority() + " | " + (m.persistent() ? "persistent" : "non-persistent")
                        + " | " + Instant.ofEpochMilli(m.timestamp()) + " | " + m.body().length + " bytes | " + m.properties() + " | " + body;
            }
            return lines;
        }

        @Override
        public int moveMessages(String targetQueue, int max) {
            if (!dest.isQueue()) {
                throw new IllegalArgumentException("messages can only be moved from a queue");
            }
            if (targetQueue == null || targetQueue.isBlank()) {
                throw new IllegalArgumentException("give the name of the queue to move the messages to");
            }
            try {
                return broker.move(dest.name(), targetQueue, Math.max(0, max));
            } catch (IOException e) {
                throw new UncheckedIOException("the data store refused the move: " + e.getMessage(), e);
            }
        }
    }

    /** The connection MBean. */
    private static final class ConnectionControl implements ClientConnectionMXBean {
        private final BrokerConnection c;

        ConnectionControl(BrokerConnection c) {
            this.c = c;
        }

        @Override
        public String getId() {
            return c.id();
        }

        @Override
        public String getClientId() {
            String id = c.clientId();
            return id == null ? "" : id;
        }

        @Override
        public String getAddress() {
            return c.address();
        }

        @Override
        public String getUser() {
            return c.user();
        }

        @Override
        public int getSessions() {
            return c.sessionCount();
        }
    }

    /** The broker MBean. */
    private final class BrokerControl implements BrokerMXBean {
        @Override
        public int getConnections() {
            return broker.connectionCount();
        }

        @Override
        public int getQueues() {
            return (int) broker.destinationStats().stream().filter(Broker.DestinationStats::queue).count();
        }

        @Override
        public int getTopics() {
            return (int) broker.destinationStats().stream().filter(s -> !s.queue()).count();
        }

        @Override
        public long getTotalDepth() {
            return broker.destinationStats().stream().mapToLong(Broker.DestinationStats::depth).sum();
        }

        @Override
        public long getTotalEnqueued() {
            return broker.destinationStats().stream().mapToLong(Broker.DestinationStats::enqueued).sum();
        }

        @Override
        public long getTotalDequeued() {
            return broker.destinationStats().stream().mapToLong(Broker.DestinationStats::dequeued).sum();
        }

        @Override
        public boolean isAutoCreateDestinations() {
            return broker.autoCreatesDestinations();
        }

        @Override
        public long getMemoryUsedBytes() {
            return broker.memoryUsed();
        }

        @Override
        public long getMemoryLimitBytes() {
            return broker.settings().memoryLimitBytes();
        }

        @Override
        public int getMaxDeliveryAttempts() {
            return broker.settings().maxDeliveryAttempts();
        }

        @Override
        public long getStoreBytes() {
            return storeBytes.getAsLong();
        }

        @Override
        public void createQueue(String name) {
            create(Dest.queue(name));
        }

        @Override
        public void createTopic(String name) {
            create(Dest.topic(name));
        }

        private void create(Dest d) {
            try {
                broker.createDestination(d);
            } catch (IOException e) {
                throw new UncheckedIOException("the data store refused the new destination: " + e.getMessage(), e);
            }
        }

        @Override
        public String[] listUsers() {
            return broker.users().toArray(new String[0]);
        }

        @Override
        public void setUser(String name, String password) {
            if (name == null || !name.matches("[A-Za-z0-9_.@-]+") || password == null || password.isEmpty()) {
                throw new IllegalArgumentException("a user needs a name of letters, digits and _ . @ - and a password");
            }
            try {
                broker.putUser(name, password.toCharArray());
            } catch (IOException e) {
                throw new UncheckedIOException("the data store refused the user: " + e.getMessage(), e);
            }
        }

        @Override
        public void grant(String principal, String destinations, String permissions) {
            try {
                broker.grant(principal, destinations, permissions == null ? "" : permissions);
            } catch (IOException e) {
                throw new UncheckedIOException("the data store refused the grant: " + e.getMessage(), e);
            }
        }

        @Override
        public String[] listGrants() {
            return broker.grants().toArray(new String[0]);
        }

        @Override
        public void setGroup(String group, String members) {
            java.util.Set<String> set = new java.util.TreeSet<>();
            for (String m : (members == null ? "" : members).split("[,\\s]+")) {
                if (!m.isEmpty()) {
                    set.add(m);
                }
            }
            try {
                broker.setGroup(group, set);
            } catch (IOException e) {
                throw new UncheckedIOException("the data store refused the group: " + e.getMessage(), e);
            }
        }

        @Override
        public String[] listGroups() {
            return broker.groups().toArray(new String[0]);
        }

        @Override
        public void removeUser(String name) {
            try {
                broker.removeUser(name);
            } catch (IOException e) {
                throw new UncheckedIOException("the data store refused the change: " + e.getMessage(), e);
            }
        }
    }
}
