package io.fmq.jmx.tools;

import io.fmq.management.BrokerMXBean;
import io.fmq.management.DestinationMXBean;
import io.fmq.management.HaStatusMXBean;
import io.fmq.management.ObjectNames;
import io.fmq.management.ServerMXBean;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.management.JMX;
import javax.management.MBeanServerConnection;

/**
 * {@code server-status}: the live state of one server, or of both servers of a pair given both RMI
 * ports. Prints a table, or one JSON object per server with {@code --json} (an array for a pair).
 * Exit status: {@link ExitCodes#OK} when every server is running, else the first failure's status.
 */
final class StatusCommand {
    static final String USAGE = "usage: server-status.sh " + Options.COMMON + " [-rmiPort PORT2] [--json]";
    private static final String NOT_APPLICABLE = "n/a";

    private StatusCommand() {
    }

    static int run(Options options, PrintStream out, PrintStream err) {
        List<Map<String, Object>> reports = new ArrayList<>();
        int status = ExitCodes.OK;
        for (int port : options.rmiPorts()) {
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("server", options.host() + ":" + port);
            int code;
            try (JmxSession session = JmxSession.open(options.host(), port, options.user(), options.password())) {
                code = read(session.connection(), report);
            } catch (ToolException e) {
                report.put("reachable", e.exitCode() != ExitCodes.UNREACHABLE);
                report.put("state", e.exitCode() == ExitCodes.CREDENTIALS_REFUSED ? "CREDENTIALS_REFUSED"
                        : e.exitCode() == ExitCodes.UNREACHABLE ? "UNREACHABLE" : "UNKNOWN");
                report.put("error", e.getMessage());
                code = e.exitCode();
            }
            reports.add(report);
            if (status == ExitCodes.OK) {
                status = code;
            }
        }
        if (options.json()) {
            out.println(Json.write(reports.size() == 1 ? reports.get(0) : reports));
        } else {
            for (int i = 0; i < reports.size(); i++) {
                if (i > 0) {
                    out.println();
                }
                printTable(reports.get(i), out, err);
            }
        }
        return status;
    }

    private static int read(MBeanServerConnection c, Map<String, Object> r) throws ToolException {
        try {
            ServerMXBean s = JMX.newMXBeanProxy(c, ObjectNames.SERVER, ServerMXBean.class);
            String state = s.getState();
            r.put("reachable", true);
            r.put("state", state);
            r.put("version", s.getVersion());
            r.put("profile", s.getProfileName());
            r.put("profilePath", s.getProfilePath());
            r.put("role", s.getRole());
            r.put("haMode", s.getHaMode());
            r.put("processId", s.getProcessId());
            r.put("startTime", s.getStartTime());
            r.put("uptimeMillis", s.getUptimeMillis());
            r.put("clientPort", s.getClientPort());
            r.put("rmiPort", s.getRmiPort());
            r.put("storePath", s.getStorePath());
            r.put("logPath", s.getLogPath());
            boolean ha = c.isRegistered(ObjectNames.HA_STATUS);
            r.put("haActive", ha);
            if (ha) {
                HaStatusMXBean h = JMX.newMXBeanProxy(c, ObjectNames.HA_STATUS, HaStatusMXBean.class);
                r.put("haState", h.getState());
                r.put("previousHaState", h.getPreviousState());
                r.put("peerState", h.getRemoteState());
                r.put("lockHeld", h.isLockHeld());
                r.put("lockFile", h.getLockFile());
                r.put("gatewayReachable", h.isGatewayReachable());
                r.put("epoch", h.getEpoch());
                r.put("lastSequence", h.getLastSequence());
                r.put("replicationBacklogRecords", h.getReplicationBacklogRecords());
                r.put("replicationBacklogBytes", h.getReplicationBacklogBytes());
                r.put("resyncBytes", h.getResyncBytes());
                r.put("lastTransitionTime", h.getLastTransitionTime());
                r.put("lastTransitionCause", h.getLastTransitionCause());
            } else {
                r.put("haState", NOT_APPLICABLE);
                r.put("peerState", NOT_APPLICABLE);
                r.put("lockHeld", NOT_APPLICABLE);
                r.put("gatewayReachable", NOT_APPLICABLE);
            }
            if (c.isRegistered(ObjectNames.BROKER)) {
                BrokerMXBean b = JMX.newMXBeanProxy(c, ObjectNames.BROKER, BrokerMXBean.class);
                r.put("connections", b.getConnections());
                r.put("totalDepth", b.getTotalDepth());
                List<Map<String, Object>> destinations = new ArrayList<>();
                for (javax.management.ObjectName n : new java.util.TreeSet<>(c.queryNames(ObjectNames.ALL_DESTINATIONS, null))) {
                    DestinationMXBean d = JMX.newMXBeanProxy(c, n, DestinationMXBean.class);
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("name", d.getName());
                    m.put("kind", d.getKind());
                    m.put("depth", d.getDepth());
                    m.put("consumers", d.getConsumers());
                    destinations.add(m);
                }
                r.put("destinations", destinations);
            }
            return "RUNNING".equals(state) ? ExitCodes.OK : ExitCodes.NOT_RUNNING;
        } catch (java.io.IOException | java.lang.reflect.UndeclaredThrowableException e) {
            throw new ToolException(ExitCodes.FAILED, "The server answered but its status could not be read: " + e
                    + ". Is this an FMQ server of the same version as the tools?");
        }
    }

