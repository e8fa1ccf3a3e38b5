package io.fmq.bench;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.channels.FileChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What this machine can do at most, measured at the start of a bench run and printed beside the figures:
 * <ul>
 *   <li>{@code disk-dsync-1k}: synchronous 1 KiB writes per second in the run's work folder (the file system the
 *       brokers' stores are on), each one written with {@code O_DSYNC}; once appending to a growing file (the file's
 *       size must reach the disk with each write) and once overwriting a file already written (only the data must):
 *       a journal that preallocates its files gets the second;</li>
 *   <li>{@code loopback-stream-1k}: 1 KiB frames per second one TCP connection on loopback carries from one thread to
 *       another, the most a one-hop message stream could move;</li>
 *   <li>{@code loopback-roundtrip-1k}: request/response round trips per second on one loopback connection (1 KiB up, 8
 *       bytes back), the most a client that waits for each confirmation could do without any disk.</li>
 * </ul>
 * Each measurement is bounded in count and time (about a second each).
 */
final class Limits {
    final double dsyncAppend;
    final double dsyncOverwrite;
    final double loopbackStream;
    final double loopbackRoundTrip;

    private Limits(double dsyncAppend, double dsyncOverwrite, double loopbackStream, double loopbackRoundTrip) {
        this.dsyncAppend = dsyncAppend;
        this.dsyncOverwrite = dsyncOverwrite;
        this.loopbackStream = loopbackStream;
        this.loopbackRoundTrip = loopbackRoundTrip;
    }

    /** The best synchronous 1 KiB write rate of the disk (the one a journal could reach). */
    double dsync() {
        return Math.max(dsyncAppend, dsyncOverwrite);
    }

    static Limits measure(Path work) throws Exception {
        Path dir = Files.createDirectories(work.resolve("limits"));
        double append = dsync(dir.resolve("append.tmp"), false);
        double overwrite = dsync(dir.resolve("overwrite.tmp"), true);
        double stream = loopbackStream();
        double roundTrip = loopbackRoundTrip();
        Limits l = new Limits(append, overwrite, stream, roundTrip);
        Tally.print("limit disk-dsync-1k-append %.0f writes/s", append);
        Tally.print("limit disk-dsync-1k-overwrite %.0f writes/s", overwrite);
        Tally.print("limit loopback-stream-1k %.0f frames/s", stream);
        Tally.print("limit loopback-roundtrip-1k %.0f round trips/s", roundTrip);
        return l;
    }

    /**
     * The limit of a messaging workload, or null. Persistent: every synchronous send needs a flush of its own, or, with
     * P producers, at best one flush shared by P sends; transacted: one flush per commit of 100 sends; all of them at
     * most what loopback carries when each message crosses it twice (producer to broker, broker to consumer).
     */
    Tally.Limit of(String workload) {
        int producers = workload.endsWith("4x4") ? 4 : 1;
        double relay = loopbackStream / 2;
        if (workload.contains("nonpersistent")) {
            return new Tally.Limit(relay, "half the loopback 1 KiB stream rate: each message crosses loopback twice");
        }
        if (workload.contains("persistent")) {
            double flushes = dsync() * producers;
            return new Tally.Limit(Math.min(relay, flushes), producers == 1 ? "one synchronous 1 KiB disk write per send"
                    : producers + " sends sharing each synchronous 1 KiB disk write");
        }
        if (workload.contains("transacted")) {
            double flushes = dsync() * producers * Workload.TRANSACTION_SIZE;
            return flushes < relay ? new Tally.Limit(flushes, "one synchronous disk write per commit of "
                    + Workload.TRANSACTION_SIZE + " sends") : new Tally.Limit(relay, "half the loopback 1 KiB stream rate");
        }
        return null;
    }

    private static double dsync(Path file, boolean overwrite) throws IOException {
        int max = 20_000;
        ByteBuffer block = ByteBuffer.allocateDirect(1024);
        try {
            if (overwrite) {
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                    ByteBuffer zeros = ByteBuffer.allocateDirect(1024 * 1024);
                    for (int i = 0; i < (max * 1024L) / zeros.capacity() + 1; i++) {
                        zeros.clear();
                        ch.write(zeros);
                    }
                    ch.force(true);
                }
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.DSYNC)) {
                long start = System.nanoTime();
                int writes = 0;
                while (writes < max && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1)) {
                    block.clear();
                    ch.write(block, writes * 1024L);
                    writes++;
                }
                return writes / ((System.nanoTime() - start) / 1e9);
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static double loopbackStream() throws Exception {
        int frames = 500_000;
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                    s.setTcpNoDelay(true);
                    OutputStream out = new java.io.BufferedOutputStream(s.getOutputStream(), 64 * 1024);
                    byte[] frame = new byte[1024];
                    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                    for (int i = 0; i < frames && System.nanoTime() < end; i++) {
                        out.write(frame);
                    }
                    out.flush();
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "limits-stream-writer");
            writer.start();
            long start;
            long bytes = 0;
            try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
                byte[] buf = new byte[64 * 1024];
                start = System.nanoTime();
                int n;
                while ((n = in.read(buf)) > 0) {
                    bytes += n;
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            writer.join(TimeUnit.SECONDS.toMillis(10));
            if (failure.get() != null) {
                throw new IOException("the loopback stream test failed: " + failure.get(), failure.get());
            }
            return bytes / 1024.0 / seconds;
        }
    }

    private static double loopbackRoundTrip() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread echo = new Thread(() -> {
                try (Socket s = server.accept()) {
                    s.setTcpNoDelay(true);
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    DataOutputStream out = new DataOutputStream(s.getOutputStream());
                    byte[] frame = new byte[1024];
                    while (true) {
                        in.readFully(frame);
                        out.writeLong(1);
                        out.flush();
                    }
                } catch (IOException e) {
                    // the measuring side closed the connection: done
                }
            }, "limits-echo");
            echo.setDaemon(true);
            echo.start();
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                s.setTcpNoDelay(true);
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                DataInputStream in = new DataInputStream(s.getInputStream());
                byte[] frame = new byte[1024];
                long start = System.nanoTime();
                int trips = 0;
                while (trips < 200_000 && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1)) {
                    out.write(frame);
                    out.flush();
                    in.readLong();
                    trips++;
                }
                return trips / ((System.nanoTime() - start) / 1e9);
            }
        }
    }
}
