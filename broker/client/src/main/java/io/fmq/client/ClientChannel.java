package io.fmq.client;

import io.fmq.protocol.ErrorCode;
import io.fmq.protocol.Frame;
import io.fmq.protocol.FrameCodec;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidClientIDException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.InvalidSelectorException;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.TransactionRolledBackException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * The client end of one protocol connection: connects and shakes hands, matches answers to requests,
 * passes deliveries on, keeps the heartbeat, and reports the connection's loss.
 */
final class ClientChannel {
    /** What the connection above hears from the server. */
    interface Listener {
        void delivered(Frame.Deliver deliver);

        void lost(ClientChannel channel, JMSException cause);
    }

    private static final class Pending {
        final CompletableFuture<Frame> future = new CompletableFuture<>();
        /** Runs on the I/O thread with a successful answer, before the answer is handed to the waiting caller. */
        final java.util.function.Consumer<Frame> onAnswerInIoThread;

        Pending(java.util.function.Consumer<Frame> onAnswerInIoThread) {
            this.onAnswerInIoThread = onAnswerInIoThread;
        }
    }

    private final Channel channel;
    private final Map<Integer, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicInteger requestIds = new AtomicInteger();
    private final Handler handler;
    private volatile String connectionId;
    private volatile boolean closing;

    /** The shared I/O threads' lease this channel gives back when it closes; null when its caller owns the lease. */
    private final ClientIo.Lease lease;

    private ClientChannel(ClientIo.Lease lease, Channel channel, Handler handler) {
        this.lease = lease;
        this.channel = channel;
        this.handler = handler;
    }

    /**
     * Connects on one of the process's shared I/O threads ({@link ClientIo}; the channel gives its lease back when it
     * closes) and shakes hands; blocks the caller.
     */
    static ClientChannel connect(String host, int port, String user, String password, String clientId, int heartbeatMillis,
                                 int timeoutMillis, Listener listener) throws JMSException {
        ClientIo.checkSettings();
        ClientIo.Lease lease = ClientIo.acquire();
        try {
            return await(connectAsync(lease.loop(), lease, host, port, user, password, clientId, heartbeatMillis, timeoutMillis, listener),
                    timeoutMillis + 1000L);
        } catch (JMSException e) {
            lease.close();
            throw e;
        }
    }

