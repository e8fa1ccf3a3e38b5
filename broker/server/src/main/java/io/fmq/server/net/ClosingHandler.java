package io.fmq.server.net;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pipeline of a client connection while the server speaks no client protocol yet: the connection is
 * logged and closed at once, so a client sees a clean close rather than a silent socket.
 */
@ChannelHandler.Sharable
public final class ClosingHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ClosingHandler.class);

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        LOG.debug("Client connection from {} closed: this server build offers no client protocol", ctx.channel().remoteAddress());
        ctx.close();
    }
}
