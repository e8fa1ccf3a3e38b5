package io.fmq.server.net;

import io.fmq.protocol.Dest;
import io.fmq.protocol.ErrorCode;
import io.fmq.protocol.Frame;
import io.fmq.protocol.FrameCodec;

import io.fmq.protocol.FrameType;
import io.fmq.protocol.ProtocolException;
import io.fmq.protocol.WireMessage;
import io.fmq.server.broker.Broker;
import io.fmq.server.broker.BrokerConnection;
import io.fmq.server.broker.BrokerException;
import io.fmq.server.broker.DeliveryTarget;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of one client connection: the handshake, then each frame turned into a broker call
 * and answered with {@link Frame.Ok} or {@link Frame.Error}. The event loop decodes frames and checks the login;
 * every frame after the HELLO is handed, in order, to the broker's thread, which handles it and writes the answer
 * (Netty then writes it on the event loop): the event loop never waits for the broker or the disk. A frame that breaks the protocol gets a
 * fatal error and the connection is closed; the broker and other connections are not affected.
 *
 * <p>Producer flow control: while more than {@link #MAX_UNCONFIRMED_SENDS} of this connection's sends
 * wait for the disk, the handler stops reading from the socket, so a fast producer is slowed by TCP
 * instead of filling the broker's memory. While the broker holds more messages than its memory limit, the
 * confirmations of sends and commits wait ({@link Broker#memoryAvailable()}): the producer's window of unconfirmed
 * sends fills and it stops, while this connection's consumers and acknowledgements go on.
 */
public final class ClientConnectionHandler extends SimpleChannelInboundHandler<Frame> implements DeliveryTarget {
    private static final Logger LOG = LoggerFactory.getLogger(ClientConnectionHandler.class);
    static final int MAX_UNCONFIRMED_SENDS = 2048;
    /** Time a new connection has to send {@link Frame.Hello}. */
    static final long HANDSHAKE_TIMEOUT_SECONDS = 30;

    private final Broker broker;
    private final boolean pingEnabled;
    private final int serverHeartbeatMillis;
    private final String serverVersion;
    private final AtomicInteger unconfirmedSends = new AtomicInteger();
    private Channel channel;
    /** Event loop only: a HELLO was taken (everything after it goes to the broker's thread). */
    private boolean greeted;
    /** Broker's thread only: the broker's side of this connection, once opened. */
    private BrokerConnection connection;
    /** Broker's thread only: the channel has closed. */
    private boolean closed;
    /**
     * Event loop only: the login is being checked (on a login thread); frames a client sent after its HELLO without
     * waiting for the answer are held in {@link #inbox}, and the socket is not read, until the connection is open.
     */
    private boolean loginPending;
    /** Event loop only: the frames of the read in progress (or held while the login is checked). */
    private List<Frame> inbox = new ArrayList<>();
    /** Broker's thread only: a flush is registered for the end of the current burst. */
    private boolean flushPending;
    private final Runnable flusher = () -> {
        flushPending = false;
        channel.flush();
    };

    public ClientConnectionHandler(Broker broker, boolean pingEnabled, int serverHeartbeatMillis, String serverVersion) {
        this.broker = broker;
        this.pingEnabled = pingEnabled;
        this.serverHeartbeatMillis = serverHeartbeatMillis;
        this.serverVersion = serverVersion;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        channel = ctx.channel();
        ctx.executor().schedule(() -> {
            if (!greeted && channel.isActive()) {
                fatal(0, ErrorCode.PROTOCOL, "no handshake within " + HANDSHAKE_TIMEOUT_SECONDS + " s");
            }
        }, HANDSHAKE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        broker.execute(() -> {
            closed = true;
            if (connection != null) {
                connection.close();
                LOG.info("Client connection {} closed", connection.id());
            }
        });
        super.channelInactive(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
        if (!greeted) {
            if (!(frame instanceof Frame.Hello)) {
                fatal(frame.requestId(), ErrorCode.PROTOCOL, "the first frame must be HELLO, not " + frame.type());
                return;
            }
            greeted = true;
            handshake(ctx, (Frame.Hello) frame);
            return;
        }
        inbox.add(frame);
    }

    /** The end of a read from the socket: the frames it brought go to the broker's thread together, as one task. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        if (loginPending) {
            if (!inbox.isEmpty()) {
                channel.config().setAutoRead(false);
            }
        } else if (!inbox.isEmpty()) {
            List<Frame> frames = inbox;
            inbox = new ArrayList<>();
            broker.execute(() -> handleAll(frames));
        }
        super.channelReadComplete(ctx);
    }

    /** Broker's thread: the frames of one read, in order. */
    private void handleAll(List<Frame> frames) {
        for (Frame frame : frames) {
            if (connection == null || closed) {
                return; // the login was refused (the client has been told) or the channel is gone
            }
            try {
                handle(frame);
            } catch (BrokerException e) {
                error(frame.requestId(), e.code(), e.getMessage());
            } catch (RuntimeException e) {
                LOG.error("Unexpected error handling {} on client connection {}", frame.type(), channel.remoteAddress(), e);
                fatal(frame.requestId(), ErrorCode.INTERNAL, "internal server error: " + e);
            }
        }
    }

    /**
     * Writes a frame to the client: on the broker's thread it joins the burst's writes and goes out with them (one flush
     * per burst); elsewhere (a future completed on another thread) at once.
     */
    private void send(Frame f) {
        if (broker.inOwner()) {
            channel.write(f, channel.voidPromise());
            if (!flushPending) {
                flushPending = true;
                broker.atEndOfBurst(flusher);
            }
        } else {
            channel.writeAndFlush(f, channel.voidPromise());
        }
    }

    private void handshake(ChannelHandlerContext ctx, Frame.Hello hello) {
        if (hello.protocolVersion() != FrameCodec.PROTOCOL_VERSION) {
            fatal(hello.requestId(), ErrorCode.VERSION, "this server speaks protocol version " + FrameCodec.PROTOCOL_VERSION
                    + ", the client " + hello.protocolVersion() + ": use a client library of the server's version");
            return;
        }
        // the password is checked by the broker (at once when it saw this login succeed before, else on a login thread);
        // the connection is opened on the broker's thread, ahead of every later frame of this channel, which waits
        // here until then (loginDone)
        loginPending = true;
        broker.connect(hello.user(), hello.password(), hello.clientId(), String.valueOf(channel.remoteAddress()), this)
                .whenComplete((c, e) -> {
                    if (e != null) {
                        BrokerException refused = e instanceof BrokerException be ? be
                                : e.getCause() instanceof BrokerException be2 ? be2 : null;
                        if (refused != null) {
                            fatal(hello.requestId(), refused.code(), refused.getMessage());
                        } else {
                            LOG.error("Opening client connection {} failed", channel.remoteAddress(), e);
                            fatal(hello.requestId(), ErrorCode.INTERNAL, "internal server error: " + e);
                        }
                        return;
                    }
                    // on the broker's thread
                    if (closed) {
                        c.close();
                        return;
                    }
                    connection = c;
                    int heartbeat = 0;
                    if (pingEnabled && hello.heartbeatMillis() > 0) {
                        heartbeat = Math.max(100, Math.min(hello.heartbeatMillis(), serverHeartbeatMillis));
                        ctx.pipeline().addBefore(FrameCodec.FRAMER, "fmq-idle",
                                new IdleStateHandler(3L * heartbeat, 0, 0, TimeUnit.MILLISECONDS));
                        ctx.pipeline().addBefore(FrameCodec.FRAMER, "fmq-ping", new io.fmq.protocol.PeriodicPing(heartbeat, () -> new Frame.Ping(0)));
                    }
                    channel.writeAndFlush(new Frame.Welcome(hello.requestId(), FrameCodec.PROTOCOL_VERSION, serverVersion, c.id(), heartbeat));
                    ctx.executor().execute(this::loginDone);
                });
    }

    /** Event loop: the connection is open; frames held during the login go to the broker's thread, and reading resumes. */
    private void loginDone() {
        loginPending = false;
        if (!inbox.isEmpty()) {
            List<Frame> frames = inbox;
            inbox = new ArrayList<>();
            broker.execute(() -> handleAll(frames));
        }
        channel.config().setAutoRead(true);
    }

    private void handle(Frame frame) throws BrokerException {
        int rid = frame.requestId();
        switch (frame.type()) {
            case PING:
                send(new Frame.Pong(rid));
                break;
            case PONG:
                break;
            case GOODBYE:
                connection.close();
                channel.writeAndFlush(new Frame.Ok(rid, 0, null)).addListener(ChannelFutureListener.CLOSE);
                break;
            case CLIENT_ID:
                connection.assignClientId(((Frame.ClientId) frame).clientId());
                ok(rid);
                break;
            case SESSION_OPEN: {
                Frame.SessionOpen f = (Frame.SessionOpen) frame;
                connection.openSession(f.sessionId(), f.transacted());
                ok(rid);
                break;
            }
            case SESSION_CLOSE:
                connection.closeSession(((Frame.SessionCommand) frame).sessionId());
                ok(rid);
                break;
            case COMMIT:
                int sessionId = ((Frame.SessionCommand) frame).sessionId();
                // only a commit that sends waits for memory: one that only acknowledges is what frees it
                boolean sends = connection.hasPendingSends(sessionId);
                CompletableFuture<Void> committed = connection.commit(sessionId);
                reply(rid, sends ? committed.thenCompose(v -> broker.memoryAvailable()) : committed);
                break;
            case ROLLBACK:
            case RECOVER: {
                // the answer carries the last delivery id issued before the redeliveries: the client drops the
                // session's deliveries up to it (prefetched, or still on the wire) and keeps the redeliveries after it,
                // in whichever order they arrive
                Frame.Redeliver f = (Frame.Redeliver) frame;
                long watermark = frame.type() == FrameType.ROLLBACK
                        ? connection.rollback(f.sessionId(), f.consumerIds(), f.lastConsumedIds())
                        : connection.recover(f.sessionId(), f.consumerIds(), f.lastConsumedIds());
                answer(rid, watermark);
                break;
            }
            case FLOW: {
                // the same watermark for a stop: the deliveries up to it were taken back
                Frame.Flow f = (Frame.Flow) frame;
                answer(rid, connection.flow(f.start(), f.consumerIds(), f.lastConsumedIds()));
                break;
            }
            case SEND:
                sendMessage((Frame.Send) frame);
                break;
            case CONSUMER_OPEN: {
                Frame.ConsumerOpen f = (Frame.ConsumerOpen) frame;
                if (f.browser()) {
                    int count = connection.browse(f); // the snapshot's deliveries go out before the answer
                    send(new Frame.Ok(rid, count, null));
                } else {
                    reply(rid, connection.openConsumer(f));
                }
                break;
            }
            case CONSUMER_CLOSE: {
                Frame.ConsumerClose f = (Frame.ConsumerClose) frame;
                connection.closeConsumer(f.consumerId(), f.lastConsumedDeliveryId());
                ok(rid);
                break;
            }
            case ACK: {
                Frame.Ack f = (Frame.Ack) frame;
                reply(rid, connection.acknowledge(f.sessionId(), f.deliveryId(), f.upTo(), rid != 0));
                break;
            }
            case ACK_SET: {
                Frame.AckSet f = (Frame.AckSet) frame;
                reply(rid, connection.acknowledge(f.sessionId(), f.deliveryIds(), rid != 0));
                break;
            }
            case CREDIT: {
                Frame.Credit f = (Frame.Credit) frame;
                connection.credit(f.consumerId(), f.messages());
                break;
            }
            case UNSUBSCRIBE:
                reply(rid, connection.unsubscribe(((Frame.DestinationCommand) frame).name()));
                break;
            case TEMP_CREATE: {
                Frame.DestinationCommand f = (Frame.DestinationCommand) frame;
                Dest.Kind kind = f.destination() != null && f.destination().kind() == Dest.Kind.TEMP_TOPIC ? Dest.Kind.TEMP_TOPIC
                        : Dest.Kind.TEMP_QUEUE;
                send(new Frame.Ok(rid, 0, connection.createTemporary(kind)));
                break;
            }
            case TEMP_DELETE:
                connection.deleteTemporary(((Frame.DestinationCommand) frame).destination());
                ok(rid);
                break;
            default:
                fatal(rid, ErrorCode.PROTOCOL, "a client may not send " + frame.type());
        }
    }

    private void sendMessage(Frame.Send f) {
        BrokerConnection.Sent sent = connection.send(f.sessionId(), f.message());
        CompletableFuture<Void> stored = sent.stored();
        // confirmed from the thread that made it safe; over the memory limit the confirmation waits, so the producer's
        // window fills and it stops
        CompletableFuture<Void> done = f.requestId() == 0 ? sent.safe() : sent.safe().thenCompose(v -> broker.memoryAvailable());
        if (!stored.isDone()) {
            if (unconfirmedSends.incrementAndGet() >= MAX_UNCONFIRMED_SENDS) {
                channel.config().setAutoRead(false);
            }
            stored.whenComplete((v, e) -> {
                if (unconfirmedSends.decrementAndGet() < MAX_UNCONFIRMED_SENDS / 2 && !channel.config().isAutoRead()) {
                    channel.config().setAutoRead(true);
                }
            });
        }
        reply(f.requestId(), done);
    }

    private void reply(int requestId, CompletableFuture<?> future) {
        future.whenComplete((v, e) -> {
            if (e == null) {
                if (requestId != 0) {
                    ok(requestId);
                }
                return;
            }
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof BrokerException) {
                error(requestId, ((BrokerException) cause).code(), cause.getMessage());
            } else if (cause instanceof io.fmq.store.NotAllowedToConfirmException) {
                // this server is not (or no longer) the active one: its clients must go and find the one that is
                fatal(requestId, ErrorCode.NOT_ACTIVE, "the server may no longer confirm changes (it is not the active server of "
                        + "its HA pair): " + cause.getMessage());
            } else if (cause instanceof IOException) {
                LOG.error("Data store write failed: {}", cause.getMessage());
                error(requestId, ErrorCode.STORE, "the server could not store the change: " + cause.getMessage());
            } else {
                LOG.error("Request failed", cause);
                error(requestId, ErrorCode.INTERNAL, String.valueOf(cause));
            }
        });
    }

    private void ok(int requestId) {
        if (requestId != 0) {
            send(new Frame.Ok(requestId, 0, null));
        }
    }

    private void answer(int requestId, long value) {
        if (requestId != 0) {
            send(new Frame.Ok(requestId, value, null));
        }
    }

    private void error(int requestId, String code, String message) {
        send(new Frame.Error(requestId, code, message, false));
    }

    private void fatal(int requestId, String code, String message) {
        LOG.warn("Closing client connection {}: {}", channel.remoteAddress(), message);
        channel.writeAndFlush(new Frame.Error(requestId, code, message, true)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void deliver(int consumerId, long deliveryId, WireMessage message) {
        send(new Frame.Deliver(0, consumerId, deliveryId, message));
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            if (((IdleStateEvent) evt).state() == IdleState.READER_IDLE) {
                LOG.warn("Client connection {} silent for three heartbeats: closing it", channel.remoteAddress());
                ctx.close();
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable c = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (c instanceof ProtocolException || c instanceof TooLongFrameException) {
            fatal(0, ErrorCode.PROTOCOL, c.getMessage());
        } else if (c instanceof IOException) {
            LOG.debug("Client connection {} failed: {}", channel.remoteAddress(), c.getMessage());
            ctx.close();
        } else {
            LOG.error("Unexpected error on client connection {}", channel.remoteAddress(), c);
            fatal(0, ErrorCode.INTERNAL, "internal server error: " + c);
        }
    }

}
