package io.fmq.server.jmx;

import io.fmq.profile.JmxUsers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.rmi.server.RemoteServer;
import java.rmi.server.ServerNotActiveException;
import java.util.Optional;
import java.util.Set;
import javax.management.remote.JMXAuthenticator;
import javax.management.remote.JMXPrincipal;
import javax.security.auth.Subject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks JMX credentials against the profile's {@code conf/jmx-users.properties}. The file is read
 * again when it changes, so a new password applies to the next connection without a restart.
 */
public final class ProfileAuthenticator implements JMXAuthenticator {
    private static final Logger LOG = LoggerFactory.getLogger(ProfileAuthenticator.class);

    private final Path usersFile;
    private JmxUsers users;
    private FileTime loadedAt;

    public ProfileAuthenticator(Path usersFile) throws IOException {
        this.usersFile = usersFile;
        reloadIfChanged();
    }

    @Override
    public Subject authenticate(Object credentials) {
        if (!(credentials instanceof String[]) || ((String[]) credentials).length != 2
                || ((String[]) credentials)[0] == null || ((String[]) credentials)[1] == null) {
            LOG.warn("JMX connection without credentials refused (from {})", clientHost());
            throw new SecurityException("Credentials required: connect with a user name and password of "
                    + usersFile.getFileName());
        }
        String user = ((String[]) credentials)[0];
        char[] password = ((String[]) credentials)[1].toCharArray();
        Optional<JmxUsers.Access> access;
        synchronized (this) {
            try {
                reloadIfChanged();
            } catch (IOException e) {
                LOG.error("Cannot read the JMX users file, keeping the accounts read before: {}", e.getMessage());
            }
            access = users.authenticate(user, password);
        }
        if (access.isEmpty()) {
            LOG.warn("JMX login refused for user '{}' from {}: invalid user name or password", user, clientHost());
            throw new SecurityException("Invalid username or password");
        }
        LOG.info("JMX login of user '{}' ({}) from {}", user, access.get().configValue(), clientHost());
        return new Subject(true, Set.of(new JMXPrincipal(user), new AccessPrincipal(access.get())), Set.of(), Set.of());
    }

    private void reloadIfChanged() throws IOException {
        FileTime modified = Files.exists(usersFile) ? Files.getLastModifiedTime(usersFile) : FileTime.fromMillis(0);
        if (users == null || !modified.equals(loadedAt)) {
            users = JmxUsers.read(usersFile);
            loadedAt = modified;
        }
    }

    private static String clientHost() {
        try {
            return RemoteServer.getClientHost();
        } catch (ServerNotActiveException e) {
            return "this process";
        }
    }
}
