package io.fmq.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmq.client.jndi.FmqInitialContextFactory;
import jakarta.jms.Queue;
import jakarta.jms.Topic;
import java.util.Hashtable;
import javax.naming.Context;
import javax.naming.InitialContext;
import javax.naming.NameNotFoundException;
import javax.naming.OperationNotSupportedException;
import org.junit.jupiter.api.Test;

class JndiTest {
    @Test
    void bindsFactoriesQueuesAndTopicsFromTheEnvironment() throws Exception {
        Hashtable<String, String> env = new Hashtable<>();
        env.put(Context.INITIAL_CONTEXT_FACTORY, FmqInitialContextFactory.class.getName());
        env.put(Context.PROVIDER_URL, "fmq://broker:1999");
        env.put("connectionFactory.Plain", "");
        env.put("connectionFactory.WithId", "tcp://other:1856?user=admin&password=passwd&clientID=cts");
        env.put("queue.Orders", "orders.v1");
        env.put("topic.Prices", "prices");
        InitialContext ctx = new InitialContext(env);

        assertThat(((FmqConnectionFactory) ctx.lookup("Plain")).getURL()).isEqualTo("fmq://broker:1999");
        assertThat(((FmqConnectionFactory) ctx.lookup("WithId")).getClientID()).isEqualTo("cts");
        assertThat(((Queue) ctx.lookup("Orders")).getQueueName()).isEqualTo("orders.v1");
        assertThat(((Topic) ctx.lookup("Prices")).getTopicName()).isEqualTo("prices");
        assertThat(((Queue) ctx.lookup("dynamicQueues/any")).getQueueName()).isEqualTo("any");
        assertThatThrownBy(() -> ctx.lookup("Nope")).isInstanceOf(NameNotFoundException.class).hasMessageContaining("Orders");
        assertThatThrownBy(() -> ctx.bind("x", "y")).isInstanceOf(OperationNotSupportedException.class);
    }

    @Test
    void aConnectionFactoryIsBoundByDefault() throws Exception {
        Hashtable<String, String> env = new Hashtable<>();
        env.put(Context.INITIAL_CONTEXT_FACTORY, FmqInitialContextFactory.class.getName());

        assertThat(new InitialContext(env).lookup("ConnectionFactory")).isInstanceOf(FmqConnectionFactory.class);
    }

    @Test
    void badUrlsAreExplained() {
        assertThatThrownBy(() -> new FmqConnectionFactory("http://x")).hasMessageContaining("fmq://host:port");
        assertThatThrownBy(() -> new FmqConnectionFactory("fmq://x:1?colour=blue")).hasMessageContaining("unknown option 'colour'");
    }
}
