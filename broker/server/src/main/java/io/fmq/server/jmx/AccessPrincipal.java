package io.fmq.server.jmx;

import io.fmq.profile.JmxUsers;
import java.io.Serializable;
import java.security.Principal;

/** The access level of an authenticated JMX user, carried in its Subject. */
public record AccessPrincipal(JmxUsers.Access access) implements Principal, Serializable {
    @Override
    public String getName() {
        return access.configValue();
    }
}
