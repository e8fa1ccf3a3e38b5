package io.fmq.jmx.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OptionsTest {
    @Test
    void withoutCredentialsTheShippedAccountIsUsed() throws ToolException {
        Options o = Options.parse(new String[] {"-rmiPort", "1858"}, Map.of(), "usage");

        assertThat(o.user()).isEqualTo("admin");
        assertThat(o.password()).isEqualTo("passwd");
        assertThat(o.host()).isEqualTo("localhost");
        assertThat(o.rmiPorts()).containsExactly(1858);
    }

    @Test
    void environmentSuppliesDefaultsAndArgumentsWin() throws ToolException {
        Map<String, String> env = Map.of("FMQ_JMX_USER", "ops", "FMQ_JMX_PASSWORD", "pw", "FMQ_JMX_HOST", "h", "FMQ_JMX_PORT", "1900");

        Options fromEnv = Options.parse(new String[0], env, "usage");
        Options given = Options.parse(new String[] {"-user", "me", "-host", "x", "-rmiPort", "1858,1859", "--json", "a", "b"}, env, "usage");

        assertThat(List.of(fromEnv.user(), fromEnv.password(), fromEnv.host())).containsExactly("ops", "pw", "h");
        assertThat(fromEnv.rmiPorts()).containsExactly(1900);
        assertThat(given.user()).isEqualTo("me");
        assertThat(given.password()).isEqualTo("pw");
        assertThat(given.rmiPorts()).containsExactly(1858, 1859);
        assertThat(given.json()).isTrue();
        assertThat(given.positional()).containsExactly("a", "b");
    }

    @Test
    void badValuesAreUsageErrors() {
        assertThatThrownBy(() -> Options.parse(new String[] {"-rmiPort", "0"}, Map.of(), "usage: x"))
                .isInstanceOf(ToolException.class).hasMessageContaining("not a port number").hasMessageContaining("usage: x");
        assertThatThrownBy(() -> Options.parse(new String[] {"-rmiPort"}, Map.of(), "u")).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> Options.parse(new String[] {"-verbose"}, Map.of(), "u")).hasMessageContaining("unknown option");
        assertThatThrownBy(() -> Options.parse(new String[] {"-timeout", "0"}, Map.of(), "u")).hasMessageContaining("more than 0");
    }

    @Test
    void negativeNumbersArePositionalValues() throws ToolException {
        assertThat(Options.parse(new String[] {"-5"}, Map.of(), "u").positional()).containsExactly("-5");
    }
}
