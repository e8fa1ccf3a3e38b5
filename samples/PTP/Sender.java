import io.fmq.client.FmqConnectionFactory;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

/**
 * Sends persistent text messages to a queue.
 * Usage: java -cp "../../lib/*" Sender.java [COUNT] [QUEUE] [URL]   (defaults: 10 SampleQueue fmq://localhost:1856)
 */
public class Sender {
    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        String queueName = args.length > 1 ? args[1] : "SampleQueue";
        FmqConnectionFactory factory = new FmqConnectionFactory(args.length > 2 ? args[2] : "fmq://localhost:1856");
        factory.setUser(System.getProperty("fmq.user", "admin"));
        factory.setPassword(System.getProperty("fmq.password", "passwd"));

        try (Connection connection = factory.createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue queue = session.createQueue(queueName);
            MessageProducer producer = session.createProducer(queue);
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            for (int i = 1; i <= count; i++) {
                TextMessage message = session.createTextMessage("Message " + i);
                message.setIntProperty("sequence", i);
                producer.send(message); // returns once the server has stored the message
                System.out.println("Sent: " + message.getText());
            }
        }
    }
}
