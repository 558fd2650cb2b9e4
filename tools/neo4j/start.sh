#!/usr/bin/env bash
# Start a local Neo4j Community server (Bolt, auth on) in the background and wait until it answers.
#
#   tools/neo4j/start.sh [DATA_DIR]
#
# DATA_DIR (or env NEO4J_HOME_DIR) defaults to <repo>/.neo4j-data. Env: NEO4J_BOLT_PORT (7687),
# NEO4J_BOLT_HOST (127.0.0.1), NEO4J_PASSWORD (attestgraph-dev), NEO4J_HEAP (1g),
# NEO4J_PAGECACHE (256m), NEO4J_AUTH_MAX_FAILED_ATTEMPTS (0 = never lock the account),
# NEO4J_JAVA_OPTS (extra JVM flags), NEO4J_START_TIMEOUT (120 s).
# Writes DATA_DIR/neo4j.pid (the java process itself) and DATA_DIR/neo4j.log.
# Idempotent: if the server for DATA_DIR already runs and answers, says so and exits 0.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$HERE/../.." && pwd)"

DATA_DIR="${1:-${NEO4J_HOME_DIR:-$REPO_ROOT/.neo4j-data}}"
mkdir -p "$DATA_DIR"
DATA_DIR="$(cd "$DATA_DIR" && pwd)"
HOST="${NEO4J_BOLT_HOST:-127.0.0.1}"
PORT="${NEO4J_BOLT_PORT:-7687}"
PASSWORD="${NEO4J_PASSWORD:-attestgraph-dev}"
HEAP="${NEO4J_HEAP:-1g}"
PAGECACHE="${NEO4J_PAGECACHE:-256m}"
TIMEOUT="${NEO4J_START_TIMEOUT:-120}"
PID_FILE="$DATA_DIR/neo4j.pid"
LOG_FILE="$DATA_DIR/neo4j.log"
MAIN_CLASS="attestgraph.Neo4jServer"
READY_MARK="ATTESTGRAPH_NEO4J_READY"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

