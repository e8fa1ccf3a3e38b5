#!/usr/bin/env bash
# Opens FMQ Studio, the desktop tool that configures profiles offline: studio.sh [PROFILE ...]
# Each PROFILE is a profile folder (absolute or relative to the current folder) or a profile name
# under profiles/ (e.g. FioranoMQ_HA_rpl/HAPrimary); it opens in the explorer at once. Without one,
# open profiles with Tools > Configure FMQ...
# The Studio needs a graphical display (DISPLAY or WAYLAND_DISPLAY); JavaFX comes with the distribution.
set -euo pipefail
FMQ_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
. "$FMQ_HOME/bin/fmq-env.sh"

case "${1:-}" in
    -h|-help|--help) echo "usage: studio.sh [PROFILE_FOLDER_OR_NAME ...]"; exit 0 ;;
esac

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    echo "The Studio needs a graphical display, and neither DISPLAY nor WAYLAND_DISPLAY is set." >&2
    echo "Run it in a desktop session (or over ssh -X), or edit conf/Config.cfg with a text editor." >&2
    exit 1
fi

folders=()
for arg in "$@"; do
    if [ -f "$arg/conf/Config.cfg" ]; then
        folders+=("$(cd "$arg" && pwd -P)")
    elif [ -f "$FMQ_HOME/profiles/${arg//\\//}/conf/Config.cfg" ]; then
        folders+=("$FMQ_HOME/profiles/${arg//\\//}")
    else
        echo "'$arg' is not a profile: neither it nor $FMQ_HOME/profiles/$arg holds conf/Config.cfg." >&2
        exit 2
    fi
done

# FMQ_JAVA_OPTS is split on blanks on purpose: it holds JVM options.
# shellcheck disable=SC2086
exec "$JAVA" ${FMQ_JAVA_OPTS:-} -Dfmq.home="$FMQ_HOME" -cp "$FMQ_CP" io.fmq.studio.StudioMain ${folders[@]+"${folders[@]}"}
