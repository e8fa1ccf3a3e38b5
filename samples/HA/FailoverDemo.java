import io.fmq.client.ConnectionEventListener;
import io.fmq.client.FmqConnection;
import io.fmq.client.FmqConnectionFactory;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends and receives persistent messages through a replicated HA pair with durable connections, so that a failover
 * (kill -9 of the active server) can be watched from the application's side: nothing is lost, nothing comes twice.
 *
 * Usage: java -cp "../../lib/*:.." FailoverDemo.java [COUNT] [PRIMARY_URL] [BACKUP_URL] [INTERVAL_MS]
 *        (defaults: 600 fmq://localhost:1856 fmq://localhost:1956 100)
 */
public class FailoverDemo {
    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 600;
        String primary = args.length > 1 ? args[1] : "fmq://localhost:1856";
        String backup = args.length > 2 ? args[2] : "fmq://localhost:1956";
        long interval = args.length > 3 ? Long.parseLong(args[3]) : 100;

        FmqConnectionFactory factory = new FmqConnectionFactory(primary);
        factory.setBackupURLs(backup);
        factory.setDurableConnections(true);
        factory.setUser(System.getProperty("fmq.user", "admin"));
        factory.setPassword(System.getProperty("fmq.password", "passwd"));

        BitSet seen = new BitSet(count + 1);
        AtomicInteger received = new AtomicInteger();
        AtomicInteger duplicates = new AtomicInteger();
        ConnectionEventListener events = new ConnectionEventListener() {
            @Override
            public void disconnected(String server, Exception cause) {
                say("connection to " + server + " lost; sends are kept locally until a server accepts them");
            }

            @Override
            public void reconnected(String server) {
                say("reconnected to " + server);
            }

            @Override
            public void failedOver(String fromServer, String toServer) {
                say("failed over from " + fromServer + " to " + toServer);
            }
        };

        try (Connection sending = factory.createConnection(); Connection receiving = factory.createConnection()) {
            ((FmqConnection) sending).setConnectionEventListener(events);
            ((FmqConnection) receiving).setConnectionEventListener(events);
            Session rs = receiving.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue queue = rs.createQueue("HADemo");
            MessageConsumer consumer = rs.createConsumer(queue);
            consumer.setMessageListener((Message m) -> {
                try {
                    int n = m.getIntProperty("n");
                    synchronized (seen) {
                        if (seen.get(n)) {
                            duplicates.incrementAndGet();
                            say("DUPLICATE message " + n);
                        }
                        seen.set(n);
                    }
                    received.incrementAndGet();
                } catch (Exception e) {
                    say("cannot read a message: " + e);
                }
            });
            receiving.start();

            Session ss = sending.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = ss.createProducer(queue);
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            for (int n = 1; n <= count; n++) {
                Message m = ss.createTextMessage("message " + n);
                m.setIntProperty("n", n);
                producer.send(m); // returns once both servers of the pair have it, or it is safe in the local outbox
                if (n % 50 == 0) {
                    say("sent " + n + ", received " + received.get());
                }
                TimeUnit.MILLISECONDS.sleep(interval); // pacing, so that there is time to kill a server
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (received.get() < count && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
        int missing = 0;
        for (int n = 1; n <= count; n++) {
            if (!seen.get(n)) {
                missing++;
            }
        }
        say("done: sent " + count + ", received " + received.get() + ", missing " + missing + ", duplicates " + duplicates.get());
        System.exit(missing == 0 && duplicates.get() == 0 ? 0 : 1);
    }

    private static void say(String line) {
        System.out.println("[" + LocalTime.now().truncatedTo(ChronoUnit.MILLIS) + "] " + line);
    }
}
