import io.fmq.client.FmqConnectionFactory;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;

/**
 * Reads a topic through a durable subscription: messages published while it is not running are kept
 * for it and delivered when it comes back. Add "--unsubscribe" to delete the subscription.
 * Usage: java -cp "../../lib/*" DurableSubscriber.java [TOPIC] [URL] [--unsubscribe]
 */
public class DurableSubscriber {
    public static void main(String[] args) throws Exception {
        String topicName = args.length > 0 && !args[0].startsWith("--") ? args[0] : "SampleTopic";
        String url = args.length > 1 && !args[1].startsWith("--") ? args[1] : "fmq://localhost:1856";
        boolean unsubscribe = java.util.Arrays.asList(args).contains("--unsubscribe");
        FmqConnectionFactory factory = new FmqConnectionFactory(url);
        factory.setUser(System.getProperty("fmq.user", "admin"));
        factory.setPassword(System.getProperty("fmq.password", "passwd"));

        try (Connection connection = factory.createConnection()) {
            connection.setClientID("SampleDurableClient"); // a durable subscription belongs to a client id
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            if (unsubscribe) {
                session.unsubscribe("SampleSubscription");
                System.out.println("Subscription SampleSubscription deleted.");
                return;
            }
            Topic topic = session.createTopic(topicName);
            MessageConsumer subscriber = session.createDurableSubscriber(topic, "SampleSubscription");
            connection.start();
            int received = 0;
            Message message;
            while ((message = subscriber.receive(5000)) != null) {
                received++;
                System.out.println("Received: " + ((TextMessage) message).getText());
            }
            System.out.println(received + " message(s) received; the subscription keeps new ones until the next run.");
        }
    }
}
