#!/usr/bin/env bash
# Stops an FMQ server through JMX: shutdown-fmq.sh -rmiPort PORT [-host HOST] [-user USER -password PASSWORD] [-timeout SECONDS]
# Without -user/-password it uses FMQ_JMX_USER/FMQ_JMX_PASSWORD, then the shipped account admin/passwd.
set -euo pipefail
FMQ_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
. "$FMQ_HOME/bin/fmq-env.sh"
exec "$JAVA" -cp "$FMQ_CP" io.fmq.jmx.tools.FmqAdmin shutdown "$@"
