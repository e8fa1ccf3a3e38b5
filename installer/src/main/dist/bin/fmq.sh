#!/usr/bin/env bash
# Starts an FMQ server: fmq.sh -profile NAME [-dbPath DIR] [-nobackground]
# NAME is a profile under profiles/ (e.g. FioranoMQ, FioranoMQ_HA_rpl/HAPrimary) or the absolute path
# of a profile folder. Without -nobackground the server detaches once it has started; its console
# output goes to the profile's logs/fmq.out and its log to logs/fmq.log.
set -euo pipefail
FMQ_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
. "$FMQ_HOME/bin/fmq-env.sh"

usage="usage: fmq.sh -profile NAME [-dbPath DIR] [-nobackground]"
profile="FioranoMQ"
foreground=false
args=("$@")
while [ $# -gt 0 ]; do
    case "$1" in
        -profile) [ $# -ge 2 ] || { echo "-profile needs a value." >&2; echo "$usage" >&2; exit 2; }; profile="$2"; shift 2 ;;
        -dbPath)  [ $# -ge 2 ] || { echo "-dbPath needs a value." >&2; echo "$usage" >&2; exit 2; }; shift 2 ;;
        -nobackground) foreground=true; shift ;;
        -h|-help|--help) echo "$usage"; exit 0 ;;
        *) echo "unknown argument '$1'." >&2; echo "$usage" >&2; exit 2 ;;
    esac
done

# In the foreground the script becomes the server process, so that signals (SIGTERM from systemd,
# Ctrl-C) reach the server directly. FMQ_JAVA_OPTS is split on blanks on purpose: it holds JVM options.
run_server() {
    # shellcheck disable=SC2086
    exec "$JAVA" ${FMQ_JAVA_OPTS:-} -Dfmq.home="$FMQ_HOME" -cp "$FMQ_CP" io.fmq.server.Main "${args[@]}"
}

if $foreground; then
    run_server
fi

case "$profile" in
    /*) folder="$profile" ;;
    *)  folder="$FMQ_HOME/profiles/${profile//\\//}" ;;
esac
if [ ! -f "$folder/conf/Config.cfg" ] || ! mkdir -p "$folder/logs" 2>/dev/null; then
    # Let the server explain what is wrong with the profile.
    run_server
fi

console="$folder/logs/fmq.out"
starting="$(mktemp "$folder/logs/.fmq.out.XXXXXX")"
nohup setsid "$JAVA" ${FMQ_JAVA_OPTS:-} -Dfmq.home="$FMQ_HOME" -cp "$FMQ_CP" io.fmq.server.Main "${args[@]}" \
    >"$starting" 2>&1 </dev/null &
pid=$!

deadline=$(( $(date +%s) + ${FMQ_START_TIMEOUT:-120} ))
while :; do
    if grep -q "successfully deployed" "$starting" 2>/dev/null; then
        cat "$starting"
        mv -f "$starting" "$console"
        echo "FMQ server running in the background (pid $pid). Console output: $console"
        exit 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
        status=0
        wait "$pid" || status=$?
        cat "$starting"
        rm -f "$starting"
        exit "$status"
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
        cat "$starting"
        mv -f "$starting" "$console"
        echo "The server (pid $pid) has not finished starting after ${FMQ_START_TIMEOUT:-120} s; follow $console and $folder/logs/fmq.log." >&2
        exit 1
    fi
    sleep 0.2
done
