import java.util.HashMap;
import java.util.Map;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Prints the state of a running FMQ server using nothing but the JDK's JMX client.
 *
 * Usage: java ServerStatus.java [HOST] [RMI_PORT] [USER] [PASSWORD]
 * Defaults: localhost 1858 admin passwd (the account every shipped profile starts with).
 */
public class ServerStatus {
    public static void main(String[] args) throws Exception {
        String host = args.length > 0 ? args[0] : "localhost";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 1858;
        String user = args.length > 2 ? args[2] : "admin";
        String password = args.length > 3 ? args[3] : "passwd";

        // The server binds its JMX connector in the RMI registry on RMIServerPort under the name "fmq".
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://" + host + ":" + port + "/fmq");
        Map<String, Object> env = new HashMap<>();
        env.put(JMXConnector.CREDENTIALS, new String[] {user, password});

        try (JMXConnector connector = JMXConnectorFactory.connect(url, env)) {
            MBeanServerConnection mbeans = connector.getMBeanServerConnection();

            ObjectName server = new ObjectName("fmq:type=Server");
            System.out.println("Server     : " + host + ":" + port);
            for (String attribute : new String[] {"State", "Version", "ProfileName", "Role", "HaMode", "ClientPort", "StartTime"}) {
                System.out.printf("%-11s: %s%n", attribute, mbeans.getAttribute(server, attribute));
            }

            // The HA status MBean exists only while the server runs as one server of an HA pair.
            ObjectName ha = new ObjectName("fmq:type=HA,name=HAStatus");
            if (mbeans.isRegistered(ha)) {
                System.out.println("HA state   : " + mbeans.getAttribute(ha, "State"));
                System.out.println("Peer state : " + mbeans.getAttribute(ha, "RemoteState"));
            }

            // Every Config.cfg parameter is readable too, under its configuration-tree path.
            ObjectName haManager = new ObjectName("fmq:type=Config,section=HA,group=HAManager,name=FioranoHAManager");
            System.out.println("PingInterval (ms): " + mbeans.getAttribute(haManager, "PingInterval"));
        } catch (SecurityException e) {
            System.err.println("The server refused the credentials: " + e.getMessage());
            System.exit(4);
        } catch (java.io.IOException e) {
            System.err.println("No FMQ server reachable at " + host + ":" + port + " (" + e.getMessage() + ")");
            System.exit(3);
        }
    }
}