    private static void printTable(Map<String, Object> r, PrintStream out, PrintStream err) {
        out.println("FMQ server " + r.get("server"));
        if (r.containsKey("error")) {
            row(out, "State", r.get("state"));
            err.println(r.get("error"));
            return;
        }
        row(out, "State", r.get("state"));
        row(out, "Version", r.get("version"));
        row(out, "Profile", r.get("profile") + "  (" + r.get("profilePath") + ")");
        row(out, "Role", r.get("role") + ", HA mode " + r.get("haMode"));
        row(out, "Process id", r.get("processId"));
        row(out, "Started", r.get("startTime") + "  (up " + uptime((Long) r.get("uptimeMillis")) + ")");
        row(out, "Client port", r.get("clientPort"));
        row(out, "RMI port", r.get("rmiPort"));
        row(out, "Data store", r.get("storePath"));
        row(out, "Logs", r.get("logPath"));
        String why = Boolean.TRUE.equals(r.get("haActive")) ? ""
                : "none".equals(r.get("haMode")) ? "  (standalone server)" : "  (HA layer not active)";
        row(out, "HA state", r.get("haState") + why
                + (r.containsKey("previousHaState") ? "  (before: " + r.get("previousHaState") + ")" : ""));
        row(out, "Peer state", r.get("peerState"));
        row(out, "Lock held", r.get("lockHeld") + (r.containsKey("lockFile") ? "  (" + r.get("lockFile") + ")" : ""));
        row(out, "Gateway reachable", r.get("gatewayReachable"));
        if (r.containsKey("epoch")) {
            row(out, "Store position", "epoch " + r.get("epoch") + ", sequence " + r.get("lastSequence"));
            if ("shared".equals(r.get("haMode"))) {
                row(out, "Replication", "none (one shared store)");
            } else {
                row(out, "Replication", "backlog " + r.get("replicationBacklogRecords") + " record(s), "
                        + r.get("replicationBacklogBytes") + " byte(s) held; last resync " + r.get("resyncBytes") + " byte(s)");
            }
            row(out, "Last transition", r.get("lastTransitionTime") + "  " + r.get("lastTransitionCause"));
        }
        if (r.containsKey("connections")) {
            row(out, "Connections", r.get("connections"));
            row(out, "Messages held", r.get("totalDepth"));
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> destinations = (List<Map<String, Object>>) r.get("destinations");
            if (!destinations.isEmpty()) {
                out.printf("  %-30s %-6s %10s %10s%n", "Destination", "Kind", "Depth", "Consumers");
                int shown = 0;
                for (Map<String, Object> d : destinations) {
                    if (shown++ == 50) {
                        out.println("  ... " + (destinations.size() - 50) + " more (see --json)");
                        break;
                    }
                    out.printf("  %-30s %-6s %10s %10s%n", d.get("name"), d.get("kind"), d.get("depth"), d.get("consumers"));
                }
            }
        }
    }

    private static void row(PrintStream out, String label, Object value) {
        out.printf("  %-18s %s%n", label, value);
    }

    static String uptime(long millis) {
        Duration d = Duration.ofMillis(millis);
        if (d.toDays() > 0) {
            return d.toDays() + "d " + d.toHoursPart() + "h " + d.toMinutesPart() + "m";
        }
        if (d.toHours() > 0) {
            return d.toHours() + "h " + d.toMinutesPart() + "m " + d.toSecondsPart() + "s";
        }
        return d.toMinutes() + "m " + d.toSecondsPart() + "s";
    }
}
