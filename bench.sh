#!/usr/bin/env bash
# Benchmarks FMQ against Apache Artemis on this machine (same workloads, same JMS code, each broker in its
# own process): ./bench.sh [WORKLOAD...] [--messages N] [--size BYTES] [--only fmq|artemis] [--rounds N] [--resync-mb MB] [--keep]
# Workloads ("messaging"): nonpersistent-1x1 nonpersistent-4x4 persistent-1x1 persistent-4x4 transacted-1x1 transacted-4x4
# Replicated HA ("ha", an FMQ pair against an Artemis replication pair): ha-persistent-1x1 ha-persistent-4x4
#   ha-transacted-1x1 ha-transacted-4x4 ha-failover-default ha-failover-lowlatency ha-failover-guide ha-resync
# Shared HA ("shared", an FMQ shared pair against an Artemis shared-store pair, each on one data folder):
#   shared-persistent-1x1 shared-persistent-4x4 shared-transacted-1x1 shared-transacted-4x4 shared-failover-default
#   shared-failover-lowlatency; with the matching ha-* workloads in the same run it also prints
#   "<broker> shared-vs-replicated <workload> <x>" (x > 1: shared better).
# Rounds alternate the brokers (--rounds, default 3). Prints "<fmq|artemis> <workload>.round<k> <value> <unit>" per round,
# then per workload the medians "<fmq|artemis> <workload> <value> <unit>", "ratio <workload>.round<k> <x>" and their median
# "ratio <workload> <x>" (x > 1: FMQ better), and the measured limits ("limit ...") with FMQ's "fraction <workload> <x>".
# persistent-1x1-fixed: latency at half of Artemis's maximum persistent 1x1 rate.
# backlog [--backlog-mb MB]: a backlog larger than the server's memory (-Xmx256m), restarted while it waits.
# scale [--connections N] [--queues N]: memory per queue and per idle connection, connect latency while they are
#   open, and a producer/consumer's rate with them open over its rate without.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
cd "$ROOT"
command -v mvn >/dev/null 2>&1 || { echo "Maven (mvn) is needed to build the benchmark." >&2; exit 1; }
echo "Building FMQ and the benchmark ..." >&2
mvn -B -q -Dstyle.color=never -Pbench -DskipTests package >&2
touch installer/target/fmq/.built
exec java -cp "bench/target/classes:$(cat bench/target/classpath.txt)" io.fmq.bench.Bench --dist installer/target/fmq "$@"
