import io.fmq.client.FmqConnectionFactory;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;

/**
 * Sends a request and waits for its reply on a temporary queue.
 * Usage: java -cp "../../lib/*" Requestor.java [TEXT] [QUEUE] [URL]   (defaults: hello SampleRequests fmq://localhost:1856)
 */
public class Requestor {
    public static void main(String[] args) throws Exception {
        String text = args.length > 0 ? args[0] : "hello";
        String queueName = args.length > 1 ? args[1] : "SampleRequests";
        FmqConnectionFactory factory = new FmqConnectionFactory(args.length > 2 ? args[2] : "fmq://localhost:1856");
        factory.setUser(System.getProperty("fmq.user", "admin"));
        factory.setPassword(System.getProperty("fmq.password", "passwd"));

        try (JMSContext context = factory.createContext()) {
            TemporaryQueue replies = context.createTemporaryQueue(); // lives as long as this connection
            JMSConsumer replyConsumer = context.createConsumer(replies);
            TextMessage request = context.createTextMessage(text);
            request.setJMSReplyTo(replies);
            context.createProducer().send(context.createQueue(queueName), request);
            Message reply = replyConsumer.receive(10_000);
            if (reply == null) {
                System.out.println("No reply within 10 s: is Replier.java running?");
                System.exit(1);
            }
            System.out.println("Reply: " + ((TextMessage) reply).getText()
                    + " (correlates with request: " + request.getJMSMessageID().equals(reply.getJMSCorrelationID()) + ")");
        }
    }
}
