"""Differential test over writes: what a store answers after any sequence of writes is what it
would answer had it computed everything from scratch, and what DESIGN.md's rules say.

Each store keeps answers or indexes it updates as writes come (today the embedded store's
per-control evidence index, added to in place, with the states it remembers for an interval of
instants; the Neo4j store's read memo; tomorrow the status timelines of issue 15). Here a small
random graph (tests/write_sequences.py) takes 5–25 random steps: writes through the store's
public write API as the GraphQL mutations make them (evidence scoped and unscoped, of every
status, back-dated or current, with or without `valid_until`; reviews; corrections that
supersede; `recordChange` with and without propagation, back-dated and at instants already in the
graph; `upsertAssets` with the `changed_at` shorthand; vendor report dates; `applyControl`;
control status and frequency edits; asset deletions; scan results: new findings, and later
scans fixing them; finding policies given, changed and taken away), and questions between them (coverage,
missing evidence, period gaps, impact) so that whatever a store remembers is warm when the next
write lands. It proves:

1. A refused write (the write rules, unknown ids, a correction of a corrected item...) leaves the
   graph as it was: the same export (on Neo4j, where an export costs ~15 round trips, the same
   graph version unless an export is at hand: the version moves in every graph write's
   transaction).
2. Every question asked between writes answers as the independent reference does for the graph
   as it stands then (missing evidence rows, coverage statuses and totals, gap intervals): a
   write that fails to move a warm cache is caught at the instant the cache is warm for.
3. After the sequence, at every breakpoint of the final graph (each `collected_at`, each evidence
   end, each change, each vendor `report_valid_until`, each finding's first_seen + each policy
   limit in the graph and its fixed_at, each instant a question was asked at) and
   a microsecond either side, plus up to three random instants, the written store's whole
   answers (control verdicts; failing (control, asset) rows with reason and since; changed_at;
   missing evidence; at the asked instants, T and the random ones also coverage and missing
   evidence per framework; period gaps over two periods; impact of a change of two assets) equal
   (a) those of a FRESH store of the same backend loaded from the written store's export: nothing
       warm, every index, memo or timeline built from scratch; and
   (b) the independent references written from DESIGN.md alone (tests/reference_states.py,
       reference_changes.py, reference_coverage.py, reference_gaps.py), which share no code with
       the stores (impact has no reference of its own: (a) only).
   The instants the last steps were about are asked first, so a store's memory is read while
   still warm.

Neo4j Community serves one database, which the session's server shares between tests, so the
fresh store cannot sit beside the written one: the written store's answers are recorded first,
then the database is emptied and the export loaded into it through a NEW `Neo4jStore` (no process
memory carried over; `clear()` also drops the graph version, so nothing remembered under the old
one can match), and the fresh answers are compared with the recorded ones. The embedded store's
fresh copy is simply a second store.

Not covered: audit exceptions and engagements (the graphs have none), crosswalk and
threats (no instant). `test_regression_...` below reproduces a bug the sequences
found (an export that does not load back); they avoid it until it is fixed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.bundle import Bundle
from graph.errors import AttestgraphError
from graph.queries import coverage, evidence_gaps, impact, missing_evidence, record_change
from graph.queries.results import ChangeRequest
from graph.store import GraphStore
from graph.stores.embedded import EmbeddedStore
from graph.stores.neo4j import Neo4jStore
from tests.conftest import SCRATCH_LABEL
from tests.graphs import GraphBuilder
from tests.reference_changes import reference_changed_at
from tests.reference_coverage import reference_coverage
from tests.reference_gaps import reference_gaps
from tests.reference_states import Row, reference_rows, reference_verdicts
from tests.stores.neo4j_launcher import Neo4jServer
from tests.strategies import US, T, instants
from tests.write_sequences import Ask, WriteSequence, write_sequences

pytestmark = pytest.mark.neo4j

# Period-gap questions: one around T, one that starts at an interval edge far before it.
PERIODS = [(T - timedelta(days=100), T + timedelta(days=3)), (T - timedelta(days=400) - US, T - timedelta(days=40))]
_DAYS = {"continuous": 1, "daily": 1, "weekly": 7, "monthly": 31, "quarterly": 92, "semiannual": 183, "annual": 366}


class Backend:
    """Opens empty stores of the backend under test, written and fresh, one after the other."""

    def __init__(self, store: GraphStore, request: pytest.FixtureRequest) -> None:
        self.store = store
        self.name = "neo4j" if isinstance(store, Neo4jStore) else "embedded"
        self.server: Neo4jServer | None = None
        if isinstance(store, Neo4jStore):
            self.server = request.getfixturevalue("neo4j_server")
        self.opened: list[GraphStore] = []

    def empty(self) -> GraphStore:
        """A new, empty store (Neo4j: the one database emptied, behind a new store object)."""
        if self.server is None:
            fresh: GraphStore = EmbeddedStore()
        else:
            assert isinstance(self.store, Neo4jStore)
            self.store.clear()
            if self.server.origin == "NEO4J_URI":  # keep the scratch mark tests/conftest.py checks
                self.store.connection.driver.execute_query(f"MERGE (:{SCRATCH_LABEL})", database_=self.server.database)
            server = self.server
            fresh = Neo4jStore(server.uri, server.user, server.password, server.database)
        self.opened.append(fresh)
        return fresh

    def close(self) -> None:
        for opened in self.opened:
            opened.close()
        self.opened.clear()


@pytest.fixture
def backend(store: GraphStore, request: pytest.FixtureRequest) -> Iterator[Backend]:
    opened = Backend(store, request)
    yield opened
    opened.close()


# Examples per backend: an example costs ~0.1 s on the embedded store and ~1 s on Neo4j (CI), so
# the embedded store searches further; ATTESTGRAPH_WRITE_SEQUENCES=300 searches deeper on both.
EXAMPLES = {"embedded": 100, "neo4j": 25}


def test_after_any_writes_a_store_answers_as_a_fresh_one_and_the_reference(backend: Backend) -> None:
    examples = int(os.environ.get("ATTESTGRAPH_WRITE_SEQUENCES", EXAMPLES[backend.name]))

    @settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(sequence=write_sequences(), extra=st.lists(instants(), max_size=3))
    def after_writes(sequence: WriteSequence, extra: list[datetime]) -> None:
        try:
            same_answers(backend, sequence, extra)
        finally:
            backend.close()

    after_writes()


def same_answers(backend: Backend, sequence: WriteSequence, extra: list[datetime]) -> None:
    written = backend.empty()
    written.write(sequence.base, immutable_evidence=True)
    play(written, sequence)
    final = written.export()
    # The last instants the steps were about first: a store's memory is warm there.
    questions = list(dict.fromkeys([*reversed(sequence.warm[-3:]), *sequence.asked, T, *extra]))
    asked = Asked(breakpoints(final, questions), questions)
    recorded = answers(written, final, sequence.frameworks, asked)
    against_reference(recorded, final, sequence.frameworks, asked)

    fresh = backend.empty()  # Neo4j: `written`'s database is gone now; its answers are recorded
    fresh.write(final, immutable_evidence=True)
    assert fresh.export() == final, "the export loads back as it was"
    for key, answer in answers(fresh, final, sequence.frameworks, asked).items():
        assert recorded[key] == answer, f"{key}:\n after the writes: {recorded[key]!r}\n from scratch:     {answer!r}"


@dataclass(frozen=True)
class Asked:
    """The instants asked at: the store's needs (verdicts, failing pairs, changed_at) and missing
    evidence at every breakpoint and a microsecond either side; the framework questions, which
    derive from those needs, at the instants the last three steps were about, those the sequence
    asked at, T and a few random ones (every breakpoint would double the cost on Neo4j for little
    more). In that order: the warm ones first."""

    moments: list[datetime]
    questions: list[datetime]


@pytest.mark.regression
def test_regression_an_export_naming_a_deleted_asset_in_propagated_from_loads_back(backend: Backend) -> None:
    """Found by the write sequences: `b` depends on `a`, a change of `a` propagates to `b`, `a` is
    deleted; `b`'s history still names `a` in `propagated_from` (provenance), and the export of
    that graph loads back into an empty store."""
    store = backend.empty()
    GraphBuilder().asset("a").asset("b").depends("b", "a").write_to(store)
    record_change(store, ChangeRequest(asset_id="a", at=T))
    store.delete_asset("a")
    exported = store.export()
    assert [(c.asset, c.propagated_from) for c in exported.changes] == [("b", "a")]

    fresh = backend.empty()
    fresh.write(exported, immutable_evidence=True)
    assert fresh.export() == exported


def play(store: GraphStore, sequence: WriteSequence) -> None:
    """Each step in turn. A refused write must leave the graph exactly as it was; a question
    asked after writes must already answer as the reference does for the graph as it stands
    (what a write failed to move in a warm cache shows here, at the very instant it was warm).

    "As it was": the same export. On Neo4j an export is some fifteen round trips, so unless one
    is at hand the graph version stands for it there: the version moves in the transaction of
    every graph write (graph/stores/neo4j/memo.py), so an unmoved one means nothing committed."""
    graph: Bundle | None = None  # the export, while no write has moved it
    for step in sequence.steps:
        if not isinstance(step, Ask):
            before = graph if graph is not None or not store.graph_version_in_memory else store.export()
            version = store.graph_version()
            graph = None
            try:
                step.apply(store)
            except AttestgraphError as refused:
                if before is not None:
                    assert store.export() == before, f"{step} was refused ({refused}) but changed the graph"
                else:
                    assert store.graph_version() == version, f"{step} was refused ({refused}) but wrote"
                graph = before
            continue
        try:
            answer = step.ask(store)
        except AttestgraphError:
            continue  # e.g. the impact of an asset deleted earlier: asked all the same
        graph = graph if graph is not None else store.export()
        _as_the_reference(step, answer, graph)


def _as_the_reference(step: Ask, answer: Any, graph: Bundle) -> None:
    if step.what == "impact":
        return  # (no reference of its own; the final comparison asks it of a fresh store)
    rows = reference_rows(graph, step.at)
    verdicts = reference_verdicts(graph, rows)
    effective = {k: s in ("implemented", "carved_out") and not f for k, (s, _, f) in verdicts.items()}
    scope = None if step.framework is None else reference_coverage(graph, step.framework, effective)
    if step.what == "missing":
        expected = rows if scope is None else {r for r in rows if r[0] in scope.controls}
        assert _rows(answer) == expected, f"{step} after the writes before it"
    elif step.what == "coverage":
        assert scope is not None
        assert {r.criterion_id: r.status.value for r in answer.criteria} == scope.statuses, step
        assert answer.totals.model_dump() == scope.totals, step
    else:
        gaps = {c.control_id: [i.is_gap for i in c.intervals] for c in answer.controls}
        start = step.at - timedelta(days=120)
        assert gaps == reference_gaps(graph, start, step.at, None if scope is None else scope.controls), step


def breakpoints(bundle: Bundle, also: list[datetime]) -> list[datetime]:
    """Every instant where an answer can turn, a microsecond either side, and `also`."""
    frequency = {c.id: c.frequency.value for c in bundle.controls}
    found = {T, *also}
    for e in bundle.evidence:
        end = e.valid_until or e.collected_at + timedelta(days=_DAYS[frequency[e.control]])
        found |= {e.collected_at, end}
    found |= {c.at for c in bundle.changes}
    found |= {v.report_valid_until for v in bundle.vendors if v.report_valid_until is not None}
    # A finding turns overdue just after first_seen + its limit in some control's policy, and stops at fixed_at.
    limits = {days for c in bundle.controls for days in (c.finding_policy or {}).values()}
    for f in bundle.findings:
        found |= {f.first_seen + timedelta(days=d) for d in limits} | ({f.fixed_at} if f.fixed_at else set())
    return sorted({t + d for t in found for d in (-US, timedelta(0), US)})


def answers(store: GraphStore, bundle: Bundle, frameworks: list[str], asked: Asked) -> dict[str, Any]:
    """The store's whole answers to every question, keyed by what was asked."""
    controls = [c.id for c in bundle.controls]
    assets = [a.id for a in bundle.assets]
    found: dict[str, Any] = {}
    # The instants the last steps were about first: what a store remembers is about them (the
    # embedded index keeps the states at the last T asked), so a stale memory answers here.
    for at in dict.fromkeys([*asked.questions, *asked.moments]):  # (the questions are moments too)
        found[f"control_verdicts {at}"] = store.control_verdicts(controls, at)
        found[f"control_states {at}"] = store.control_states(None, at)
        found[f"latest_changes {at}"] = store.latest_changes(assets, at)
        found[f"missing_evidence {at}"] = missing_evidence(store, at)
    for at in asked.questions:
        for framework in frameworks:
            found[f"coverage {framework} {at}"] = coverage(store, framework, at)
            found[f"missing_evidence {framework} {at}"] = missing_evidence(store, at, framework)
    for start, end in PERIODS:
        for within in (None, *frameworks):
            found[f"evidence_gaps {within} {start}"] = evidence_gaps(store, start, end, within)
    for asset in sorted({assets[0], assets[-1]}) if assets else []:  # what-if: the costliest question
        found[f"impact {asset}"] = impact(store, ChangeRequest(asset_id=asset, at=T))
    return found


