package io.fmq.server;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.Status;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * Configures Logback for one server: the profile's {@code conf/logback.xml} when it has one, the
 * built-in configuration otherwise, with {@code fmq.log.dir} pointing at the server's log folder.
 */
final class Logging {
    private Logging() {
    }

    static void configure(Path profileFolder, Path logDir) throws StartupException {
        try {
            Files.createDirectories(logDir);
        } catch (java.io.IOException e) {
            throw new StartupException(StartupException.FAILED, "Cannot create the log folder " + logDir + ": " + e.getMessage()
                    + ". Check the permissions of the profile folder.");
        }
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        context.putProperty("fmq.log.dir", logDir.toString());
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        Path custom = profileFolder.resolve("conf").resolve("logback.xml");
        try {
            if (Files.isRegularFile(custom)) {
                configurator.doConfigure(custom.toFile());
            } else {
                URL builtIn = Logging.class.getResource("default-logback.xml");
                configurator.doConfigure(builtIn);
            }
        } catch (JoranException e) {
            throw new StartupException(StartupException.FAILED, "The logging configuration " + custom + " is not valid: "
                    + e.getMessage() + ". Fix it or delete it to use the built-in configuration.");
        }
        for (Status s : context.getStatusManager().getCopyOfStatusList()) {
            if (s.getLevel() == Status.ERROR) {
                throw new StartupException(StartupException.FAILED, "The logging configuration " + custom + " has an error: "
                        + s.getMessage() + ". Fix it or delete it to use the built-in configuration.");
            }
        }
    }

    static void shutdown() {
        ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
    }
}
