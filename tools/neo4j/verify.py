#!/usr/bin/env python3
"""End-to-end check of the local Neo4j launcher (needs the `neo4j` Python driver).

    python3 tools/neo4j/verify.py [--crash]

Assumes tools/neo4j/start.sh has been run (same NEO4J_* env). Checks: login + CREATE/MATCH,
wrong password refused, CREATE CONSTRAINT ... IF NOT EXISTS (twice), rollback leaves nothing.
With --crash it also SIGKILLs the java pid, restarts with start.sh, and checks committed data
survived. Exits non-zero on the first failure. Leaves the server running.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, ConstraintError

HERE = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("NEO4J_HOME_DIR") or HERE.parent.parent / ".neo4j-data")
HOST = os.environ.get("NEO4J_BOLT_HOST", "127.0.0.1")
PORT = os.environ.get("NEO4J_BOLT_PORT", "7687")
PASSWORD = os.environ.get("NEO4J_PASSWORD", "attestgraph-dev")
URI = f"bolt://{HOST}:{PORT}"


def check(cond: bool, what: str) -> None:
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        sys.exit(1)


def driver(password: str = PASSWORD):
    return GraphDatabase.driver(URI, auth=("neo4j", password), connection_timeout=5)


def basic(marker: str) -> None:
    with driver() as d:
        d.verify_connectivity()
        d.execute_query(
            "CREATE CONSTRAINT verify_node_id IF NOT EXISTS FOR (n:VerifyNode) REQUIRE n.id IS UNIQUE"
        )
        d.execute_query(
            "CREATE CONSTRAINT verify_node_id IF NOT EXISTS FOR (n:VerifyNode) REQUIRE n.id IS UNIQUE"
        )
        names = [r["name"] for r in d.execute_query("SHOW CONSTRAINTS YIELD name").records]
        check("verify_node_id" in names, "CREATE CONSTRAINT IF NOT EXISTS (idempotent)")

        d.execute_query("CREATE (:VerifyNode {id: $id})", id=marker)
        recs = d.execute_query("MATCH (n:VerifyNode {id: $id}) RETURN count(n) AS c", id=marker).records
        check(recs[0]["c"] == 1, "CREATE then MATCH")

        try:
            d.execute_query("CREATE (:VerifyNode {id: $id})", id=marker)
            check(False, "uniqueness constraint enforced")
        except ConstraintError:
            check(True, "uniqueness constraint enforced")

        rb = marker + "-rolled-back"
        with d.session() as s:
            tx = s.begin_transaction()
            tx.run("CREATE (:VerifyNode {id: $id})", id=rb).consume()
            inside = tx.run("MATCH (n:VerifyNode {id: $id}) RETURN count(n) AS c", id=rb).single()["c"]
            tx.rollback()
        after = d.execute_query("MATCH (n:VerifyNode {id: $id}) RETURN count(n) AS c", id=rb).records
        check(inside == 1 and after[0]["c"] == 0, "explicit transaction rollback")

    for _ in range(4):  # more than Neo4j's default lock-out threshold (3)
        try:
            with driver("definitely-" + PASSWORD) as bad:
                bad.verify_connectivity()
            check(False, "wrong password refused")
        except AuthError:
            pass
    check(True, "wrong password refused (x4)")
    with driver() as d:
        d.verify_connectivity()
    check(True, "right password still accepted after failed attempts")


def crash_and_recover(marker: str) -> None:
    pid = int((DATA_DIR / "neo4j.pid").read_text().strip())
    os.kill(pid, signal.SIGKILL)
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    print(f"killed java pid {pid} with SIGKILL")
    t0 = time.monotonic()
    subprocess.run([str(HERE / "start.sh")], check=True)
    print(f"restart after crash took {time.monotonic() - t0:.1f}s")
    with driver() as d:
        recs = d.execute_query("MATCH (n:VerifyNode {id: $id}) RETURN count(n) AS c", id=marker).records
        check(recs[0]["c"] == 1, "committed data survived SIGKILL + restart")


def main() -> None:
    marker = "verify-" + uuid.uuid4().hex
    basic(marker)
    if "--crash" in sys.argv[1:]:
        crash_and_recover(marker)
    with driver() as d:
        d.execute_query("MATCH (n:VerifyNode) DETACH DELETE n")
        d.execute_query("DROP CONSTRAINT verify_node_id IF EXISTS")
    print("all checks passed")


if __name__ == "__main__":
    main()
