package io.fmq.ha.gateway;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Turns the configured gateway name into an address; replaceable so tests need no DNS. */
@FunctionalInterface
public interface HostResolver {

    HostResolver SYSTEM = InetAddress::getByName;

    InetAddress resolve(String host) throws UnknownHostException;
}
