#!/usr/bin/env bash
# Bulk import into the database of a STOPPED local Neo4j server (`neo4j-admin database import full`).
#
#   tools/neo4j/import.sh DATA_DIR [IMPORT OPTIONS...]    e.g. --nodes=Asset=h.csv,a.csv --relationships=...
#
# Runs the import tool of the same Neo4j jars start.sh runs (org.neo4j.cli.AdminTool, from the
# neo4j-import-tool artifact the `neo4j` dependency brings), with DATA_DIR as the Neo4j home, into
# the default database `neo4j`. Refuses while the server of DATA_DIR runs. The options are the
# import tool's own; `--report-file` defaults to DATA_DIR/import.report.
# Env: NEO4J_IMPORT_HEAP (JVM -Xmx, 1g), NEO4J_IMPORT_MEMORY (--max-off-heap-memory, 1g),
# NEO4J_JAVA_OPTS (extra JVM flags).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MAIN_CLASS="attestgraph.Neo4jServer"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

die() { echo "neo4j/import.sh: error: $*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

[[ $# -ge 1 ]] || die "usage: import.sh DATA_DIR [import options...]"
DATA_DIR="$1"
shift
mkdir -p "$DATA_DIR"
DATA_DIR="$(cd "$DATA_DIR" && pwd)"
PID_FILE="$DATA_DIR/neo4j.pid"
if [[ -f "$PID_FILE" ]]; then
    PID="$(cat "$PID_FILE" 2>/dev/null || true)"
    if [[ -n "$PID" && -r "/proc/$PID/cmdline" ]] && tr '\0' ' ' <"/proc/$PID/cmdline" | grep -q -- "$MAIN_CLASS"; then
        die "the Neo4j server of $DATA_DIR runs (pid $PID); stop it first (tools/neo4j/stop.sh $DATA_DIR)"
    fi
fi
command -v "$JAVA" >/dev/null 2>&1 || die "java not found (need Java 17+; set JAVA_HOME)"

# shellcheck source=build.sh
source "$HERE/build.sh"

# shellcheck disable=SC2206
EXTRA_FLAGS=(${NEO4J_JAVA_OPTS:-})
T0="$(now)"
NEO4J_HOME="$DATA_DIR" \
    "$JAVA" -Xms256m "-Xmx${NEO4J_IMPORT_HEAP:-1g}" -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError \
    --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
    --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
    "${EXTRA_FLAGS[@]}" -cp "$TARGET/classes:$LIB_DIR/*" org.neo4j.cli.AdminTool \
    database import full neo4j "--report-file=$DATA_DIR/import.report" \
    "--max-off-heap-memory=${NEO4J_IMPORT_MEMORY:-1g}" "$@" 8>&-
echo "Import into $DATA_DIR done in $(elapsed "$T0")s"
