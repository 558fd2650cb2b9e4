#!/usr/bin/env bash
# Stop the local Neo4j server started by tools/neo4j/start.sh.
#
#   tools/neo4j/stop.sh [DATA_DIR]
#
# DATA_DIR (or env NEO4J_HOME_DIR) defaults to <repo>/.neo4j-data. Sends SIGTERM (clean shutdown
# through the JVM shutdown hook), waits up to NEO4J_STOP_TIMEOUT seconds (60), then SIGKILL.
# Removes DATA_DIR/neo4j.pid. Idempotent: not running is not an error.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$HERE/../.." && pwd)"

DATA_DIR="${1:-${NEO4J_HOME_DIR:-$REPO_ROOT/.neo4j-data}}"
STOP_TIMEOUT="${NEO4J_STOP_TIMEOUT:-60}"
MAIN_CLASS="attestgraph.Neo4jServer"

if [[ ! -d "$DATA_DIR" ]]; then
    echo "Neo4j not running (no data dir $DATA_DIR)"
    exit 0
fi
DATA_DIR="$(cd "$DATA_DIR" && pwd)"
PID_FILE="$DATA_DIR/neo4j.pid"

is_our_java() {
    local pid="$1"
    [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$MAIN_CLASS"
}

if [[ ! -f "$PID_FILE" ]]; then
    echo "Neo4j not running (no pid file $PID_FILE)"
    exit 0
fi
PID="$(cat "$PID_FILE" 2>/dev/null || true)"
if ! is_our_java "$PID"; then
    echo "Neo4j not running (stale pid ${PID:-?}); removing $PID_FILE"
    rm -f "$PID_FILE"
    exit 0
fi

echo "Stopping Neo4j (pid $PID) ..."
kill -TERM "$PID" 2>/dev/null || true
deadline=$(( $(date +%s) + STOP_TIMEOUT ))
while kill -0 "$PID" 2>/dev/null; do
    if (( $(date +%s) >= deadline )); then
        echo "Neo4j (pid $PID) did not stop within ${STOP_TIMEOUT}s; sending SIGKILL" >&2
        kill -KILL "$PID" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
        break
    fi
    sleep 0.2
done
if kill -0 "$PID" 2>/dev/null; then
    echo "neo4j/stop.sh: error: pid $PID still alive" >&2
    exit 1
fi
rm -f "$PID_FILE"
echo "Neo4j stopped"
