package io.fmq.ha.gateway;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Probes the gateway ({@code FMQGroup.GatewayServerIPAddress}:{@code FMQGroup.GatewayServerPort})
 * with a TCP connect bounded by {@code FMQGroup.SocketCreationTimeout}, then closes the connection
 * without sending anything.
 *
 * <p>What counts as reachable: an established connection, and also an active refusal (a TCP reset,
 * "Connection refused"), because a refusal can only come from the host itself, so the network path
 * to it works. That is why the default {@code localhost:7} works on a machine with nothing
 * listening on port 7, and why the gateway port need not run any service. What counts as
 * unreachable: no answer within the timeout, no route to the host, an unreachable network, a
 * name that does not resolve, or any other failure to connect.
 */
public final class TcpGatewayProbe implements GatewayProbe {

    private final String host;
    private final int port;
    private final Duration timeout;
    private final HostResolver resolver;

    /**
     * @throws IllegalArgumentException if the port is outside 1..65535 or the timeout is not
     *                                  positive (or longer than {@code Integer.MAX_VALUE} ms)
     */
    public TcpGatewayProbe(String host, int port, Duration timeout, HostResolver resolver) {
        this.host = Objects.requireNonNull(host, "host").trim();
        this.port = port;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        if (this.host.isEmpty()) {
            throw new IllegalArgumentException("The gateway host (FMQGroup.GatewayServerIPAddress) is empty; set it to the"
                    + " address of the machine that hosts the lock file.");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("The gateway port (FMQGroup.GatewayServerPort) is " + port
                    + "; it must be between 1 and 65535.");
        }
        if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("The gateway connect timeout (FMQGroup.SocketCreationTimeout) is " + timeout.toMillis()
                    + " ms; it must be a positive number of milliseconds.");
        }
    }

    public TcpGatewayProbe(String host, int port, Duration timeout) {
        this(host, port, timeout, HostResolver.SYSTEM);
    }

    @Override
    public GatewayStatus probe() {
        InetAddress address;
        try {
            address = resolver.resolve(host);
        } catch (UnknownHostException e) {
            return GatewayStatus.unreachable("cannot resolve the gateway host name '" + host + "'");
        } catch (RuntimeException e) {
            return GatewayStatus.unreachable("cannot resolve the gateway host name '" + host + "': " + e);
        }
        String target = host + ":" + port;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), (int) timeout.toMillis());
            return GatewayStatus.reachable("connected to " + target);
        } catch (SocketTimeoutException e) {
            return GatewayStatus.unreachable("no answer from " + target + " within " + timeout.toMillis() + " ms");
        } catch (NoRouteToHostException e) {
            return GatewayStatus.unreachable("no route to " + target + " (" + e.getMessage() + ")");
        } catch (ConnectException e) {
            if (isRefusal(e)) {
                return GatewayStatus.reachable(target + " refused the connection, so the host answered");
            }
            return GatewayStatus.unreachable("cannot connect to " + target + ": " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            // e.g. "Network is unreachable" surfaces as a SocketException on some platforms
            return GatewayStatus.unreachable("cannot connect to " + target + ": " + e);
        }
    }

    private static boolean isRefusal(ConnectException e) {
        String message = e.getMessage();
        return message != null && message.toLowerCase(Locale.ROOT).contains("refused");
    }

    @Override
    public String toString() {
        return "TcpGatewayProbe[" + host + ":" + port + ", timeout " + timeout.toMillis() + " ms]";
    }
}
