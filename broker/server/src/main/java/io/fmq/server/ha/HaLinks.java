package io.fmq.server.ha;

import io.fmq.server.net.PortInUseException;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HA channel's sockets: a listener on this server's HA port ({@code FMQGroup.Port}) and, on the primary, a
 * connector that keeps trying the peer's ({@code FMQGroup.BackupHAIPAddress:BackupHAPort}) while no link is up. Only the
 * primary connects, so the pair never holds two connections that each side might adopt differently; the secondary
 * waits for it (and says so on the console while it waits). Should a second connection come anyway, both sides keep
 * the one the primary opened. Every connection starts with a HELLO
 * each way within {@code SocketInitializationTimeout}; then frames flow, a PING goes out whenever nothing was sent
 * for a ping interval, and a link that brings nothing for three ping intervals is closed as dead.
 *
 * <p>Everything the links see goes to one {@link HaChannel.Listener}, which must not block the event loop.
 */
public final class HaLinks implements HaChannel {
    private static final Logger LOG = LoggerFactory.getLogger(HaLinks.class);
    /** Pause between connection attempts to an absent peer. */
    static final Duration RETRY_DELAY = Duration.ofMillis(500);
    /** How often "Trying to establish connection" is repeated on the console while the peer stays absent. */
    static final Duration TRYING_REPEAT = Duration.ofSeconds(60);

    /** Settings of the channel. */
    public record Settings(int ownPort, String peerHost, int peerPort, boolean primary, boolean nagle,
                           Duration socketCreationTimeout, Duration socketInitializationTimeout, Duration pingInterval) {
    }

    /** One established TCP connection to the peer. */
    static final class Link implements HaChannel.Link {
        private final Channel channel;
        private final boolean outbound;
        private volatile HaChannel.LossCause cause = HaChannel.LossCause.PEER_CLOSED;
        private volatile boolean up;

        Link(Channel channel, boolean outbound) {
            this.channel = channel;
            this.outbound = outbound;
        }

