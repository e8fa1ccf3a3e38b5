package io.fmq.client.jndi;

import io.fmq.client.FmqConnectionFactory;
import io.fmq.client.FmqDestination;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.Map;
import javax.naming.Context;
import javax.naming.NamingException;
import javax.naming.spi.InitialContextFactory;

/**
 * JNDI for FMQ clients without a naming server: {@code new InitialContext()} with
 * {@code java.naming.factory.initial=io.fmq.client.jndi.FmqInitialContextFactory} (for example in a
 * {@code jndi.properties} on the class path) binds objects described by the environment:
 * <pre>
 * java.naming.provider.url = fmq://localhost:1856        the default server for the factories below
 * connectionFactory.ConnectionFactory =                   a factory for the provider URL
 * connectionFactory.AdminCF = fmq://host:1856?user=admin&amp;password=passwd&amp;clientID=app1
 * queue.MyQueue = orders                                  JNDI name = physical queue name
 * topic.MyTopic = prices
 * </pre>
 * Names {@code dynamicQueues/NAME} and {@code dynamicTopics/NAME} look up destinations that are not
 * listed. Without any {@code connectionFactory.*} entry, {@code ConnectionFactory} is bound.
 */
public final class FmqInitialContextFactory implements InitialContextFactory {
    @Override
    public Context getInitialContext(Hashtable<?, ?> environment) throws NamingException {
        String provider = environment.get(Context.PROVIDER_URL) == null ? "fmq://localhost:1856"
                : String.valueOf(environment.get(Context.PROVIDER_URL));
        Map<String, Object> bindings = new HashMap<>();
        for (Map.Entry<?, ?> e : environment.entrySet()) {
            String key = String.valueOf(e.getKey());
            String value = String.valueOf(e.getValue()).trim();
            try {
                if (key.startsWith("connectionFactory.")) {
                    bindings.put(key.substring("connectionFactory.".length()), new FmqConnectionFactory(value.isEmpty() ? provider : value));
                } else if (key.startsWith("queue.")) {
                    bindings.put(key.substring("queue.".length()), new FmqDestination.FmqQueue(value));
                } else if (key.startsWith("topic.")) {
                    bindings.put(key.substring("topic.".length()), new FmqDestination.FmqTopic(value));
                }
            } catch (IllegalArgumentException ex) {
                NamingException n = new NamingException("JNDI entry " + key + "=" + value + " is not valid: " + ex.getMessage());
                n.setRootCause(ex);
                throw n;
            }
        }
        if (bindings.values().stream().noneMatch(o -> o instanceof FmqConnectionFactory)) {
            bindings.put("ConnectionFactory", new FmqConnectionFactory(provider));
        }
        return new ReadOnlyContext(bindings, new Hashtable<>(environment));
    }
}
