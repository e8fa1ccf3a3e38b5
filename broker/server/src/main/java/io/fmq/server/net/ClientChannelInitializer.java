package io.fmq.server.net;

import io.fmq.protocol.FrameCodec;
import io.fmq.server.broker.Broker;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;

/** Builds the pipeline of every client connection: frame codec, then the connection handler. */
public final class ClientChannelInitializer extends ChannelInitializer<SocketChannel> {
    public static final String HANDLER = "fmq-client-connection";

    private final Broker broker;
    private final boolean pingEnabled;
    private final int heartbeatMillis;
    private final String serverVersion;

    public ClientChannelInitializer(Broker broker, boolean pingEnabled, int heartbeatMillis, String serverVersion) {
        this.broker = broker;
        this.pingEnabled = pingEnabled;
        this.heartbeatMillis = heartbeatMillis;
        this.serverVersion = serverVersion;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        FrameCodec.install(ch.pipeline());
        ch.pipeline().addLast(HANDLER, new ClientConnectionHandler(broker, pingEnabled, heartbeatMillis, serverVersion));
    }
}
