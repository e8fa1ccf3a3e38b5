package io.fmq.server.broker;

import java.util.LinkedHashMap;
import java.util.Map;

/** A topic and its subscriptions, each a {@link MessageQueue} of its own. */
final class Topic {
    final String name;
    final Map<String, Subscription> subscriptions = new LinkedHashMap<>();

    Topic(String name) {
        this.name = name;
    }
}
