import io.fmq.client.FmqConnectionFactory;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;

/**
 * Publishes persistent text messages to a topic.
 * Usage: java -cp "../../lib/*" Publisher.java [COUNT] [TOPIC] [URL]   (defaults: 10 SampleTopic fmq://localhost:1856)
 */
public class Publisher {
    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        String topicName = args.length > 1 ? args[1] : "SampleTopic";
        FmqConnectionFactory factory = new FmqConnectionFactory(args.length > 2 ? args[2] : "fmq://localhost:1856");
        factory.setUser(System.getProperty("fmq.user", "admin"));
        factory.setPassword(System.getProperty("fmq.password", "passwd"));

        try (Connection connection = factory.createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Topic topic = session.createTopic(topicName);
            MessageProducer publisher = session.createProducer(topic);
            for (int i = 1; i <= count; i++) {
                TextMessage message = session.createTextMessage("News " + i);
                publisher.send(message);
                System.out.println("Published: " + message.getText());
            }
        }
    }
}
