package io.fmq.server;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads (without initialising) every class of the server's own jars on a daemon thread of its own
 * ({@code fmq-preload}, which owns nothing and ends by itself): an HA server that waits as the passive one would
 * otherwise load the broker's and the client port's classes for the first time in the middle of a takeover, while
 * its clients wait for it.
 */
final class ClassPreload {
    private static final Logger LOG = LoggerFactory.getLogger(ClassPreload.class);
    /** Classes whose jars are preloaded: the server, the store, the protocol, the HA layer. */
    private static final Class<?>[] JARS_OF = {Server.class, io.fmq.store.FileJournal.class, io.fmq.protocol.Frame.class,
        io.fmq.ha.state.HaStateMachine.class};

    private ClassPreload() {
    }

    static void start() {
        Thread t = new Thread(ClassPreload::run, "fmq-preload");
        t.setDaemon(true);
        t.start();
    }

    private static void run() {
        long start = System.nanoTime();
        int loaded = 0;
        ClassLoader loader = ClassPreload.class.getClassLoader();
        for (Class<?> c : JARS_OF) {
            Path jar;
            try {
                jar = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
            } catch (URISyntaxException | RuntimeException e) {
                continue;
            }
            if (!Files.isRegularFile(jar)) {
                continue; // classes in a folder (a build): nothing to gain
            }
            try (JarFile file = new JarFile(jar.toFile())) {
                for (Enumeration<JarEntry> e = file.entries(); e.hasMoreElements(); ) {
                    String name = e.nextElement().getName();
                    if (!name.endsWith(".class") || name.startsWith("META-INF/") || name.endsWith("module-info.class")) {
                        continue;
                    }
                    try {
                        Class.forName(name.substring(0, name.length() - 6).replace('/', '.'), false, loader);
                        loaded++;
                    } catch (ClassNotFoundException | LinkageError ex) {
                        // optional or unloadable here: left to load when used, as without the preload
                    }
                }
            } catch (IOException e) {
                LOG.debug("Classes of {} not preloaded: {}", jar, e.toString());
            }
        }
        LOG.debug("Preloaded {} classes in {} ms", loaded, (System.nanoTime() - start) / 1_000_000);
    }
}
