#!/usr/bin/env bash
# Manages the JMX accounts of a profile (conf/jmx-users.properties):
#   jmx-users.sh -profile NAME list
#   jmx-users.sh -profile NAME set USER readonly|readwrite [-passwordStdin]
#   jmx-users.sh -profile NAME remove USER
set -euo pipefail
FMQ_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
. "$FMQ_HOME/bin/fmq-env.sh"
exec "$JAVA" -Dfmq.home="$FMQ_HOME" -cp "$FMQ_CP" io.fmq.server.tools.JmxUserTool "$@"