        @Override
        public CompletableFuture<Void> send(HaFrame frame) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            channel.writeAndFlush(frame).addListener(f -> {
                if (f.isSuccess()) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(f.cause());
                }
            });
            return done;
        }

        @Override
        public void refuse(String reason) {
            cause = HaChannel.LossCause.LOCAL;
            channel.writeAndFlush(new HaFrame.Refuse(reason)).addListener(f -> channel.close());
        }

        @Override
        public void close() {
            cause = HaChannel.LossCause.LOCAL;
            channel.close();
        }

        public boolean isOpen() {
            return channel.isActive();
        }

        public String remote() {
            return String.valueOf(channel.remoteAddress());
        }

        boolean outbound() {
            return outbound;
        }

        @Override
        public String toString() {
            return (outbound ? "to " : "from ") + remote();
        }
    }

    private final Settings settings;
    private final Supplier<HaFrame.Hello> hello;
    private final HaChannel.Listener listener;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel server;
    private final Object lock = new Object();
    private Link current;
    private volatile boolean closed;
    private ScheduledFuture<?> retry;
    private long lastTryingNotice = Long.MIN_VALUE;
    private boolean failureNoticed;

    private HaLinks(Settings settings, Supplier<HaFrame.Hello> hello, HaChannel.Listener listener, EventLoopGroup boss,
                    EventLoopGroup workers, Channel server) {
        this.settings = settings;
        this.hello = hello;
        this.listener = listener;
        this.boss = boss;
        this.workers = workers;
        this.server = server;
    }

    /**
     * Binds the HA port and starts trying the peer. {@code hello} makes this server's HELLO for each new
     * connection (its state at that moment).
     */
    public static HaLinks start(Settings settings, Supplier<HaFrame.Hello> hello, HaChannel.Listener listener)
            throws PortInUseException, InterruptedException {
        EventLoopGroup boss = new NioEventLoopGroup(1, new DefaultThreadFactory("fmq-ha-accept"));
        EventLoopGroup workers = new NioEventLoopGroup(1, new DefaultThreadFactory("fmq-ha-io"));
        HaLinks[] self = new HaLinks[1];
        Channel server;
        try {
            server = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, !settings.nagle())
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            self[0].pipeline(ch, false);
                        }
                    })
                    .bind(new InetSocketAddress(settings.ownPort())).sync().channel();
        } catch (Exception e) {
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            if (e instanceof BindException) {
                throw new PortInUseException(settings.ownPort(), e);
            }
            if (e instanceof InterruptedException ie) {
                throw ie;
            }
            throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
        }
        HaLinks links = new HaLinks(settings, hello, listener, boss, workers, server);
        self[0] = links;
        links.scheduleConnect(0);
        return links;
    }

    /** The one pipeline of an HA connection, inbound or outbound. */
    private void pipeline(Channel ch, boolean outbound) {
        long ping = settings.pingInterval().toMillis();
        ch.pipeline()
                .addLast("frames", new LengthFieldBasedFrameDecoder(HaFrameCodec.MAX_FRAME, 0, 4, 0, 4))
                .addLast("length", new LengthFieldPrepender(4))
                .addLast("codec", new HaFrameCodec())
                .addLast("idle", new IdleStateHandler(3 * ping, 0, 0, TimeUnit.MILLISECONDS))
                .addLast("ping", new io.fmq.protocol.PeriodicPing(ping, HaFrame.Ping::new))
                .addLast("link", new LinkHandler(new Link(ch, outbound)));
    }

    private void scheduleConnect(long delayMillis) {
        synchronized (lock) {
            if (closed || current != null) {
                return;
            }
            retry = workers.schedule(this::connect, delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void connect() {
        synchronized (lock) {
            if (closed || current != null) {
                return;
            }
        }
        String peer = settings.peerHost() + ":" + settings.peerPort();
        long now = System.nanoTime();
        if (lastTryingNotice == Long.MIN_VALUE || now - lastTryingNotice >= TRYING_REPEAT.toNanos()) {
            lastTryingNotice = now;
            failureNoticed = false;
            listener.connecting(peer);
        }
        if (!settings.primary()) {
            // Only the primary opens the link: with one connection there is nothing for the two sides to disagree
            // on (two connections opened at once would each be adopted by one side). The secondary waits for it.
            if (!failureNoticed && now - lastTryingNotice >= settings.socketCreationTimeout().toNanos()) {
                failureNoticed = true;
                listener.connectFailed(peer, "the primary has not connected within " + settings.socketCreationTimeout().toMillis()
                        + " ms");
            }
            scheduleConnect(RETRY_DELAY.toMillis());
            return;
        }
        ChannelFuture f = new Bootstrap().group(workers).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, !settings.nagle())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.socketCreationTimeout().toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        pipeline(ch, true);
                    }
                })
                .connect(settings.peerHost(), settings.peerPort());
        f.addListener(done -> {
            if (!done.isSuccess()) {
                LOG.debug("HA connection to {} failed: {}", peer, done.cause().toString());
                if (!failureNoticed) {
                    failureNoticed = true;
                    listener.connectFailed(peer, done.cause().getMessage());
                }
                scheduleConnect(RETRY_DELAY.toMillis());
            }
        });
    }

    /** The link in use, or null. */
    Link current() {
        synchronized (lock) {
            return current;
        }
    }

    @Override
    public void close() {
        Link link;
        synchronized (lock) {
            closed = true;
            if (retry != null) {
                retry.cancel(false);
            }
            link = current;
        }
        if (link != null) {
            link.close();
        }
        server.close().syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Handshake, then frames to the listener; heartbeats; loss reporting. */
    private final class LinkHandler extends SimpleChannelInboundHandler<HaFrame> {
        private final Link link;
        private ScheduledFuture<?> handshakeTimeout;

        LinkHandler(Link link) {
            this.link = link;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (closed) {
                link.close();
                return;
            }
            ctx.writeAndFlush(hello.get());
            handshakeTimeout = ctx.executor().schedule(() -> {
                LOG.warn("HA connection {} did not complete its handshake within {} ms; closing it", link,
                        settings.socketInitializationTimeout().toMillis());
                link.close();
            }, settings.socketInitializationTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HaFrame frame) {
            if (!link.up) {
                if (!(frame instanceof HaFrame.Hello h)) {
                    if (frame instanceof HaFrame.Refuse r) {
                        link.cause = HaChannel.LossCause.LOCAL;
                        handshakeTimeout.cancel(false);
                        listener.frame(link, r);
                    } else {
                        LOG.warn("HA connection {} sent {} before its HELLO; closing it", link, frame.getClass().getSimpleName());
                    }
                    link.close();
                    return;
                }
                handshakeTimeout.cancel(false);
                if (!adopt(link)) {
                    link.close();
                    return;
                }
                link.up = true;
                listener.linkUp(link, h);
                return;
            }
            if (!(frame instanceof HaFrame.Ping)) {
                listener.frame(link, frame);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent e) {
                if (e.state() == IdleState.READER_IDLE) {
                    LOG.warn("HA link {} brought nothing for {} ms; closing it as dead", link, 3 * settings.pingInterval().toMillis());
                    link.cause = HaChannel.LossCause.HEARTBEAT_TIMEOUT;
                    ctx.close();
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("HA link {} failed: {}", link, cause.toString());
            if (!(cause instanceof java.io.IOException)) {
                LOG.warn("HA link {} closed after an error: {}", link, cause.toString());
                link.cause = HaChannel.LossCause.LOCAL;
            }
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (handshakeTimeout != null) {
                handshakeTimeout.cancel(false);
            }
            boolean wasCurrent;
            synchronized (lock) {
                wasCurrent = current == link;
                if (wasCurrent) {
                    current = null;
                }
            }
            if (wasCurrent && link.up) {
                lastTryingNotice = Long.MIN_VALUE;
                listener.linkDown(link, link.cause, link.cause == HaChannel.LossCause.HEARTBEAT_TIMEOUT ? "no heartbeat" : "connection closed");
            }
            if (wasCurrent || current() == null) {
                scheduleConnect(RETRY_DELAY.toMillis());
            }
        }
    }

    /**
     * Makes a handshaken connection the current link, or refuses it when another is current. When both servers
     * connected at once, the connection the primary opened wins on both sides.
     */
    private boolean adopt(Link link) {
        Link replaced = null;
        synchronized (lock) {
            if (closed) {
                return false;
            }
            if (current != null && current.isOpen()) {
                boolean newIsPrimarys = link.outbound() == settings.primary();
                boolean currentIsPrimarys = current.outbound() == settings.primary();
                if (!newIsPrimarys || currentIsPrimarys) {
                    return false;
                }
                replaced = current;
            }
            current = link;
            if (retry != null) {
                retry.cancel(false);
            }
        }
        if (replaced != null) {
            boolean reported = replaced.up;
            replaced.cause = HaChannel.LossCause.LOCAL;
            replaced.up = false;
            replaced.channel.close();
            if (reported) {
                // the controller may have started work on it (a resync): it must hear that it is gone
                listener.linkDown(replaced, HaChannel.LossCause.LOCAL, "replaced by the connection the primary opened");
            }
        }
        return true;
    }
}