    /**
     * Connects and shakes hands without blocking: the future completes (on {@code loop}) with the channel, or with a
     * JMSException saying why not. With a {@code lease} the channel gives it back when it closes (a failed attempt
     * leaves that to the caller); without, the loop belongs to the caller (a durable connection keeps one loop for
     * all its channels).
     */
    static java.util.concurrent.CompletableFuture<ClientChannel> connectAsync(EventLoop loop, ClientIo.Lease lease, String host,
            int port, String user, String password, String clientId, int heartbeatMillis, int timeoutMillis, Listener listener) {
        CompletableFuture<ClientChannel> result = new CompletableFuture<>();
        Handler handler = new Handler(listener);
        new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMillis)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        FrameCodec.install(ch.pipeline());
                        ch.pipeline().addLast("fmq-client", handler);
                    }
                })
                .connect(new InetSocketAddress(host, port)).addListener((io.netty.channel.ChannelFuture cf) -> {
                    if (!cf.isSuccess()) {
                        Throwable e = cf.cause();
                        JMSException j = new JMSException("Cannot connect to the FMQ server at " + host + ":" + port + ": "
                                + e.getMessage() + ". Is the server running (and the active one of an HA pair), and is " + port
                                + " its client port (ServerPort)?");
                        j.setLinkedException(e instanceof Exception ? (Exception) e : null);
                        result.completeExceptionally(j);
                        return;
                    }
                    Channel channel = cf.channel();
                    ClientChannel c = new ClientChannel(lease, channel, handler);
                    handler.owner = c;
                    c.requestAsync(rid -> new Frame.Hello(rid, FrameCodec.PROTOCOL_VERSION, Version.VERSION, user, password, clientId,
                            heartbeatMillis), null).orTimeout(timeoutMillis, TimeUnit.MILLISECONDS).whenComplete((answer, e) -> {
                                if (e != null) {
                                    channel.close();
                                    Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                                            ? e.getCause() : e;
                                    result.completeExceptionally(cause instanceof TimeoutException
                                            ? new JMSException("the FMQ server at " + host + ":" + port + " did not answer the handshake within "
                                                    + timeoutMillis + " ms") : cause);
                                    return;
                                }
                                Frame.Welcome welcome = (Frame.Welcome) answer;
                                c.connectionId = welcome.connectionId();
                                if (welcome.heartbeatMillis() > 0) {
                                    // the server sends something at least every heartbeat: two without a frame
                                    // mean it is gone or frozen, and the connection is dropped (a durable one
                                    // moves its unconfirmed sends to the outbox and looks for the active server)
                                    int hb = welcome.heartbeatMillis();
                                    channel.pipeline().addBefore(FrameCodec.FRAMER, "fmq-idle",
                                            new IdleStateHandler(2L * hb, 0, 0, TimeUnit.MILLISECONDS));
                                    channel.pipeline().addBefore(FrameCodec.FRAMER, "fmq-ping",
                                            new io.fmq.protocol.PeriodicPing(hb, () -> new Frame.Ping(0)));
                                }
                                result.complete(c);
                            });
                });
        return result;
    }

    /** Whether the socket is gone (a request failing now failed because of that, not because the server refused it). */
    boolean isBroken() {
        return !channel.isActive();
    }

    String connectionId() {
        return connectionId;
    }

    int nextRequestId() {
        int id = requestIds.incrementAndGet();
        return id == 0 ? requestIds.incrementAndGet() : id;
    }

    /** Sends a frame that expects no answer. */
    void send(Frame frame) {
        channel.writeAndFlush(frame);
    }

    /** Sends a request; the future completes with the answer (an {@link Frame.Ok} or a JMSException). */
    CompletableFuture<Frame> requestAsync(IntFunction<Frame> build, java.util.function.Consumer<Frame> onAnswerInIoThread) {
        int rid = nextRequestId();
        Pending p = new Pending(onAnswerInIoThread);
        pending.put(rid, p);
        if (!channel.isActive()) {
            pending.remove(rid);
            p.future.completeExceptionally(new IllegalStateException("the connection to the server is closed"));
            return p.future;
        }
        channel.writeAndFlush(build.apply(rid));
        return p.future;
    }

    Frame request(IntFunction<Frame> build, long timeoutMillis) throws JMSException {
        return await(requestAsync(build, null), timeoutMillis);
    }

    static <T> T await(CompletableFuture<T> f, long timeoutMillis) throws JMSException {
        try {
            return f.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JMSException("interrupted while waiting for the server");
        } catch (TimeoutException e) {
            throw new JMSException("the server did not answer within " + timeoutMillis + " ms");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof JMSException) {
                JMSException cause = (JMSException) e.getCause();
                // a fresh exception, so the stack trace shows the caller
                JMSException copy = copy(cause);
                copy.setLinkedException(cause);
                throw copy;
            }
            JMSException j = new JMSException(String.valueOf(e.getCause()));
            j.setLinkedException(e.getCause() instanceof Exception ? (Exception) e.getCause() : null);
            throw j;
        }
    }

    private static JMSException copy(JMSException e) {
        if (e instanceof JMSSecurityException) {
            return new JMSSecurityException(e.getMessage(), e.getErrorCode());
        }
        if (e instanceof InvalidDestinationException) {
            return new InvalidDestinationException(e.getMessage(), e.getErrorCode());
        }
        if (e instanceof InvalidSelectorException) {
            return new InvalidSelectorException(e.getMessage(), e.getErrorCode());
        }
        if (e instanceof InvalidClientIDException) {
            return new InvalidClientIDException(e.getMessage(), e.getErrorCode());
        }
        if (e instanceof TransactionRolledBackException) {
            return new TransactionRolledBackException(e.getMessage(), e.getErrorCode());
        }
        if (e instanceof IllegalStateException) {
            return new IllegalStateException(e.getMessage(), e.getErrorCode());
        }
        return new JMSException(e.getMessage(), e.getErrorCode());
    }

    static JMSException toException(Frame.Error error) {
        String m = error.message();
        switch (error.code()) {
            case ErrorCode.SECURITY: return new JMSSecurityException(m, error.code());
            case ErrorCode.INVALID_DESTINATION: return new InvalidDestinationException(m, error.code());
            case ErrorCode.INVALID_SELECTOR: return new InvalidSelectorException(m, error.code());
            case ErrorCode.CLIENT_ID_IN_USE: return new InvalidClientIDException(m, error.code());
            case ErrorCode.ILLEGAL_STATE: return new IllegalStateException(m, error.code());
            case ErrorCode.TRANSACTION_ROLLED_BACK: return new TransactionRolledBackException(m, error.code());
            default: return new JMSException(m, error.code());
        }
    }

    /** Says goodbye (bounded wait) and closes the socket and the I/O thread. */
    void close() {
        if (closing) {
            return;
        }
        closing = true;
        if (channel.isActive() && connectionId != null) {
            try {
                await(requestAsync(Frame.Goodbye::new, null), 5000);
            } catch (JMSException e) {
                // the server may be gone already: closing the socket is enough
            }
        }
        channel.close().syncUninterruptibly();
        if (lease != null) {
            lease.close();
        }
    }

    /** Drops a channel without saying goodbye and without waiting (a durable connection discarding a broken link). */
    void abandon() {
        closing = true;
        channel.close();
        if (lease != null) {
            lease.close();
        }
    }

    boolean isClosing() {
        return closing;
    }

    private void failAll(JMSException cause) {
        for (Integer rid : pending.keySet()) {
            Pending p = pending.remove(rid);
            if (p != null) {
                p.future.completeExceptionally(cause);
            }
        }
    }

    /** The pipeline's last handler. */
    private static final class Handler extends SimpleChannelInboundHandler<Frame> {
        private final Listener listener;
        ClientChannel owner;
        /** Event loop only: why this side closed the channel, for the loss it reports (null: the server closed it). */
        private String closedBecause;

        Handler(Listener listener) {
            this.listener = listener;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
            switch (frame.type()) {
                case DELIVER:
                    listener.delivered((Frame.Deliver) frame);
                    return;
                case PING:
                    ctx.writeAndFlush(new Frame.Pong(frame.requestId()));
                    return;
                case PONG:
                    return;
                case ERROR: {
                    Frame.Error e = (Frame.Error) frame;
                    Pending p = owner.pending.remove(e.requestId());
                    JMSException ex = toException(e);
                    if (p != null) {
                        p.future.completeExceptionally(ex);
                    }
                    if (e.fatal()) {
                        owner.failAll(ex);
                        if (!owner.closing && owner.connectionId != null) {
                            listener.lost(owner, ex);
                        }
                        ctx.close();
                    }
                    return;
                }
                default: {
                    Pending p = owner.pending.remove(frame.requestId());
                    if (p != null) {
                        if (p.onAnswerInIoThread != null) {
                            p.onAnswerInIoThread.accept(frame);
                        }
                        p.future.complete(frame);
                    }
                }
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof IdleStateEvent) {
                if (((IdleStateEvent) evt).state() == IdleState.READER_IDLE) {
                    closedBecause = "nothing arrived from the server for two heartbeat intervals";
                    ctx.close();
                }
                return;
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            JMSException lost = new JMSException("the connection to the FMQ server was lost"
                    + (closedBecause == null ? "" : ": " + closedBecause));
            owner.failAll(lost);
            if (!owner.closing && owner.connectionId != null) {
                listener.lost(owner, lost);
            }
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (closedBecause == null) {
                closedBecause = String.valueOf(cause);
            }
            ctx.close();
        }
    }
}
