package io.fmq.server.broker;

import io.fmq.protocol.WireMessage;

/** Where a consumer's messages go: the client connection. Called with the broker's lock held; must not block. */
public interface DeliveryTarget {
    void deliver(int consumerId, long deliveryId, WireMessage message);
}
