package io.fmq.server.ha.sim;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Keeps, per test thread, the last log lines of the HA code and the console, tagged with the simulated time and
 * server, so that a failing seed shows what led to it; nothing is printed otherwise. Lines are formatted only when
 * asked for.
 */
final class SimLog extends AppenderBase<ILoggingEvent> {
    private static final int KEPT = Integer.getInteger("fmq.sim.kept", 400);
    private static final String[] LOGGERS = {"io.fmq.server.ha", "fmq.console"};
    private static final ThreadLocal<Context> CONTEXT = ThreadLocal.withInitial(Context::new);
    private static SimLog installed;

    private record Entry(long nanos, String node, ILoggingEvent event) {
    }

    private static final class Context {
        final ArrayDeque<Entry> entries = new ArrayDeque<>();
        PairWorld world;
        String node = "-";
    }

    static synchronized void install() {
        if (installed != null) {
            return;
        }
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        SimLog log = new SimLog();
        log.setContext(ctx);
        log.start();
        for (String name : LOGGERS) {
            Logger l = ctx.getLogger(name);
            l.setAdditive(false);
            l.setLevel(Boolean.getBoolean("fmq.sim.debug") ? Level.DEBUG : Level.INFO);
            l.addAppender(log);
        }
        installed = log;
    }

    static synchronized void uninstall() {
        if (installed == null) {
            return;
        }
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        for (String name : LOGGERS) {
            Logger l = ctx.getLogger(name);
            l.detachAppender(installed);
            l.setAdditive(true);
            l.setLevel(null);
        }
        installed.stop();
        installed = null;
    }

    /** A new seed on this thread. */
    static void begin(PairWorld world) {
        Context c = CONTEXT.get();
        c.entries.clear();
        c.world = world;
        c.node = "-";
    }

    /** Who logs from here on (the server whose tasks run). */
    static void node(String node) {
        CONTEXT.get().node = node;
    }

    static List<String> lines() {
        List<String> out = new ArrayList<>();
        for (Entry e : CONTEXT.get().entries) {
            out.add(String.format("%8d ms %-9s %-5s %s", e.nanos / 1_000_000, e.node, e.event.getLevel(), e.event.getFormattedMessage()));
        }
        return out;
    }

    @Override
    protected void append(ILoggingEvent event) {
        Context c = CONTEXT.get();
        if (c.world == null) {
            return;
        }
        if (c.entries.size() >= KEPT) {
            c.entries.poll();
        }
        c.entries.add(new Entry(c.world.now(), c.node, event));
    }
}
