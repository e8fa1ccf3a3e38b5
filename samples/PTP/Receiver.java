import io.fmq.client.FmqConnectionFactory;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

/**
 * Receives messages from a queue until none arrives for a few seconds.
 * Usage: java -cp "../../lib/*" Receiver.java [QUEUE] [URL] [WAIT_SECONDS]   (defaults: SampleQueue fmq://localhost:1856 5)
 */
public class Receiver {
    public static void main(String[] args) throws Exception {
        String queueName = args.length > 0 ? args[0] : "SampleQueue";
        FmqConnectionFactory factory = new FmqConnectionFactory(args.length > 1 ? args[1] : "fmq://localhost:1856");
        long waitMillis = (args.length > 2 ? Long.parseLong(args[2]) : 5) * 1000;
        factory.setUser(System.getProperty("fmq.user", "admin"));
        factory.setPassword(System.getProperty("fmq.password", "passwd"));

        try (Connection connection = factory.createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(queueName));
            connection.start();
            int received = 0;
            Message message;
            while ((message = consumer.receive(waitMillis)) != null) {
                received++;
                System.out.println("Received: " + ((TextMessage) message).getText()
                        + (message.getJMSRedelivered() ? " (redelivered)" : ""));
            }
            System.out.println(received + " message(s) received; none for " + waitMillis / 1000 + " s, stopping.");
        }
    }
}
