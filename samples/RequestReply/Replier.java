import io.fmq.client.FmqConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.Queue;
import jakarta.jms.TextMessage;

/**
 * Answers requests on a queue: each reply goes to the request's JMSReplyTo with its JMSCorrelationID.
 * Usage: java -cp "../../lib/*" Replier.java [QUEUE] [URL] [SECONDS]   (defaults: SampleRequests fmq://localhost:1856 30)
 */
public class Replier {
    public static void main(String[] args) throws Exception {
        String queueName = args.length > 0 ? args[0] : "SampleRequests";
        FmqConnectionFactory factory = new FmqConnectionFactory(args.length > 1 ? args[1] : "fmq://localhost:1856");
        long seconds = args.length > 2 ? Long.parseLong(args[2]) : 30;
        factory.setUser(System.getProperty("fmq.user", "admin"));
        factory.setPassword(System.getProperty("fmq.password", "passwd"));

        try (JMSContext context = factory.createContext()) {
            Queue requests = context.createQueue(queueName);
            context.createConsumer(requests).setMessageListener(request -> {
                try {
                    String question = ((TextMessage) request).getText();
                    TextMessage reply = context.createTextMessage(question.toUpperCase());
                    reply.setJMSCorrelationID(request.getJMSMessageID());
                    context.createProducer().send(request.getJMSReplyTo(), reply);
                    System.out.println("Answered: " + question);
                } catch (Exception e) {
                    System.err.println("Could not answer: " + e.getMessage());
                }
            });
            System.out.println("Answering requests on " + queueName + " for " + seconds + " s ...");
            Thread.sleep(seconds * 1000);
        }
    }
}
