package io.fmq.protocol;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Sends a ping frame every interval for as long as the channel is open, so that the peer's read timeout
 * ({@code IdleStateHandler} with a reader timeout only) sees the connection alive even when nothing else flows.
 * It replaces a writer-idle timer, which must watch the completion of every write (a listener on each one): a
 * fixed-rate ping costs one small frame per interval instead of work on every message. Runs on the channel's event
 * loop.
 */
public final class PeriodicPing extends ChannelInboundHandlerAdapter {
    private final long intervalMillis;
    private final Supplier<Object> ping;
    /** Event loop only. */
    private ScheduledFuture<?> task;

    public PeriodicPing(long intervalMillis, Supplier<Object> ping) {
        if (intervalMillis <= 0) {
            throw new IllegalArgumentException("the ping interval must be positive, not " + intervalMillis);
        }
        this.intervalMillis = intervalMillis;
        this.ping = ping;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            start(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        start(ctx);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stop();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    private void start(ChannelHandlerContext ctx) {
        if (task == null) {
            task = ctx.executor().scheduleAtFixedRate(() -> {
                if (ctx.channel().isActive()) {
                    ctx.writeAndFlush(ping.get(), ctx.voidPromise());
                }
            }, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void stop() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }
}
