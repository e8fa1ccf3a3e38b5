package io.fmq.jmx.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ToolsTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return FmqAdmin.run(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void jsonEscapesAndNests() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "a\"b\\c\n");
        m.put("n", 3);
        m.put("b", false);
        m.put("l", List.of(1, "x"));
        m.put("z", null);

        assertThat(Json.write(m)).isEqualTo("{\"s\":\"a\\\"b\\\\c\\n\",\"n\":3,\"b\":false,\"l\":[1,\"x\"],\"z\":null}");
    }

    @Test
    void mbeanNamesMayBeTreePaths() throws ToolException {
        assertThat(AttributeCommands.mbean("HA/HAManager/FioranoHAManager").toString())
                .isEqualTo("fmq:type=Config,section=HA,group=HAManager,name=FioranoHAManager");
        assertThat(AttributeCommands.mbean("jmx \u203a RMIBasedJMXConnector").toString())
                .isEqualTo("fmq:type=Config,section=jmx,name=RMIBasedJMXConnector");
        assertThat(AttributeCommands.mbean("server").toString()).isEqualTo("fmq:type=Server");
        assertThat(AttributeCommands.mbean("java.lang:type=Memory").toString()).isEqualTo("java.lang:type=Memory");
        assertThatThrownBy(() -> AttributeCommands.mbean("justone")).isInstanceOf(ToolException.class);
    }

    @Test
    void commandLineValuesAreConvertedToTheAttributeType() throws ToolException {
        assertThat(AttributeCommands.convert("42", "int")).isEqualTo(42);
        assertThat(AttributeCommands.convert("42", "java.lang.Long")).isEqualTo(42L);
        assertThat(AttributeCommands.convert("TRUE", "boolean")).isEqualTo(true);
        assertThat(AttributeCommands.convert("x", "java.lang.String")).isEqualTo("x");
        assertThatThrownBy(() -> AttributeCommands.convert("maybe", "boolean")).hasMessageContaining("not a valid boolean");
        assertThatThrownBy(() -> AttributeCommands.convert("1", "javax.management.openmbean.CompositeData"))
                .hasMessageContaining("cannot be given on the command line");
    }

    @Test
    void uptimeIsReadable() {
        assertThat(StatusCommand.uptime(61_000)).isEqualTo("1m 1s");
        assertThat(StatusCommand.uptime(3_723_000)).isEqualTo("1h 2m 3s");
        assertThat(StatusCommand.uptime(90_000_000)).isEqualTo("1d 1h 0m");
    }

    @Test
    void noServerOnThePortIsUnreachable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }

        assertThat(run("status", "-rmiPort", Integer.toString(port))).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("UNREACHABLE");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("No FMQ server is reachable at localhost:" + port);
        assertThat(run("shutdown", "-rmiPort", Integer.toString(port))).isEqualTo(ExitCodes.UNREACHABLE);
    }

    @Test
    void unknownCommandPrintsTheUsage() {
        assertThat(run("frobnicate")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown command 'frobnicate'", "usage: fmq-admin.sh");
        assertThat(run()).isEqualTo(ExitCodes.USAGE);
    }
}
