#!/usr/bin/env bash
# Runs an FMQ server from the source tree: builds the distribution (installer/target/fmq) when it is
# missing or older than the sources, then runs its bin/fmq.sh with the same arguments, e.g.
#   ./fmq.sh -profile FioranoMQ
#   ./fmq.sh -profile FioranoMQ_HA_rpl/HAPrimary -nobackground
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
DIST="$ROOT/installer/target/fmq"
STAMP="$DIST/.built"

stale() {
    [ -x "$DIST/bin/fmq.sh" ] && [ -f "$STAMP" ] || return 0
    [ -n "$(find "$ROOT" \( -name target -o -name .git \) -prune -o \
        \( -name pom.xml -o -path '*/src/*' -o -path "$ROOT/profiles/*" -o -path "$ROOT/samples/*" -o -name README.md \) \
        -type f -newer "$STAMP" -print -quit)" ]
}

if stale; then
    command -v mvn >/dev/null 2>&1 || { echo "Maven (mvn) is needed to build FMQ: install it (e.g. apt-get install maven)." >&2; exit 1; }
    echo "Building the FMQ distribution (first run, or the sources changed) ..."
    (cd "$ROOT" && mvn -B -q -Dstyle.color=never -DskipTests package) || { echo "The build failed; see the Maven output above." >&2; exit 1; }
    touch "$STAMP"
fi
exec "$DIST/bin/fmq.sh" "$@"