def against_reference(found: dict[str, Any], bundle: Bundle, frameworks: list[str], asked: Asked) -> None:
    """The answers equal DESIGN.md's rules as the independent references read them."""
    effective: dict[datetime, dict[str, bool]] = {}
    for at in asked.moments:
        rows = reference_rows(bundle, at)
        states = {
            (s.control_id, s.asset_id, s.state.value, s.since, s.vendor_id, s.finding_id)
            for s in found[f"control_states {at}"]
        }
        assert states == rows, f"failing pairs at {at}"
        assert _rows(found[f"missing_evidence {at}"]) == rows, f"missing evidence at {at}"
        verdicts = reference_verdicts(bundle, rows)
        stored = {
            k: (v.status.value, v.assets, {s.value: n for s, n in v.failing.items()})
            for k, v in found[f"control_verdicts {at}"].items()
        }
        assert stored == verdicts, f"control verdicts at {at}"
        assert found[f"latest_changes {at}"] == reference_changed_at(bundle, at), f"changed_at at {at}"
        effective[at] = {k: s in ("implemented", "carved_out") and not f for k, (s, _, f) in verdicts.items()}
    for at in asked.questions:
        rows = reference_rows(bundle, at)
        for framework in frameworks:
            expected = reference_coverage(bundle, framework, effective[at])
            report = found[f"coverage {framework} {at}"]
            assert {r.criterion_id: r.status.value for r in report.criteria} == expected.statuses, (framework, at)
            assert {r.criterion_id for r in report.criteria if r.carved_out} == expected.carved_out, (framework, at)
            assert report.totals.model_dump() == expected.totals, (framework, at)
            scoped = {r for r in rows if r[0] in expected.controls}
            assert _rows(found[f"missing_evidence {framework} {at}"]) == scoped, (framework, at)
    for start, end in PERIODS:
        for within in (None, *frameworks):
            # The framework's controls do not depend on T: those of the coverage reference.
            scope = None if within is None else reference_coverage(bundle, within, effective[T]).controls
            report = found[f"evidence_gaps {within} {start}"]
            gaps = {c.control_id: [i.is_gap for i in c.intervals] for c in report.controls}
            assert gaps == reference_gaps(bundle, start, end, scope), (within, start)


def _rows(report: Any) -> set[Row]:
    return {(r.control_id, r.asset_id, r.reason.value, r.since, r.vendor_id, r.finding_id) for r in report.rows}
