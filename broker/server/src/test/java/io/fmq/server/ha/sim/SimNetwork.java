package io.fmq.server.ha.sim;

import io.fmq.server.ha.HaChannel;
import io.fmq.server.ha.HaFrame;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The in-memory HA channel between the two simulated servers (0 = primary, 1 = secondary), behaving as TCP
 * connections do: within one connection frames arrive in order, each after its own delay, none lost or doubled;
 * a partition holds them back (retransmission) until it heals or a side gives the connection up after three ping
 * intervals without hearing anything; a side learns that the other closed (or its process died) only once it can
 * hear it again. Only the primary connects, every {@link #RETRY_NANOS}, while neither side holds a connection.
 *
 * <p>Beyond TCP's own behaviour the simulator injects frames of a connection that has ended, delivered again late
 * (duplicated and out of order with the new connection's): a controller must drop every frame that did not come on
 * its current link.
 */
final class SimNetwork {
    static final long RETRY_NANOS = 500_000_000L;
    private static final int STALE_KEPT = 6;

    interface Env {
        long now();

        /** The server's process exists and is not paused. */
        boolean running(int node);

        long pingNanos();
    }

    private record InFlight(HaFrame frame, long due) {
    }

    private record Stale(End end, HaFrame frame) {
    }

    private final Env env;
    private final Random random;
    private final Endpoint[] endpoints = {new Endpoint(0), new Endpoint(1)};
    private final List<Stale> stale = new ArrayList<>();
    private Conn conn;
    private boolean cut;
    private long nextConnect;
    private long maxDelayNanos = 20_000_000L;
    private int connections;

    SimNetwork(Env env, Random random) {
        this.env = env;
        this.random = random;
    }

    Endpoint endpoint(int node) {
        return endpoints[node];
    }

    boolean cut() {
        return cut;
    }

    void cut(boolean cut) {
        this.cut = cut;
    }

    /** The upper bound of a frame's delay (slow or congested network: raise it). */
    void maxDelay(long nanos) {
        maxDelayNanos = nanos;
    }

    int connections() {
        return connections;
    }

    /** Whether a link is up on both sides. */
    boolean linkUp() {
        return conn != null && !conn.ends[0].closed && !conn.ends[1].closed;
    }

    /** Whether frames wait that could be delivered now. */
    boolean hasDeliverable() {
        if (conn == null || cut) {
            return false;
        }
        for (End e : conn.ends) {
            if (!e.closed && env.running(e.node) && !e.inbox.isEmpty() && e.inbox.peek().due <= env.now()) {
                return true;
            }
        }
        return false;
    }

    /** The server's side of the channel: the listener it reports to while its process lives. */
    final class Endpoint implements HaChannel {
        private final int node;
        private HaChannel.Listener listener;
        private Supplier<HaFrame.Hello> hello;

        Endpoint(int node) {
            this.node = node;
        }

        void attach(HaChannel.Listener l, Supplier<HaFrame.Hello> h) {
            listener = l;
            hello = h;
        }

        /** The process ended: its connection ends without a word to it; the peer learns when it can hear. */
        void processDied() {
            listener = null;
            hello = null;
            if (conn != null) {
                End e = conn.ends[node];
                if (!e.closed) {
                    e.closed = true;
                    e.inbox.clear();
                    conn.ends[1 - node].peerClosed = true;
                }
            }
        }

        @Override
        public void close() {
            if (conn != null) {
                conn.ends[node].closeReporting(HaChannel.LossCause.LOCAL, "the channel closed");
            }
            listener = null;
        }
    }

    private final class Conn {
        final int id = ++connections;
        final End[] ends = {new End(this, 0), new End(this, 1)};
    }

    /** One side of a connection. */
    final class End implements HaChannel.Link {
        private final Conn owner;
        private final int node;
        private final ArrayDeque<InFlight> inbox = new ArrayDeque<>();
        private final ArrayDeque<HaFrame> delivered = new ArrayDeque<>();
        private boolean closed;
        private boolean peerClosed;
        private long lastHeard;
        private long lastDue;

        End(Conn owner, int node) {
            this.owner = owner;
            this.node = node;
            this.lastHeard = env.now();
        }

        @Override
        public CompletableFuture<Void> send(HaFrame frame) {
            if (closed) {
                return CompletableFuture.failedFuture(new java.io.IOException("connection closed"));
            }
            End to = owner.ends[1 - node];
            if (!to.closed) {
                long due = Math.max(env.now() + (long) (random.nextDouble() * maxDelayNanos), to.lastDue);
                to.lastDue = due;
                to.inbox.add(new InFlight(frame, due));
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void refuse(String reason) {
            send(new HaFrame.Refuse(reason));
            close();
        }

        @Override
        public void close() {
            closeReporting(HaChannel.LossCause.LOCAL, "closed by this server");
        }

        /** Closes this side and tells its own server (as Netty's channelInactive does). */
        void closeReporting(HaChannel.LossCause cause, String detail) {
            if (closed) {
                return;
            }
            closed = true;
            inbox.clear();
            owner.ends[1 - node].peerClosed = true;
            for (HaFrame f : delivered) {
                keepStale(this, f);
            }
            HaChannel.Listener l = endpoints[node].listener;
            if (l != null) {
                l.linkDown(this, cause, detail);
            }
        }

        @Override
        public String toString() {
            return "conn" + owner.id + (node == 0 ? "@primary" : "@secondary");
        }
    }

    private void keepStale(End end, HaFrame f) {
        if (stale.size() >= STALE_KEPT) {
            stale.remove(random.nextInt(stale.size()));
        }
        stale.add(new Stale(end, f));
    }

    // ------------------------------------------------------------------------------------- driven by the simulator

    /** Time moved on: heartbeats are heard or missed, closes are learnt, the primary connects. */
    void advance() {
        long now = env.now();
        if (conn != null) {
            for (End e : conn.ends) {
                if (e.closed || !env.running(e.node)) {
                    continue;
                }
                End peer = conn.ends[1 - e.node];
                if (!cut && env.running(peer.node) && !peer.closed) {
                    e.lastHeard = now;
                }
                if (!cut && e.peerClosed && e.inbox.isEmpty()) {
                    e.closeReporting(HaChannel.LossCause.PEER_CLOSED, "connection closed by the peer");
                } else if (now - e.lastHeard > 3 * env.pingNanos()) {
                    e.closeReporting(HaChannel.LossCause.HEARTBEAT_TIMEOUT, "no heartbeat");
                }
            }
            if (conn.ends[0].closed && conn.ends[1].closed) {
                conn = null;
            }
        }
        if (conn == null && now >= nextConnect) {
            nextConnect = now + RETRY_NANOS;
            Endpoint p = endpoints[0];
            Endpoint s = endpoints[1];
            if (!cut && env.running(0) && env.running(1) && p.listener != null && s.listener != null) {
                Conn c = new Conn();
                conn = c;
                HaFrame.Hello ph = p.hello.get();
                HaFrame.Hello sh = s.hello.get();
                p.listener.linkUp(c.ends[0], sh);
                s.listener.linkUp(c.ends[1], ph);
            }
        }
    }

    /** Delivers up to {@code max} due frames to {@code node}; returns how many. */
    int deliver(int node, int max) {
        if (conn == null || cut || !env.running(node)) {
            return 0;
        }
        End e = conn.ends[node];
        int n = 0;
        while (n < max && !e.closed && !e.inbox.isEmpty() && e.inbox.peek().due <= env.now()) {
            HaFrame f = e.inbox.poll().frame;
            e.lastHeard = env.now();
            if (e.delivered.size() >= 3) {
                e.delivered.poll();
            }
            e.delivered.add(f);
            HaChannel.Listener l = endpoints[node].listener;
            if (l != null) {
                l.frame(e, f);
            }
            n++;
        }
        return n;
    }

    /** Delivers again, late, a frame of a connection that has ended (if any was kept). */
    boolean replayStale() {
        if (stale.isEmpty()) {
            return false;
        }
        Stale s = stale.remove(random.nextInt(stale.size()));
        HaChannel.Listener l = endpoints[s.end.node].listener;
        if (l == null || !env.running(s.end.node)) {
            return false;
        }
        l.frame(s.end, s.frame);
        return true;
    }
}
