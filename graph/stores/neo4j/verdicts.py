"""Control verdicts at T on Neo4j from the stored count timelines (timelines.py): one statement
reads, per control, its status, its number of assets and the chunk of its timeline holding T; the
verdict is then a bisect in that chunk. Nothing is remembered in the process: every process reads
the same chunks, written in the transactions of the writes that moved them.

The timelines hold the evidence rules only. A control with a `finding_policy` whose assets have
findings (DESIGN.md "Findings": an overdue one holds its asset back, first in precedence) is
answered by the per-instant Cypher of reads.py instead, as carved-out controls are (from their
vendors' reports); its timeline is still kept, for the day its policy goes or its findings do.

A control found without a timeline (a database written before timelines, by a process of an
older version still running) gets it built and written back, then read again.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping

from neo4j import ManagedTransaction, Record

from graph.model import ControlStatus
from graph.queries.results import ControlVerdict
from graph.rules.evaluation import EvidenceState
from graph.rules.timeline import OK, STATES
from graph.stores.neo4j import timelines
from graph.stores.neo4j.connection import Neo4jConnection

IMPLEMENTED = ControlStatus.IMPLEMENTED.value
CARVED_OUT = ControlStatus.CARVED_OUT.value
STALE = EvidenceState.STALE

# The verdicts at T of some controls, read by Cypher (not from the timelines; None: no such control).
LiveVerdicts = Callable[[list[str]], Mapping[str, ControlVerdict | None]]


def verdicts_at(
    read: Callable[..., list[Record]],
    connection: Neo4jConnection,
    ids: list[str],
    at: int,
    carved_out: LiveVerdicts,
    with_findings: LiveVerdicts,
) -> dict[str, ControlVerdict | None]:
    """The verdicts of the controls among `ids` that exist, at `at` (microseconds); `read`
    runs a read statement (the store's); `carved_out` and `with_findings` answer the carved-out
    controls and those whose findings may hold assets back."""
    records = read(timelines.AT, ids=ids, at=at)
    missing = [r["id"] for r in records if r["times"] is None]
    if missing:
        build_missing(connection, missing)
        records = read(timelines.AT, ids=ids, at=at)
    found: dict[str, ControlVerdict | None] = {}
    carved, held = [], []
    for record in records:
        status = record["status"]
        if status == CARVED_OUT:
            carved.append(record["id"])
            continue
        if status == IMPLEMENTED and record["findings"]:
            held.append(record["id"])
            continue
        counts = timelines.counts_in(record["times"], record["counts"], at) if status == IMPLEMENTED else ()
        failing = {STATES[code]: n for code, n in enumerate(counts) if code != OK and n}
        found[record["id"]] = ControlVerdict(
            control_id=record["id"], status=status, assets=record["assets"], failing=failing
        )
    if carved:
        found.update(carved_out(carved))
    if held:
        found.update(with_findings(held))
    return found


def made_stale(
    found: Mapping[str, ControlVerdict | None], by_cypher: Collection[str], rows: Iterable[Record]
) -> dict[str, ControlVerdict | None]:
    """`found` (verdicts at T from the timelines), with the pairs a change of their asset
    supposed at T makes stale moved from OK to stale: per control, the assets of `rows`
    (reads.FRESH_AT) OK at T by an item collected before T and by none collected at T.
    A supposed change moves nothing else (graph/rules/change_window.py). The controls
    `by_cypher` were answered with the change already supposed and stay as they are."""
    older: dict[str, set[str]] = {}
    now: dict[str, set[str]] = {}
    for row in rows:
        into = now if row["now"] else older
        into.setdefault(row["control"], set()).update(row["assets"])
    moved = dict(found)
    for control, assets in older.items():
        verdict = found.get(control)
        n = len(assets - now.get(control, set()))
        if verdict is None or control in by_cypher or verdict.status is not ControlStatus.IMPLEMENTED or not n:
            continue
        counts = {**verdict.failing, STALE: verdict.failing.get(STALE, 0) + n}
        moved[control] = verdict.model_copy(update={"failing": {s: counts[s] for s in STATES if s in counts}})
    return moved


def build_missing(connection: Neo4jConnection, ids: list[str] | None = None) -> None:
    """Build and write the timelines of `ids` (None: of every control) that have none. Not a
    graph change (answers stay as they were), so the graph version stays; and outside any
    request's pending audit entry, which belongs to that request's own write."""

    def work(tx: ManagedTransaction) -> None:
        wanted = [r["id"] for r in tx.run(timelines.MISSING)] if ids is None else ids
        absent = set(wanted) - {r["control"] for r in tx.run(_HAVING, ids=wanted)}
        timelines.refresh(tx, absent)

    with (
        connection.available(),
        connection.driver.session(
            database=connection.database, bookmark_manager=connection.driver.execute_query_bookmark_manager
        ) as session,
    ):
        session.execute_write(work)


_HAVING = f"UNWIND $ids AS id MATCH (k:{timelines.CHUNK}) WHERE k.control = id RETURN DISTINCT k.control AS control"
