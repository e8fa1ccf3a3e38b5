package io.fmq.server;

import io.fmq.management.ObjectNames;
import io.fmq.management.ServerMXBean;
import io.fmq.profile.ConfigNode;
import io.fmq.profile.JmxUsers;
import io.fmq.profile.Profile;
import io.fmq.server.jmx.ConfigNodeMBean;
import io.fmq.server.jmx.DescribedMXBean;
import io.fmq.server.jmx.JmxConnector;
import io.fmq.server.jmx.MessagingMBeans;
import io.fmq.server.jmx.ProfileAuthenticator;
import io.fmq.server.jmx.ServerControl;
import io.fmq.ha.gateway.TcpGatewayProbe;
import io.fmq.ha.lock.FileHaLock;
import io.fmq.ha.lock.LockFileException;
import io.fmq.ha.lock.LockIdentity;
import io.fmq.ha.lock.LockOwner;
import io.fmq.ha.lock.TakeoverProof;
import io.fmq.ha.pair.PairSettings;
import io.fmq.ha.state.HaStateMachine;
import io.fmq.ha.state.HaTimings;
import io.fmq.management.HaStatusMXBean;
import io.fmq.profile.HaMode;
import io.fmq.server.broker.Broker;
import io.fmq.server.ha.HaController;
import io.fmq.server.ha.HaLinks;
import io.fmq.server.ha.HaStatusBean;
import io.fmq.server.ha.FileHaStore;
import io.fmq.server.ha.SharedHaStore;
import io.fmq.ha.state.SharedHaStateMachine;
import io.fmq.server.ha.HaExecutor;
import io.fmq.server.net.PortInUseException;
import io.fmq.store.CorruptJournalException;
import io.fmq.store.FileJournal;
import io.fmq.store.RecoveryReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server assembly: the one place that creates the server's parts, starts them in order and stops
 * them in reverse. A failure part-way through start stops what was started, so a refused start
 * leaves no port bound, no lock held and no thread running.
 *
 * <p>Start order: profile lock, store lock, journal (recovered), server MBeans, JMX connector (RMI port), then
 * either the messaging service (broker replayed from the journal, compaction, messaging MBeans, client port) or,
 * for an HA profile, the HA layer (lock file, HA channel, controller), which starts and stops the
 * messaging service as the server becomes active or passive. A shared-HA server takes no store lock and opens no
 * journal at start: both servers use the one folder, and only the one that activates opens it, fenced.
 */
public final class Server {
    private static final Logger LOG = LoggerFactory.getLogger(Server.class);

    /** Lifecycle states reported by {@link ServerMXBean#getState()}. */
    public enum State { STARTING, RUNNING, STOPPING, STOPPED }

    /** Everything the server needs to know, decided by {@link Main} before it starts. */
    public record Settings(Profile profile, Path storeDir, Path logDir, String version, long processId) {
        /** What the lock files say about this server, for the message that refuses a second one. */
        public Map<String, String> owner(Instant now) {
            Map<String, String> owner = new LinkedHashMap<>();
            owner.put("pid", Long.toString(processId));
            owner.put("profile", profile.folder().toString());
            owner.put("store", storeDir.toString());
            owner.put("clientPort", Integer.toString(profile.connectionManager().serverPort()));
            owner.put("rmiPort", Integer.toString(profile.rmiConnector().rmiServerPort()));
            owner.put("started", now.toString());
            return owner;
        }
    }

    /** The lock file proving that this server alone runs on its profile (it also keeps the log folder to itself). */
    public static Path profileLockFile(Profile profile) {
        return profile.folder().resolve("server.pid");
    }

    private final Settings settings;
    private final MBeanServer mbeans;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final ConsoleLog console;
    private final AtomicReference<State> state = new AtomicReference<>(State.STARTING);
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final List<ObjectName> registered = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile JmxConnector jmx;
    private volatile ServerControl control;
    private volatile FileJournal journal;
    private volatile MessagingService messaging;
    private volatile FileHaStore haStore;
    /** Shared HA: the shared store (its journal is open only while this server is the active one). */
    private volatile SharedHaStore sharedStore;
    private volatile HaStatusBean haStatus;
    private volatile boolean failed;
    private final Broker.SelectorCompiler selectorCompiler;

    public Server(Settings settings, MBeanServer mbeans, Clock clock, LongSupplier nanoTime, ConsoleLog console,
                  Broker.SelectorCompiler selectorCompiler) {
        this.selectorCompiler = selectorCompiler;
        this.settings = settings;
        this.mbeans = mbeans;
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.console = console;
    }

