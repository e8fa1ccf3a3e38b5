#!/usr/bin/env bash
# JMX administration of an FMQ server: fmq-admin.sh status|shutdown|list|get|set|invoke [options] [arguments]
# Run it without arguments for the full usage.
set -euo pipefail
FMQ_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
. "$FMQ_HOME/bin/fmq-env.sh"
exec "$JAVA" -cp "$FMQ_CP" io.fmq.jmx.tools.FmqAdmin "$@"
