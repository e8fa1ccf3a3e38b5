package io.fmq.server.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The listening socket for clients. Binding is the moment a port conflict shows, so a port in use is
 * reported as {@link PortInUseException} with nothing left running. The pipeline of each accepted
 * connection comes from the handler given to {@link #bind}.
 */
public final class ClientAcceptor implements AutoCloseable {
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel channel;

    private ClientAcceptor(EventLoopGroup boss, EventLoopGroup workers, Channel channel) {
        this.boss = boss;
        this.workers = workers;
        this.channel = channel;
    }

    public static ClientAcceptor bind(int port, ChannelHandler childInitializer) throws PortInUseException, InterruptedException {
        EventLoopGroup boss = new NioEventLoopGroup(1, new DefaultThreadFactory("fmq-accept"));
        EventLoopGroup workers = new NioEventLoopGroup(0, new DefaultThreadFactory("fmq-client-io"));
        try {
            Channel channel = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(childInitializer)
                    .bind(new InetSocketAddress(port)).sync().channel();
            return new ClientAcceptor(boss, workers, channel);
        } catch (Exception e) {
            shutdown(boss, workers);
            if (e instanceof BindException) {
                throw new PortInUseException(port, e);
            }
            if (e instanceof InterruptedException) {
                throw (InterruptedException) e;
            }
            throw e instanceof RuntimeException ? (RuntimeException) e : new IllegalStateException(e);
        }
    }

    /** The address actually bound, e.g. {@code 0.0.0.0/0.0.0.0:1856}. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Stops accepting, closes every client connection and the port. */
    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        shutdown(boss, workers);
    }

    private static void shutdown(EventLoopGroup boss, EventLoopGroup workers) {
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
