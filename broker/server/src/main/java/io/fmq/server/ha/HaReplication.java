package io.fmq.server.ha;

import io.fmq.store.replication.ReplicationMessage;
import io.fmq.store.replication.ReplicationSink;
import io.fmq.store.replication.ReplicationSource;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replication side of the HA controller: as the active server it resynchronises the passive peer and then
 * streams to it ({@link ReplicationSource}); as the passive one it follows the active peer ({@link ReplicationSink}).
 * Everything here runs on the controller's thread: begin and stop, and every replication frame of the current
 * link (the controller posts each frame to its thread and drops those of links it no longer holds). The source and
 * sink report from the store's threads: an acknowledgement goes straight to the link the sink was opened for; the
 * rest is posted to the controller's thread.
 */
final class HaReplication {
    private static final Logger LOG = LoggerFactory.getLogger(HaReplication.class);

    /** What replication needs from the controller. */
    interface Host {
        /** The HA link in use, or null. */
        HaChannel.Link link();

        /** Reports SYNC_COMPLETE to the state machine. */
        void syncComplete();

        /** Reports SYNC_PROGRESS to the state machine. */
        void syncProgress();

        /** Runs {@code r} on the controller's thread. */
        void onControllerThread(Runnable r);

        /** Closes the HA link (replication cannot go on). */
        void closeLink();
    }

    private final HaStore store;
    private final Host host;
    /** Written on the controller thread; volatile for the live backlog figure JMX reads. */
    private volatile HaStore.Source source;
    private ReplicationMessage.SyncRequest pendingSyncRequest;
    private boolean awaitingSyncRequest;
    private long lastProgress = -1;
    private volatile long resyncBytes;

    HaReplication(HaStore store, Host host) {
        this.store = store;
        this.host = host;
    }

    /** As the active server: resynchronise the passive peer once it says what it holds. Controller thread. */
    void beginAsSource() throws IOException {
        awaitingSyncRequest = true;
        lastProgress = -1;
        resyncBytes = 0;
        ReplicationMessage.SyncRequest queued = pendingSyncRequest;
        if (queued != null) {
            startSource(queued);
        }
    }

    /** As the passive server: open the store as a replica and ask the active peer for what it lacks. Controller thread. */
    void beginAsTarget() throws IOException {
        HaChannel.Link l = host.link();
        if (l == null) {
            throw new IOException("no HA link to the active peer");
        }
        lastProgress = -1;
        resyncBytes = 0;
        HaStore.Sink sink = store.replica(new ReplicationSink.Listener() {
            @Override
            public void acknowledge(ReplicationMessage.Ack ack) {
                // the link this sink follows; should it be gone, the frame goes nowhere and the next link resyncs
                l.send(new HaFrame.Replication(ack));
            }

            @Override
            public void synced(long lastSequence, long epoch) {
                host.onControllerThread(() -> {
                    HaStore.Sink r = store.openReplica();
                    if (r != null) {
                        resyncBytes = r.bytesApplied();
                    }
                    LOG.info("HA: this store is in sync with the active peer's (sequence {}, epoch {})", lastSequence, epoch);
                    host.syncComplete();
                });
            }

            @Override
            public void failed(IOException cause) {
                LOG.error("HA: this server cannot store what the active peer sends ({}); leaving the pair until restarted",
                        cause.getMessage());
                host.onControllerThread(host::closeLink);
            }
        });
        ReplicationMessage.SyncRequest request = sink.syncRequest();
        LOG.info("HA: asking the active peer for what this store lacks ({} segment(s), epoch {}, position {})",
                request.segments().size(), request.epoch(), store.position());
        l.send(new HaFrame.Replication(request));
    }