    public State state() {
        return state.get();
    }

    /**
     * Starts the server.
     *
     * @param profileLock the profile's lock, taken by the caller before logging was set up (so that a
     *                    refused second server never writes into the running one's log); closed at stop
     */
    public void start(InstanceLock profileLock) throws StartupException, InterruptedException {
        Profile profile = settings.profile();
        started.push(profileLock);
        try {
            if (profile.haMode() == HaMode.SHARED) {
                // both servers of the pair use this folder: the HA lock, not the store lock, decides who writes it
                SharedStoreCheck.check(settings.storeDir());
            } else {
                Files.createDirectories(settings.storeDir());
                started.push(lock(settings.storeDir().resolve("store.lock"), settings.owner(clock.instant()),
                        "data store " + settings.storeDir()));
                openJournal();
            }
            registerMBeans();
            startJmx();
            if (profile.haMode() == HaMode.SHARED) {
                startSharedHa();
            } else if (profile.haMode() == HaMode.REPLICATED) {
                startReplicatedHa();
            } else {
                started.push(journal);
                startMessaging(journal, () -> { });
                started.push(this::stopMessaging);
            }
            changeState(State.RUNNING);
            LOG.info("Server started: profile {}, client port {}, RMI port {}", profile.name(),
                    profile.connectionManager().serverPort(), profile.rmiConnector().rmiServerPort());
        } catch (StartupException | InterruptedException | RuntimeException e) {
            stopParts();
            throw e;
        } catch (IOException e) {
            stopParts();
            throw new StartupException(StartupException.FAILED, "Cannot start: " + e.getMessage()
                    + ". Check that the profile and store folders exist and are writable.", e);
        }
    }

    /** Takes a lock file, turning "held" into the message that names the running server. */
    public static InstanceLock lock(Path file, Map<String, String> owner, String what) throws IOException, StartupException {
        try {
            return InstanceLock.acquire(file, owner);
        } catch (InstanceLock.HeldException e) {
            String rmi = e.owner().get("rmiPort");
            throw new StartupException(StartupException.ALREADY_RUNNING, "Another FMQ server is already running on the "
                    + what + " (" + e.describeOwner() + "). Stop it first"
                    + (rmi != null ? " with: shutdown-fmq.sh -rmiPort " + rmi : "") + ", or use another profile or -dbPath.");
        }
    }

    private void startMessaging(FileJournal j, Runnable beforeAccepting) throws StartupException, InterruptedException {
        messaging = MessagingService.start(settings.profile(), settings.storeDir(), j, clock, mbeans, settings.version(),
                selectorCompiler, console, beforeAccepting);
    }

    private void stopMessaging() {
        MessagingService m = messaging;
        messaging = null;
        if (m != null) {
            m.close();
        }
    }

