# Sourced by the FMQ scripts: finds Java (JAVA_HOME, else java on the PATH) and sets FMQ_CP.
# FMQ_HOME must be set by the caller. FMQ_JAVA_OPTS adds JVM options (e.g. -Xmx2g).

if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    JAVA="$JAVA_HOME/bin/java"
elif command -v java >/dev/null 2>&1; then
    JAVA="$(command -v java)"
else
    echo "Java was not found: install Java 17 or newer, or set JAVA_HOME." >&2
    exit 1
fi

# The version from the JDK's release file when there is one (no JVM start), else from the JVM itself.
java_release="$(dirname "$(dirname "$(readlink -f "$JAVA" 2>/dev/null || echo "$JAVA")")")/release"
java_major=""
if [ -r "$java_release" ]; then
    java_major=$(sed -n 's/^JAVA_VERSION="\([0-9][0-9.]*\).*/\1/p' "$java_release" | head -n 1)
    case "$java_major" in
        1.*) rest="${java_major#1.}"; java_major="1.${rest%%.*}" ;;
        *) java_major="${java_major%%.*}" ;;
    esac
fi
if [ -z "$java_major" ]; then
    java_major=$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n 1)
fi
case "$java_major" in
    1.*|9|1[0-6]) echo "FMQ needs Java 17 or newer; $JAVA is Java $java_major. Set JAVA_HOME to a newer Java." >&2; exit 1 ;;
esac

FMQ_CP="$FMQ_HOME/lib/*"