    private void startSource(ReplicationMessage.SyncRequest request) throws IOException {
        pendingSyncRequest = null;
        awaitingSyncRequest = false;
        HaChannel.Link l = host.link();
        if (l == null) {
            return;
        }
        LOG.info("HA: resynchronising the passive peer (it holds {} segment(s), epoch {}); this store is at {}",
                request.segments().size(), request.epoch(), store.position());
        source = store.startSource(request, m -> l.send(new HaFrame.Replication(m)),
                new ReplicationSource.Listener() {
                    @Override
                    public void inSync(long lastSequence, long bytesCopied) {
                        host.onControllerThread(() -> {
                            resyncBytes = bytesCopied;
                            LOG.info("HA: the passive peer is in sync (sequence {}, {} bytes copied)", lastSequence, bytesCopied);
                            host.syncComplete();
                        });
                    }

                    @Override
                    public void failed(Exception cause) {
                        LOG.error("HA: resynchronising the passive peer failed: {}", cause.getMessage());
                        host.onControllerThread(host::closeLink);
                    }
                });
    }

    /**
     * Stops replicating in either role, and closes the link it ran on (the next session starts on a new link).
     * Returns the confirmations of changes still waiting for the passive,
     * uncompleted: the controller confirms them once this server may go on alone (its new epoch is recorded with the
     * lock), and fails them otherwise. Controller thread.
     */
    java.util.List<CompletableFuture<Void>> stop() {
        awaitingSyncRequest = false;
        pendingSyncRequest = null;
        HaStore.Source s = source;
        java.util.List<CompletableFuture<Void>> pending = java.util.List.of();
        boolean wasReplicating = s != null || store.openReplica() != null;
        if (s != null) {
            source = null;
            pending = s.stop();
        }
        store.closeReplica();
        if (wasReplicating) {
            // a replication session lives and dies with its link: frames of this one may still be on the way, and
            // the peer's sink would take them for the next session's (a resynchronisation answers no request id)
            host.closeLink();
        }
        return pending;
    }

    /**
     * The link changed (a new one came up, or the current one ended): a sync request the peer sent on the old link
     * is forgotten. Answering it on a new link would stream a copy to a peer that is not (yet) following, whose
     * SyncComplete it could then take for the answer to its next request. Controller thread.
     */
    void linkChanged() {
        pendingSyncRequest = null;
    }

    /** A replication frame from the peer on the current link (controller thread). */
    void received(ReplicationMessage m) {
        if (m instanceof ReplicationMessage.Ack ack) {
            HaStore.Source s = source;
            if (s != null) {
                s.acknowledged(ack.lastSequence());
            }
        } else if (m instanceof ReplicationMessage.SyncRequest request) {
            pendingSyncRequest = request;
            if (awaitingSyncRequest) {
                try {
                    startSource(request);
                } catch (IOException e) {
                    LOG.error("HA: cannot start resynchronising the passive peer: {}", e.getMessage());
                    host.closeLink();
                }
            }
        } else {
            HaStore.Sink sink = store.openReplica();
            if (sink != null) {
                sink.accept(m);
            }
        }
    }

    /** Reports progress of a resynchronisation (bytes moved since the last call), so a long one is not timed out. */
    void noteProgress() {
        long now = -1;
        HaStore.Source s = source;
        HaStore.Sink r = store.openReplica();
        if (s != null && !s.inSync()) {
            now = s.bytesCopied();
        } else if (r != null && !r.synced()) {
            now = r.bytesApplied();
        }
        if (now >= 0) {
            resyncBytes = now;
            if (now > lastProgress) {
                lastProgress = now;
                host.syncProgress();
            }
        }
    }

    /** Whether this server streams to an in-sync passive peer. */
    boolean streaming() {
        HaStore.Source s = source;
        return s != null && s.inSync();
    }

    /** Completes when the passive peer has confirmed everything up to {@code sequence} (at once when not streaming). */
    CompletableFuture<Void> confirmedUpTo(long sequence) {
        HaStore.Source s = source;
        return s == null ? CompletableFuture.completedFuture(null) : s.durable(sequence);
    }

    ReplicationSource.Backlog backlog() {
        HaStore.Source s = source;
        return s == null ? new ReplicationSource.Backlog(0, 0) : s.backlog();
    }

    long resyncBytes() {
        return resyncBytes;
    }
}
