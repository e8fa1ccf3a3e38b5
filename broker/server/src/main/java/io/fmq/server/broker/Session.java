package io.fmq.server.broker;

import io.fmq.protocol.WireMessage;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A session of a connection: its unacknowledged deliveries and, when transacted, its pending work. */
final class Session {
    final int id;
    final BrokerConnection connection;
    final boolean transacted;
    final LinkedHashMap<Long, Delivery> unacked = new LinkedHashMap<>();
    final List<WireMessage> pendingSends = new ArrayList<>();
    /** Why the open transaction can only roll back (a send in it was refused), or null. */
    String rollbackOnly;

    Session(int id, BrokerConnection connection, boolean transacted) {
        this.id = id;
        this.connection = connection;
        this.transacted = transacted;
    }

    /** Called by a queue's dispatch: records the delivery and sends it to the client. */
    void deliver(Consumer c, QueueEntry e) {
        long deliveryId = connection.nextDeliveryId();
        e.deliveryCount++;
        unacked.put(deliveryId, new Delivery(deliveryId, e, c));
        WireMessage out = e.message.redelivery(e.deliveryCount);
        connection.target.deliver(c.id, deliveryId, e.recovered && !out.redelivered() ? out.markedRedelivered() : out);
    }

    /** Removes and returns the deliveries an acknowledgement covers: one, or all up to and including the id. */
    List<Delivery> take(long deliveryId, boolean upTo) {
        List<Delivery> taken = new ArrayList<>();
        if (!upTo) {
            Delivery d = unacked.remove(deliveryId);
            if (d != null) {
                taken.add(d);
            }
            return taken;
        }
        Iterator<Map.Entry<Long, Delivery>> it = unacked.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, Delivery> e = it.next();
            if (e.getKey() > deliveryId) {
                break;
            }
            taken.add(e.getValue());
            it.remove();
        }
        return taken;
    }

    /** Marks deliveries acknowledged within the open transaction (they stay unacknowledged until commit). */
    void acknowledgeInTransaction(long deliveryId, boolean upTo) {
        for (Delivery d : unacked.values()) {
            if (upTo ? d.id <= deliveryId : d.id == deliveryId) {
                d.acknowledgedInTransaction = true;
            }
        }
    }

    /** Every unacknowledged delivery, removed from the session. */
    List<Delivery> takeAll() {
        List<Delivery> all = new ArrayList<>(unacked.values());
        unacked.clear();
        return all;
    }
}
