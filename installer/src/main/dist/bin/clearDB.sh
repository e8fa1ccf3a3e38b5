#!/usr/bin/env bash
# Empties a profile's data store: clearDB.sh PROFILE [-dbPath DIR]
# Refuses while a server runs on that profile or store.
set -euo pipefail
FMQ_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
. "$FMQ_HOME/bin/fmq-env.sh"
exec "$JAVA" -Dfmq.home="$FMQ_HOME" -cp "$FMQ_CP" io.fmq.server.tools.ClearStore "$@"