die() { echo "neo4j/start.sh: error: $*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

port_open() {
    timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$PORT" 2>/dev/null
}

# True if $1 is a live process running our main class (guards against pid reuse).
is_our_java() {
    local pid="$1"
    [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$MAIN_CLASS"
}

log_tail() {
    echo "---- last 40 lines of $LOG_FILE ----" >&2
    tail -n 40 "$LOG_FILE" >&2 2>/dev/null || true
    echo "----" >&2
}

# Optional real login + query through the Python driver, when it is installed.
driver_check() {
    command -v python3 >/dev/null 2>&1 || return 0
    python3 -c 'import neo4j' 2>/dev/null || return 0
    NEO4J_CHECK_URI="bolt://$HOST:$PORT" NEO4J_CHECK_PASSWORD="$PASSWORD" python3 - <<'PY'
import os, sys
from neo4j import GraphDatabase
uri, pw = os.environ["NEO4J_CHECK_URI"], os.environ["NEO4J_CHECK_PASSWORD"]
try:
    with GraphDatabase.driver(uri, auth=("neo4j", pw), connection_timeout=5) as d:
        d.execute_query("RETURN 1")
except Exception as e:  # noqa: BLE001
    print(f"driver check against {uri} failed: {type(e).__name__}: {e}", file=sys.stderr)
    sys.exit(1)
PY
}

# Wait for the READY line of the current run, the port, and (if possible) a real query.
wait_ready() {
    local pid="$1" t0="$2" deadline=$(( $(date +%s) + TIMEOUT ))
    while :; do
        if ! kill -0 "$pid" 2>/dev/null; then
            rm -f "$PID_FILE"
            log_tail
            die "Neo4j (pid $pid) exited during startup; see $LOG_FILE"
        fi
        if grep -q "$READY_MARK" "$LOG_FILE" 2>/dev/null && port_open; then
            break
        fi
        if (( $(date +%s) >= deadline )); then
            log_tail
            echo "neo4j/start.sh: stopping the unresponsive server (pid $pid)" >&2
            NEO4J_STOP_TIMEOUT=15 "$HERE/stop.sh" "$DATA_DIR" >&2 || true
            die "Neo4j did not answer on $HOST:$PORT within ${TIMEOUT}s (NEO4J_START_TIMEOUT); see $LOG_FILE"
        fi
        sleep 0.5
    done
    driver_check || { log_tail; die "Bolt is up but login/query failed (password mismatch? NEO4J_PASSWORD)"; }
    echo "Neo4j ready at bolt://$HOST:$PORT (user neo4j) pid $pid in $(elapsed "$t0")s"
    echo "  data dir: $DATA_DIR"
    echo "  pid file: $PID_FILE"
    echo "  log file: $LOG_FILE"
}

T0="$(now)"

# One start at a time per data dir.
exec 9>"$DATA_DIR/.start.lock"
flock -w "$TIMEOUT" 9 || die "another start.sh holds $DATA_DIR/.start.lock"

if [[ -f "$PID_FILE" ]]; then
    OLD_PID="$(cat "$PID_FILE" 2>/dev/null || true)"
    if is_our_java "$OLD_PID"; then
        if port_open && grep -q "$READY_MARK" "$LOG_FILE" 2>/dev/null; then
            echo "Neo4j already running at bolt://$HOST:$PORT (pid $OLD_PID, data dir $DATA_DIR)"
            exit 0
        fi
        echo "Neo4j (pid $OLD_PID) is starting; waiting for it"
        wait_ready "$OLD_PID" "$T0"
        exit 0
    fi
    echo "Removing stale pid file $PID_FILE (pid ${OLD_PID:-?} is not running)"
    rm -f "$PID_FILE"
fi

if port_open; then
    die "port $HOST:$PORT is already in use by another process; set NEO4J_BOLT_PORT"
fi

command -v "$JAVA" >/dev/null 2>&1 || die "java not found (need Java 17+; set JAVA_HOME)"
JAVA_MAJOR="$("$JAVA" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')"
(( ${JAVA_MAJOR%%.*} >= 17 )) 2>/dev/null || die "Java 17+ required, found '${JAVA_MAJOR:-unknown}'"

# ---- build (cached in tools/neo4j/target) ----
# shellcheck source=build.sh
source "$HERE/build.sh"

# ---- launch ----
JVM_FLAGS=(
    -Xms256m "-Xmx$HEAP"
    -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError -XX:-OmitStackTraceInFastThrow
    -Djdk.nio.maxCachedBufferSize=1024 -Dio.netty.tryReflectionSetAccessible=true
    -Dlog4j2.disable.jmx=true
    # Neo4j's own launcher opens these; without them native file advice/eviction is disabled.
    --add-opens=java.base/java.nio=ALL-UNNAMED
    --add-opens=java.base/java.io=ALL-UNNAMED
    --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
    --add-opens=java.base/java.lang=ALL-UNNAMED
)
# shellcheck disable=SC2206
EXTRA_FLAGS=(${NEO4J_JAVA_OPTS:-})

[[ -f "$LOG_FILE" ]] && mv -f "$LOG_FILE" "$LOG_FILE.1"

SETSID=()
command -v setsid >/dev/null 2>&1 && SETSID=(setsid)
# setsid (not a group leader here, so it execs instead of forking) detaches from the caller's
# terminal/process group; $! is the java process itself.
cd "$DATA_DIR"
NEO4J_HOME_DIR="$DATA_DIR" NEO4J_BOLT_HOST="$HOST" NEO4J_BOLT_PORT="$PORT" \
NEO4J_PASSWORD="$PASSWORD" NEO4J_PAGECACHE="$PAGECACHE" \
    nohup "${SETSID[@]}" "$JAVA" "${JVM_FLAGS[@]}" "${EXTRA_FLAGS[@]}" \
    -cp "$TARGET/classes:$LIB_DIR/*" "$MAIN_CLASS" >"$LOG_FILE" 2>&1 </dev/null 8>&- 9>&- &
PID=$!
echo "$PID" >"$PID_FILE"

# Make sure the recorded pid really is the JVM (it execs through nohup/setsid).
for _ in 1 2 3 4 5 6 7 8 9 10; do
    is_our_java "$PID" && break
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.1
done
echo "Started Neo4j (java pid $PID), waiting up to ${TIMEOUT}s for bolt://$HOST:$PORT ..."
wait_ready "$PID" "$T0"