    /**
     * The serving role of an HA server: restores the broker on its own thread ({@code fmq-ha-restore}), which owns
     * a restore until the controller opens or discards it; {@link #messaging} is written on the controller thread
     * (open, stop). Closing waits for a running restore and discards one the controller never took.
     */
    private final class HaServing implements HaController.ServingRole, AutoCloseable {
        private final java.util.function.Supplier<FileJournal> store;
        private final java.util.concurrent.ExecutorService restorer = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fmq-ha-restore");
            t.setDaemon(true);
            return t;
        });
        private final java.util.concurrent.atomic.AtomicReference<MessagingService.Restored> last =
                new java.util.concurrent.atomic.AtomicReference<>();

        HaServing(java.util.function.Supplier<FileJournal> store) {
            this.store = store;
        }

        @Override
        public CompletableFuture<Restored> restore() {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    FileJournal j = store.get(); // opened by the controller before it asks for a restore
                    if (j == null) {
                        throw new IOException("the journal is not open");
                    }
                    MessagingService.Restored r = MessagingService.restore(settings.profile(), settings.storeDir(), j,
                            clock, mbeans, settings.version(), selectorCompiler, console);
                    last.set(r);
                    return new Restored() {
                        @Override
                        public void open() throws StartupException, InterruptedException {
                            messaging = r.open();
                        }

                        @Override
                        public void discard() {
                            r.discard();
                        }
                    };
                } catch (StartupException | IOException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            }, restorer);
        }

        @Override
        public void stop() {
            stopMessaging();
        }

        @Override
        public void close() throws InterruptedException {
            restorer.shutdown();
            if (!restorer.awaitTermination(60, TimeUnit.SECONDS)) {
                LOG.warn("The broker's restore did not end within 60 s of the stop");
            }
            MessagingService.Restored r = last.get();
            if (r != null) {
                r.discard(); // nothing if the controller opened it (stopMessaging closes that one)
            }
        }
    }

    /** Replicated HA: the lock file, the gateway check, the HA channel and the controller that decides when to serve. */
    private void startReplicatedHa() throws StartupException, InterruptedException {
        ClassPreload.start(); // while it waits as the passive server, not during a takeover
        Profile profile = settings.profile();
        Path lockPath = profile.haCommon().lockFile().orElseThrow();
        FileHaLock haLock = new FileHaLock(lockPath, LockOwner.ofThisProcess(profile.name()), clock);
        LockIdentity lockIdentity;
        try {
            lockIdentity = haLock.identity();
        } catch (LockFileException e) {
            haLock.close();
            throw new StartupException(StartupException.FAILED, "Cannot use the lock file " + lockPath + " (FMQGroup.LockFile in "
                    + profile.configFile() + "): " + e.getMessage());
        }
        started.push(haLock);
        FileHaStore store = new FileHaStore(settings.storeDir(), journal, this::reportRecovery);
        haStore = store;
        started.push(store);
        Profile.HaCommon common = profile.haCommon();
        Profile.HaManager manager = profile.haManager();
        HaTimings timings = new HaTimings(common.pingInterval(), manager.activeLockReAcquisitionInterval(),
                manager.passiveLockAcquisitionInterval(), manager.maxWaitTimeout(), common.socketCreationTimeout());
        PairSettings pair = new PairSettings(manager.activeLockReAcquisitionInterval(), manager.passiveLockAcquisitionInterval(),
                common.pingInterval(), common.gatewayServerIpAddress(), common.gatewayServerPort(), lockIdentity.toString(),
                lockPath.toString(), profile.haMode().configValue());
        String role = manager.primary() ? "Primary" : "Secondary";
        HaStatusBean bean = new HaStatusBean();
        HaServing serving = new HaServing(store::currentJournal);
        started.push(serving);
        HaController.Parts parts = new HaController.Parts(haLock,
                new TcpGatewayProbe(common.gatewayServerIpAddress(), common.gatewayServerPort(), common.socketCreationTimeout()),
                store, serving, HaExecutor.newThread("fmq-ha-controller"), nanoTime, clock, TakeoverProof::find);
        HaController controller = new HaController(new HaController.Identity(role, manager.primary(), profile.name(), pair.toMap()),
                new HaStateMachine(timings, manager.primary()), parts, console, this::fail, bean::transition);
        bean.attach(controller);
        haStatus = bean;
        register(ObjectNames.HA_STATUS, new DescribedMXBean<>(bean, HaStatusMXBean.class));
        HaLinks links;
        try {
            links = HaLinks.start(new HaLinks.Settings(common.port(), common.backupHaIpAddress(), common.backupHaPort(),
                    manager.primary(), profile.haConnectionManager().nagleAlgo(), common.socketCreationTimeout(),
                    profile.haConnectionManager().socketInitializationTimeout(), common.pingInterval()), controller::hello, controller);
        } catch (PortInUseException e) {
            throw new StartupException(StartupException.FAILED, "Cannot start: the HA port " + common.port() + " (FMQGroup.Port in "
                    + profile.configFile() + ") is already in use by another program. Stop that program or set another "
                    + "FMQGroup.Port (and the peer's FMQGroup.BackupHAPort).");
        }
        started.push(links);
        started.push(controller);
        controller.start();
    }

    /**
     * Shared HA: as replicated HA (lock file, gateway check, HA channel, controller), over the shared store in
     * {@code -dbPath}, which this server opens for writing only when it activates, fencing any older writer off.
     */
    private void startSharedHa() throws StartupException, InterruptedException {
        ClassPreload.start(); // while it waits as the passive server, not during a takeover
        Profile profile = settings.profile();
        Path lockPath = profile.haCommon().lockFile().orElseThrow();
        FileHaLock haLock = new FileHaLock(lockPath, LockOwner.ofThisProcess(profile.name()), clock);
        LockIdentity lockIdentity;
        try {
            lockIdentity = haLock.identity();
        } catch (LockFileException e) {
            haLock.close();
            throw new StartupException(StartupException.FAILED, "Cannot use the lock file " + lockPath + " (FMQGroup.LockFile in "
                    + profile.configFile() + "): " + e.getMessage());
        }
        started.push(haLock);
        String guardedBy;
        try {
            guardedBy = io.fmq.store.WriterFence.lockIdentity(settings.storeDir());
        } catch (IOException e) {
            haLock.close();
            throw new StartupException(StartupException.FAILED, "Cannot read the shared store in " + settings.storeDir() + ": "
                    + e.getMessage());
        }
        if (guardedBy != null && !guardedBy.equals(lockIdentity.toString())) {
            haLock.close();
            throw new StartupException(StartupException.FAILED, "The shared store in " + settings.storeDir() + " is guarded by "
                    + "another lock file (identity " + guardedBy + ") than this server's " + lockPath + " (identity " + lockIdentity
                    + "): the two servers of the pair use different lock files, so both could become active. Make "
                    + "FMQGroup.LockFile in " + profile.configFile() + " name the same file as the other server's.");
        }
        SharedHaStore store = new SharedHaStore(settings.storeDir(), lockIdentity.toString(), this::reportRecovery);
        sharedStore = store;
        started.push(store);
        Profile.HaCommon common = profile.haCommon();
        Profile.HaManager manager = profile.haManager();
        HaTimings timings = new HaTimings(common.pingInterval(), manager.activeLockReAcquisitionInterval(),
                manager.passiveLockAcquisitionInterval(), manager.maxWaitTimeout(), common.socketCreationTimeout());
        PairSettings pair = new PairSettings(manager.activeLockReAcquisitionInterval(), manager.passiveLockAcquisitionInterval(),
                common.pingInterval(), common.gatewayServerIpAddress(), common.gatewayServerPort(), lockIdentity.toString(),
                lockPath.toString(), profile.haMode().configValue());
        String role = manager.primary() ? "Primary" : "Secondary";
        HaStatusBean bean = new HaStatusBean();
        HaServing serving = new HaServing(store::currentJournal);
        started.push(serving);
        HaController.Parts parts = new HaController.Parts(haLock,
                new TcpGatewayProbe(common.gatewayServerIpAddress(), common.gatewayServerPort(), common.socketCreationTimeout()),
                store, serving, HaExecutor.newThread("fmq-ha-controller"), nanoTime, clock, TakeoverProof::find);
        HaController controller = new HaController(new HaController.Identity(role, manager.primary(), profile.name(), pair.toMap()),
                new SharedHaStateMachine(timings), parts, console, this::fail, bean::transition);
        bean.attach(controller);
        haStatus = bean;
        register(ObjectNames.HA_STATUS, new DescribedMXBean<>(bean, HaStatusMXBean.class));
        HaLinks links;
        try {
            links = HaLinks.start(new HaLinks.Settings(common.port(), common.backupHaIpAddress(), common.backupHaPort(),
                    manager.primary(), profile.haConnectionManager().nagleAlgo(), common.socketCreationTimeout(),
                    profile.haConnectionManager().socketInitializationTimeout(), common.pingInterval()), controller::hello, controller);
        } catch (PortInUseException e) {
            throw new StartupException(StartupException.FAILED, "Cannot start: the HA port " + common.port() + " (FMQGroup.Port in "
                    + profile.configFile() + ") is already in use by another program. Stop that program or set another "
                    + "FMQGroup.Port (and the peer's FMQGroup.BackupHAPort).");
        }
        started.push(links);
        started.push(controller);
        controller.start();
    }

    private void reportRecovery(RecoveryReport r) {
        for (String repair : r.repairs()) {
            LOG.warn("Data store repaired: {}", repair);
        }
        LOG.info("Data store opened: {} records in {} segment(s), last sequence {}, epoch {}", r.records(), r.segments(),
                r.lastSequence(), r.epoch());
    }

    /** Stops the server because it cannot go on (e.g. the HA pair refused to form); the process exits with status 1. */
    public void fail(String message) {
        LOG.error("Stopping the server: {}", message);
        failed = true;
        stopAsync();
    }

    /** Whether the server stopped because of {@link #fail}. */
    public boolean failed() {
        return failed;
    }

    /** The messaging core; null while this server does not serve clients. */
    public Broker broker() {
        MessagingService m = messaging;
        return m == null ? null : m.broker();
    }

    private void openJournal() throws StartupException {
        try {
            FileJournal opened = FileJournal.open(settings.storeDir());
            journal = opened;
            RecoveryReport r = opened.recoveryReport();
            for (String repair : r.repairs()) {
                LOG.warn("Data store repaired: {}", repair);
            }
            console.plain("Data store contents : " + r.records() + " records in " + r.segments() + " segment(s), last sequence "
                    + r.lastSequence() + ", epoch " + r.epoch());
        } catch (CorruptJournalException e) {
            throw new StartupException(StartupException.FAILED, "Cannot start: " + e.getMessage());
        } catch (IOException e) {
            throw new StartupException(StartupException.FAILED, "Cannot open the data store in " + settings.storeDir() + ": "
                    + e.getMessage() + ". Check the folder's permissions and free space.", e);
        }
    }

    /** The server's journal; null before start, and in an HA pair while the store follows the peer. */
    public FileJournal journal() {
        FileHaStore store = haStore;
        SharedHaStore shared = sharedStore;
        return store != null ? store.currentJournal() : shared != null ? shared.currentJournal() : journal;
    }

    private void registerMBeans() throws StartupException {
        Profile profile = settings.profile();
        control = new ServerControl(new ServerControl.Identity(settings.version(), settings.processId(),
                profile.name(), profile.folder().toString(), settings.storeDir().toString(), settings.logDir().toString(),
                profile.haMode().configValue(), profile.haMode().isHa() ? profile.role().name().toLowerCase(Locale.ROOT) : "standalone",
                profile.connectionManager().serverPort(), profile.rmiConnector().rmiServerPort()),
                clock.instant(), nanoTime, () -> state.get().name(),
                () -> jmx == null ? "" : jmx.url().toString(), this::stopAsync);
        register(ObjectNames.SERVER, new DescribedMXBean<>(control, ServerMXBean.class));
        for (ConfigNode node : ConfigNode.values()) {
            register(ObjectNames.configNode(node.path()), new ConfigNodeMBean(node, profile,
                    profile.haMode() == HaMode.REPLICATED ? () -> haStatus : null));
        }
        started.push(this::unregisterMBeans);
    }

    private void register(ObjectName name, Object mbean) throws StartupException {
        try {
            mbeans.registerMBean(mbean, name);
            registered.add(name);
        } catch (JMException e) {
            throw new StartupException(StartupException.FAILED, "Cannot register the MBean " + name + ": " + e.getMessage(), e);
        }
    }

    private void unregisterMBeans() {
        for (ObjectName name : registered) {
            try {
                mbeans.unregisterMBean(name);
            } catch (JMException e) {
                LOG.debug("MBean {} was already gone", name);
            }
        }
        registered.clear();
    }

    private void startJmx() throws StartupException, IOException {
        Profile profile = settings.profile();
        int port = profile.rmiConnector().rmiServerPort();
        try {
            jmx = JmxConnector.start(mbeans, profile.rmiConnector().rmiServerHost(), port,
                    new ProfileAuthenticator(JmxUsers.fileOf(profile.folder())));
        } catch (PortInUseException e) {
            throw new StartupException(StartupException.FAILED, "Cannot start: the RMI port " + port + " (RMIServerPort in "
                    + profile.configFile() + ") is already in use by another program. Stop that program or set another "
                    + "RMIServerPort (and the peer's BackupRMIServerPort).");
        }
        started.push(jmx);
        console.plain("RMIConnectorServer started at: " + jmx.url());
        console.plain("RMIConnectorServer Listening Port: " + port);
    }

    /** Starts {@link #stop()} on its own thread, so that a JMX call asking for it can return first. */
    public void stopAsync() {
        Thread t = new Thread(this::stop, "fmq-shutdown");
        t.setDaemon(false);
        t.start();
    }

    /** Stops every started part in reverse order; safe to call more than once and from any thread. */
    public void stop() {
        State before = state.getAndUpdate(s -> s == State.STOPPED || s == State.STOPPING ? s : State.STOPPING);
        if (before == State.STOPPING || before == State.STOPPED) {
            return;
        }
        notifyState(before, State.STOPPING);
        LOG.info("Server stopping: profile {}", settings.profile().name());
        stopParts();
        state.set(State.STOPPED);
        console.plain("Server stopped: profile " + settings.profile().name() + ", store closed, ports "
                + settings.profile().connectionManager().serverPort() + " and " + settings.profile().rmiConnector().rmiServerPort()
                + " released.");
        stopped.countDown();
    }

    private void changeState(State to) {
        notifyState(state.getAndSet(to), to);
    }

    private void notifyState(State from, State to) {
        ServerControl c = control;
        if (c != null && from != to) {
            c.stateChanged(from.name(), to.name());
        }
    }

    private void stopParts() {
        while (!started.isEmpty()) {
            AutoCloseable part = started.pop();
            try {
                part.close();
            } catch (Exception e) {
                LOG.warn("Error while stopping {}: {}", part.getClass().getSimpleName(), e.toString());
            }
        }
    }

    /** Blocks until {@link #stop()} has finished. */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }
}
