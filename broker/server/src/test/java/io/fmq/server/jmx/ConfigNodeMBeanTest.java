package io.fmq.server.jmx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmq.profile.ConfigDocument;
import io.fmq.profile.ConfigKey;
import io.fmq.profile.ConfigNode;
import io.fmq.profile.Profile;
import io.fmq.profile.ProfileBinder;
import java.nio.file.Path;
import java.util.Arrays;
import javax.management.Attribute;
import javax.management.AttributeNotFoundException;
import javax.management.MBeanAttributeInfo;
import org.junit.jupiter.api.Test;

class ConfigNodeMBeanTest {
    private static final Path ROOT = Path.of("/opt/fmq/profiles");

    private static Profile profile(String text) {
        return ProfileBinder.bind("P", ROOT.resolve("P"), ROOT, ConfigDocument.of(ROOT.resolve("P/conf/Config.cfg"), text))
                .profile().orElseThrow();
    }

    @Test
    void everyKeyIsAnAttributeOfItsNodeWithADescription() {
        Profile p = profile("");
        int attributes = 0;
        for (ConfigNode node : ConfigNode.values()) {
            ConfigNodeMBean bean = new ConfigNodeMBean(node, p);
            for (MBeanAttributeInfo a : bean.getMBeanInfo().getAttributes()) {
                assertThat(a.getDescription()).isNotBlank().contains("Config.cfg key");
                attributes++;
            }
            assertThat(bean.getMBeanInfo().getDescription()).contains(node.displayPath());
        }
        assertThat(attributes).isEqualTo(ConfigKey.values().length);
    }

    @Test
    void valuesAreTypedAsTheServerRunsThem() throws Exception {
        Profile p = profile("HAMode=replicated\nFMQGroup.LockFile=pair/lock.dat\nFMQGroup.PingInterval=20000\nNagleAlgo=yes\n");

        ConfigNodeMBean manager = new ConfigNodeMBean(ConfigNode.HA_MANAGER, p);
        assertThat(manager.getAttribute("PingInterval")).isEqualTo(20000L);
        assertThat(manager.getAttribute("LockFile")).isEqualTo(ROOT.resolve("pair/lock.dat").toString());
        assertThat(manager.getAttribute("isPrimary")).isEqualTo(true);
        assertThat(new ConfigNodeMBean(ConfigNode.HA_CONNECTION_MANAGER, p).getAttribute("NagleAlgo")).isEqualTo(true);
        assertThat(new ConfigNodeMBean(ConfigNode.HA_CONNECTION_MANAGER, p).getAttribute("Port")).isEqualTo(2000);
        assertThat(new ConfigNodeMBean(ConfigNode.CONFIG_LOADER, p).getAttribute("HAMode")).isEqualTo("replicated");
        MBeanAttributeInfo ping = Arrays.stream(manager.getMBeanInfo().getAttributes())
                .filter(a -> a.getName().equals("PingInterval")).findFirst().orElseThrow();
        assertThat(ping.getType()).isEqualTo("long");
        assertThat(ping.getDescription()).contains("FMQGroup.PingInterval", "set in the profile");
    }

    @Test
    void attributesAreReadOnly() {
        ConfigNodeMBean bean = new ConfigNodeMBean(ConfigNode.RMI_CONNECTOR, profile(""));

        assertThatThrownBy(() -> bean.setAttribute(new Attribute("RMIServerPort", 1)))
                .isInstanceOf(AttributeNotFoundException.class).hasMessageContaining("read-only");
        assertThatThrownBy(() -> bean.getAttribute("Nope")).isInstanceOf(AttributeNotFoundException.class);
    }
}
