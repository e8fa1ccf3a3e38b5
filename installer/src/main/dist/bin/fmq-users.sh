#!/usr/bin/env bash
# Manages the messaging users (client accounts) in the data store of a stopped server:
#   fmq-users.sh -profile NAME [-dbPath DIR] list
#   fmq-users.sh -profile NAME [-dbPath DIR] set USER [-passwordStdin]
#   fmq-users.sh -profile NAME [-dbPath DIR] remove USER
#   fmq-users.sh -profile NAME [-dbPath DIR] group GROUP USER[,USER...]
#   fmq-users.sh -profile NAME [-dbPath DIR] grant PRINCIPAL PATTERN PERMISSIONS
#   fmq-users.sh -profile NAME [-dbPath DIR] grants
# A running server is changed over JMX instead (broker MBean fmq:type=Broker: setUser, removeUser, setGroup, grant).
set -euo pipefail
FMQ_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
. "$FMQ_HOME/bin/fmq-env.sh"
exec "$JAVA" -Dfmq.home="$FMQ_HOME" -cp "$FMQ_CP" io.fmq.server.tools.MessagingUserTool "$@"
