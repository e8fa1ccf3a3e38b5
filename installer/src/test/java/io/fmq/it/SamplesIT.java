package io.fmq.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The messaging samples run from the distribution as their readmes say, and the queue depth shows in server-status. */
class SamplesIT {
    @TempDir
    static Path dir;

    static Installation fmq;
    static String url;
    static int rmiPort;

    @BeforeAll
    static void start() throws Exception {
        fmq = Installation.copy(dir);
        int[] ports = fmq.useFreePorts("FioranoMQ");
        url = "fmq://localhost:" + ports[0];
        rmiPort = ports[1];
        assertThat(fmq.run("fmq.sh", "-profile", "FioranoMQ").exitCode()).isZero();
    }

    @AfterAll
    static void stop() throws Exception {
        fmq.killServers();
    }

    private Installation.Result sample(String folder, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", fmq.home.resolve("lib") + "/*"));
        command.addAll(List.of(args));
        return Installation.exec(command, Installation.env(), null, fmq.home.resolve("samples").resolve(folder));
    }

    @Test
    void pointToPointSamplesSendAndReceive() {
        Installation.Result sent = sample("PTP", "Sender.java", "3", "SampleQueue", url);
        assertThat(sent.exitCode()).as(sent.toString()).isZero();
        assertThat(sent.output()).contains("Sent: Message 3");

        Installation.Result status = fmq.run("fmq-admin.sh", "get", "-rmiPort", Integer.toString(rmiPort),
                "fmq:type=Destination,kind=queue,name=SampleQueue", "Depth");
        assertThat(status.output().trim()).as(status.toString()).isEqualTo("3");

        Installation.Result received = sample("PTP", "Receiver.java", "SampleQueue", url, "1");
        assertThat(received.exitCode()).as(received.toString()).isZero();
        assertThat(received.output()).contains("Received: Message 1", "Received: Message 3", "3 message(s) received");
    }

    @Test
    void durableSubscriberGetsWhatWasPublishedWhileAway() {
        assertThat(sample("PubSub", "DurableSubscriber.java", "SampleTopic", url).exitCode()).isZero();
        Installation.Result published = sample("PubSub", "Publisher.java", "2", "SampleTopic", url);
        assertThat(published.exitCode()).as(published.toString()).isZero();

        Installation.Result received = sample("PubSub", "DurableSubscriber.java", "SampleTopic", url);
        assertThat(received.output()).as(received.toString()).contains("Received: News 1", "Received: News 2");
        assertThat(sample("PubSub", "DurableSubscriber.java", "SampleTopic", url, "--unsubscribe").output())
                .contains("deleted");
    }
}
