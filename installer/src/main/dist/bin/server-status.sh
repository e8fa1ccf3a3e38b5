#!/usr/bin/env bash
# Prints the live state of an FMQ server (or of both servers of a pair):
#   server-status.sh -rmiPort PORT [-rmiPort PORT2] [-host HOST] [-user USER -password PASSWORD] [--json]
# Exit status: 0 running, 3 unreachable, 4 credentials refused, 6 starting or stopping, 2 wrong arguments.
set -euo pipefail
FMQ_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
. "$FMQ_HOME/bin/fmq-env.sh"
exec "$JAVA" -cp "$FMQ_CP" io.fmq.jmx.tools.FmqAdmin status "$@"
