package io.fmq.ha.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every probe here goes to the loopback address; no test sends anything off this machine. */
class TcpGatewayProbeTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final String LOOPBACK = InetAddress.getLoopbackAddress().getHostAddress();

    @Test
    void listeningGatewayIsReachable() throws IOException {
        try (ServerSocket gateway = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            GatewayStatus status = new TcpGatewayProbe(LOOPBACK, gateway.getLocalPort(), TIMEOUT).probe();

            assertThat(status.reachable()).isTrue();
            assertThat(status.reason()).contains("connected to " + LOOPBACK + ":" + gateway.getLocalPort());
        }
    }

    @Test
    void refusedConnectionStillProvesThePath() throws IOException {
        int closedPort;
        try (ServerSocket briefly = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            closedPort = briefly.getLocalPort();
        }

        GatewayStatus status = new TcpGatewayProbe(LOOPBACK, closedPort, TIMEOUT).probe();

        assertThat(status.reachable()).isTrue();
        assertThat(status.reason()).contains("refused");
        assertThat(new TcpGatewayProbe(LOOPBACK, closedPort, TIMEOUT).reachable()).isTrue();
    }

    @Test
    void gatewayThatDoesNotAnswerInTimeIsUnreachable() throws IOException {
        // a listener that never accepts, with its queue full, drops further connection attempts
        // unanswered: the loopback stand-in for a gateway behind a dead link
        List<Socket> queued = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), silent.getLocalPort());
            boolean queueFull = false;
            for (int attempt = 0; attempt < 64 && !queueFull; attempt++) {
                Socket socket = new Socket();
                queued.add(socket);
                try {
                    socket.connect(address, 300);
                } catch (SocketTimeoutException e) {
                    queueFull = true;
                }
            }
            assumeThat(queueFull).as("this kernel drops connections to a full accept queue").isTrue();

            GatewayStatus status = new TcpGatewayProbe(LOOPBACK, silent.getLocalPort(), Duration.ofMillis(300)).probe();

            assertThat(status.reachable()).isFalse();
            assertThat(status.reason()).contains("no answer").contains("within 300 ms");
        } finally {
            for (Socket socket : queued) {
                socket.close();
            }
        }
    }

    @Test
    void unresolvableHostIsUnreachableWithTheName() {
        // a resolver stands in for DNS so the test sends no query off this machine
        HostResolver noSuchHost = host -> {
            throw new UnknownHostException(host);
        };

        GatewayStatus status = new TcpGatewayProbe("no-such-host.invalid", 7, TIMEOUT, noSuchHost).probe();

        assertThat(status.reachable()).isFalse();
        assertThat(status.reason()).contains("cannot resolve").contains("no-such-host.invalid");
        assertThat(status.toString()).startsWith("unreachable: ");
    }

    @Test
    void resolverFailureOfAnyKindIsUnreachableRatherThanAnException() {
        HostResolver broken = host -> {
            throw new IllegalStateException("resolver broke");
        };

        GatewayStatus status = new TcpGatewayProbe("gateway", 7, TIMEOUT, broken).probe();

        assertThat(status.reachable()).isFalse();
        assertThat(status.reason()).contains("resolver broke");
    }

    @Test
    void portOutsideTheValidRangeIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> new TcpGatewayProbe("localhost", 0, TIMEOUT)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("FMQGroup.GatewayServerPort").hasMessageContaining("between 1 and 65535");
        assertThatThrownBy(() -> new TcpGatewayProbe("localhost", 65536, TIMEOUT)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void emptyHostAndNonPositiveTimeoutAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> new TcpGatewayProbe(" ", 7, TIMEOUT)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("FMQGroup.GatewayServerIPAddress");
        assertThatThrownBy(() -> new TcpGatewayProbe("localhost", 7, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("FMQGroup.SocketCreationTimeout");
    }
}
