"""Differential test: on random graphs the Neo4j store answers exactly as the embedded store.

Every query of `graph.queries` and every read of the `GraphStore` protocol is asked of both
stores over the same graph, and the answers must be equal, orderings included; coverage and a
framework's missing evidence must also equal an independent reference of the criterion rules
(tests/reference_coverage.py). One Neo4j
session serves all examples; the database is emptied before each.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from itertools import pairwise, product
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.bundle import Bundle
from graph.model import EDGE_ENDPOINTS, Label
from graph.queries import blast_radius, coverage, crosswalk, evidence_gaps, impact, missing_evidence, record_change
from graph.queries.engagement import engagement_report
from graph.rules.evaluation import EvidenceState
from graph.store import Assumption, GraphStore
from graph.stores.embedded import EmbeddedStore
from graph.stores.neo4j import Neo4jStore
from tests.graphs import comparable, unstamped
from tests.reference_changes import reference_changed_at, reference_stale_pairs
from tests.reference_coverage import reference_carve_outs, reference_coverage
from tests.reference_engagement import reference_engagement, reference_instant
from tests.reference_gaps import reference_gaps
from tests.reference_states import reference_rows
from tests.stores.neo4j_launcher import Neo4jServer
from tests.strategies import GraphCase, T, graph_cases

pytestmark = pytest.mark.neo4j

# Filters a dashboard uses, on every kind of property (enum, bool, datetime, text).
WHERE: dict[Label, list[dict[str, str]]] = {
    Label.CONTROL: [{"status": "implemented"}, {"automated": "True"}, {"frequency": "monthly", "status": "planned"}],
    Label.ASSET: [{"kind": "model"}, {"changed_at": str(T)}],
    Label.EVIDENCE: [{"status": "accepted"}, {"collected_at": str(T)}],
    Label.CRITERION: [{"framework": "fw-1"}, {"category": "access"}],
}


@pytest.fixture
def neo4j(neo4j_server: Neo4jServer) -> Iterator[Neo4jStore]:
    store = Neo4jStore(neo4j_server.uri, neo4j_server.user, neo4j_server.password, neo4j_server.database)
    yield store
    store.close()


class Pair:
    """Asks both stores the same thing and insists on the same answer."""

    def __init__(self, embedded: GraphStore, neo4j: GraphStore) -> None:
        self.embedded = embedded
        self.neo4j = neo4j
        self.asked = 0

    def same(self, what: str, ask: Callable[[GraphStore], Any]) -> Any:
        expected = _outcome(ask, self.embedded)
        actual = _outcome(ask, self.neo4j)
        self.asked += 1
        assert actual == expected, f"{what}:\n embedded: {expected!r}\n neo4j:    {actual!r}"
        return expected


def _outcome(ask: Callable[[GraphStore], Any], store: GraphStore) -> Any:
    """The answer, or the error (type and message) for questions that must fail the same way."""
    try:
        return ask(store)
    except Exception as error:
        return (type(error).__name__, str(error))


@settings(
    # 40 keeps CI near a minute; ATTESTGRAPH_DIFFERENTIAL_EXAMPLES=500 for a deeper search.
    max_examples=int(os.environ.get("ATTESTGRAPH_DIFFERENTIAL_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(case=graph_cases(), data=st.data())
def test_neo4j_answers_every_question_as_the_embedded_store(neo4j: Neo4jStore, case: GraphCase, data: Any) -> None:
    neo4j.clear()
    embedded = EmbeddedStore()
    both = Pair(embedded, neo4j)
    try:
        both.same("write", lambda s: s.write(case.bundle))
        # Asked before the updates too: Neo4j keeps each control's accepted items until a write moves them.
        both.same("evidence_gaps before the update", lambda s: evidence_gaps(s, T - timedelta(days=92), T))
        # Recorded evidence is immutable when asked: the update (which rewrites some) is refused
        # alike by both, or accepted alike when it leaves evidence alone.
        both.same("immutable write update", lambda s: s.write(case.update, immutable_evidence=True))
        # Without the check, the update's other writes still land alike; its rewrites of recorded
        # evidence are left out, since SQLite refuses them in the embedded store whatever the flag.
        recorded = {e.id for e in case.bundle.evidence}
        unguarded = case.update.model_copy(
            update={"evidence": [e for e in case.update.evidence if e.id not in recorded]}
        )
        both.same("write update", lambda s: s.write(unguarded))
        _protocol_reads(both, case, data)
        _queries(both, case, data)
        _against_reference(both, case)
        _engagements_against_reference(both)
        change = case.changes[0]
        both.same(f"record_change {change}", lambda s: record_change(s, change))
        both.same("export after the change", lambda s: comparable(s.export()))
        for framework in case.frameworks:
            both.same(f"coverage {framework} after the change", lambda s, f=framework: coverage(s, f, change.at))
    finally:
        embedded.close()


def _protocol_reads(both: Pair, case: GraphCase, data: Any) -> None:
    both.same("export", lambda s: unstamped(s.export()))
    bundle: Bundle = both.embedded.export()
    ids = {label: [node.id for lbl, node in bundle.nodes() if lbl is label] for label in Label}

    for label in Label:
        wanted = [*ids[label], "missing-id"]
        both.same(f"get_nodes {label}", lambda s, lb=label, w=wanted: s.get_nodes(lb, w))
        both.same(f"count_nodes {label}", lambda s, lb=label: s.count_nodes(lb))
        both.same(f"list_nodes {label}", lambda s, lb=label: _pages(s, lb, None))
        for where in WHERE.get(label, []):
            both.same(f"list_nodes {label} {where}", lambda s, lb=label, w=where: _pages(s, lb, w))
            both.same(f"count_nodes {label} {where}", lambda s, lb=label, w=where: s.count_nodes(lb, w))
    both.same("list_nodes after a missing id", lambda s: s.list_nodes(Label.ASSET, first=100, after="as-5x"))

    for rel, (source, target) in EDGE_ENDPOINTS.items():
        forward, backward = [*ids[source], "missing-id"], [*ids[target], "missing-id"]
        both.same(f"related {rel}", lambda s, r=rel, w=forward: s.related(r, w))
        both.same(f"related {rel} reverse", lambda s, r=rel, w=backward: s.related(r, w, reverse=True))

    criteria, controls, assets = ids[Label.CRITERION], ids[Label.CONTROL], ids[Label.ASSET]
    for framework in case.frameworks:
        both.same(f"framework_criteria {framework}", lambda s, f=framework: s.framework_criteria(f))
    both.same("satisfying_controls", lambda s: s.satisfying_controls([*criteria, "missing-id"]))
    some = data.draw(st.lists(st.sampled_from(criteria), unique=True), label="criteria")
    both.same(f"mappings_touching {some}", lambda s: s.mappings_touching(some))
    for a, b in product(case.frameworks, repeat=2):
        both.same(f"mappings_between {a} {b}", lambda s, a=a, b=b: s.mappings_between(a, b))

    assumed = Assumption(
        assets=frozenset(data.draw(st.lists(st.sampled_from(assets), unique=True), label="assumed")),
        changed_at=data.draw(st.sampled_from(case.times), label="assumed at"),
    )
    for at in case.times:
        for assume in (None, assumed):
            both.same(f"control_verdicts {at} {assume}", lambda s, t=at, a=assume: s.control_verdicts(controls, t, a))
            both.same(f"control_states {at} {assume}", lambda s, t=at, a=assume: s.control_states(None, t, a))
        subset = data.draw(st.lists(st.sampled_from(controls), unique=True), label="controls")
        both.same(f"control_states {subset} {at}", lambda s, t=at, c=subset: s.control_states(c, t))
        touched = data.draw(st.lists(st.sampled_from(assets), unique=True), label="touched")
        both.same(f"becoming_stale {touched} {at}", lambda s, t=at, a=touched: s.becoming_stale(a, t))
        both.same(f"neighbourhood {touched}", lambda s, a=touched: s.neighbourhood(a))
    # Intervals cut at the case's instants and 1 µs either side: items collected on a bound.
    cuts = sorted({t + timedelta(microseconds=d) for t in case.times for d in (-1, 0, 1)})
    intervals = {c: list(pairwise(cuts)) for c in [*controls, "missing-id"]}
    both.same("accepted_evidence_counts", lambda s: s.accepted_evidence_counts(intervals))
    both.same(
        "accepted_evidence_periods",
        lambda s: s.accepted_evidence_periods([*controls, "missing-id"], T - timedelta(days=92), T + timedelta(days=1)),
    )
    for control in [*controls, "missing-id"]:
        both.same(
            f"accepted_evidence_items {control}",
            lambda s, c=control: s.accepted_evidence_items(c, T - timedelta(days=92), T + timedelta(days=1)),
        )
    _histories(both, bundle, case)
    for asset, depth in product([*assets, "missing-id"], [None, 0, 1, 2]):
        both.same(f"dependents {asset} {depth}", lambda s, a=asset, d=depth: s.dependents(a, d))
        # Asked twice: the second answer on Neo4j is the one its statement found still current.
        for _ in range(2):
            both.same(f"blast_radius need {asset} {depth}", lambda s, a=asset, d=depth: s.blast_radius(a, d))


def _histories(both: Pair, bundle: Bundle, case: GraphCase) -> None:
    """Each asset's history pages alike on both stores, and changed_at(a, T) of every asset at
    every time asked equals DESIGN.md's rule read straight off the exported changes."""
    assets = [a.id for a in bundle.assets]
    for asset in [*assets, "missing-id"]:
        both.same(f"count_changes {asset}", lambda s, a=asset: s.count_changes(a))
        both.same(f"asset_changes {asset}", lambda s, a=asset: [unstamped_change(c) for c in _history_pages(s, a)])
    for at in case.times:
        expected = reference_changed_at(bundle, at)
        answer = both.same(f"latest_changes {at}", lambda s, t=at: s.latest_changes([*assets, "missing-id"], t))
        assert answer == expected, f"latest_changes {at}: {answer} != reference {expected}"
        stale = {
            (s.control_id, s.asset_id, s.since)
            for s in both.same(f"control_states {at} (stale)", lambda s, t=at: s.control_states(None, t))
            if s.state is EvidenceState.STALE
        }
        assert stale == reference_stale_pairs(bundle, at), f"STALE pairs at {at}"


def _history_pages(store: GraphStore, asset: str) -> list[Any]:
    """The whole history, two at a time (newest first)."""
    found: list[Any] = []
    while True:
        page = store.asset_changes(asset, 2, found[-1].id if found else None)
        found += page
        if len(page) < 2:
            return found


def unstamped_change(change: Any) -> Any:
    return change.model_copy(update={"recorded_at": None, "recorded_by": None})


def _against_reference(both: Pair, case: GraphCase) -> None:
    """Both stores' coverage and framework-scoped missing evidence equal the independent reference
    (tests/reference_coverage.py), given the control verdicts the stores agree on."""
    bundle = both.embedded.export()
    controls = [c.id for c in bundle.controls]
    for at, framework in product(case.times, case.frameworks):
        verdicts = both.embedded.control_verdicts(controls, at)
        carve_outs = reference_carve_outs(bundle, at)  # carved-out controls judged by the reference
        effective = {k: v.effective for k, v in verdicts.items()} | carve_outs.effective
        expected = reference_coverage(bundle, framework, effective)
        failing = {s.control_id for s in both.embedded.control_states(None, at)} - carve_outs.effective.keys()
        failing |= {k for k, ok in carve_outs.effective.items() if not ok}
        for store in (both.embedded, both.neo4j):
            report = coverage(store, framework, at)
            assert {r.criterion_id: r.status.value for r in report.criteria} == expected.statuses, (framework, at)
            assert {r.criterion_id for r in report.criteria if r.carved_out} == expected.carved_out, (framework, at)
            assert report.totals.model_dump() == expected.totals, (framework, at)
            missing = {r.control_id for r in missing_evidence(store, at, framework).rows}
            assert missing == failing & expected.controls, (framework, at)
            vendor_rows = {
                (r.control_id, r.vendor_id, r.reason.value, r.since)
                for r in missing_evidence(store, at).rows
                if r.vendor_id is not None
            }
            assert vendor_rows == carve_outs.rows, at
        both.asked += 1
    for at in case.times:  # "Findings": the OPEN_FINDINGS rows, by the reference of the states
        expected_findings = {r for r in reference_rows(bundle, at) if r[2] == "OPEN_FINDINGS"}
        for store in (both.embedded, both.neo4j):
            found = {
                (r.control_id, r.asset_id, r.reason.value, r.since, r.vendor_id, r.finding_id)
                for r in missing_evidence(store, at).rows
                if r.reason is EvidenceState.OPEN_FINDINGS
            }
            assert found == expected_findings, at


def _engagements_against_reference(both: Pair) -> None:
    """Both stores answer each engagement alike, and as the independent reference does
    (tests/reference_engagement.py); `now` is fixed, so a period ending later is cut the same."""
    bundle = both.embedded.export()
    now = T + timedelta(days=2)
    for engagement in bundle.engagements:
        both.same(f"engagement {engagement.id}", lambda s, g=engagement: engagement_report(s, g, now))
        at = reference_instant(engagement, now)
        carve_outs = reference_carve_outs(bundle, at)
        failing = both.embedded.control_states(None, at)
        expected = reference_engagement(bundle, engagement, failing, carve_outs.effective)
        for store in (both.embedded, both.neo4j):
            found = engagement_report(store, engagement, now)
            assert found.reference_instant == at
            # No asset listed: every asset is in, and the report says so rather than listing them.
            listed = set(found.boundary) if found.boundary is not None else {a.id for a in bundle.assets}
            assert listed == expected.boundary and (found.boundary is None) == (not engagement.assets), engagement
            assert {r.criterion_id: r.status.value for r in found.coverage.criteria} == expected.statuses, engagement
            assert {r.criterion_id for r in found.coverage.criteria if r.carved_out} == expected.carved_out
            rows = {(r.control_id, r.asset_id, r.vendor_id) for r in found.missing_evidence.rows}
            assert rows == expected.rows, engagement
            if expected.gap_counts:
                assert {r.criterion_id: r.gap_count for r in found.coverage.criteria} == expected.gap_counts
        both.asked += 1


def _gaps_against_reference(both: Pair, case: GraphCase, start: datetime, end: datetime) -> None:
    """Both stores' period gaps, with and without a framework, equal the independent reference
    (tests/reference_gaps.py); the framework's controls are those of the coverage reference."""
    bundle = both.embedded.export()
    verdicts = both.embedded.control_verdicts([c.id for c in bundle.controls], T)
    scopes: list[tuple[str | None, set[str] | None]] = [(None, None)]
    for framework in case.frameworks:
        scope = reference_coverage(bundle, framework, {k: v.effective for k, v in verdicts.items()}).controls
        scopes.append((framework, scope))
    for framework, controls in scopes:
        expected = reference_gaps(bundle, start, end, controls)
        for store in (both.embedded, both.neo4j):
            report = evidence_gaps(store, start, end, framework)
            found = {c.control_id: [i.is_gap for i in c.intervals] for c in report.controls}
            assert found == expected, (framework, store)
        both.asked += 1


def _pages(store: GraphStore, label: Label, where: dict[str, str] | None) -> list[Any]:
    """Walk a label in pages of 2, as a Relay connection does."""
    pages, after = [], None
    while True:
        page = store.list_nodes(label, first=2, after=after, where=where)
        pages.append(page)
        if len(page) < 2:
            return pages
        after = page[-1].id


def _queries(both: Pair, case: GraphCase, data: Any) -> None:
    for at in case.times:
        for framework in case.frameworks:
            both.same(f"coverage {framework} {at}", lambda s, f=framework, t=at: coverage(s, f, t))
            both.same(f"missing_evidence {framework} {at}", lambda s, f=framework, t=at: missing_evidence(s, t, f))
        both.same(f"missing_evidence {at}", lambda s, t=at: missing_evidence(s, t))
    start, end = T - timedelta(days=100), T + timedelta(days=3)
    both.same("evidence_gaps", lambda s: evidence_gaps(s, start, end))
    for framework in case.frameworks:
        both.same(f"evidence_gaps {framework}", lambda s, f=framework: evidence_gaps(s, start, end, f))
    _gaps_against_reference(both, case, start, end)
    for a, b in product(case.frameworks, repeat=2):
        both.same(f"crosswalk {a} {b}", lambda s, a=a, b=b: crosswalk(s, a, b))
    for asset in data.draw(st.lists(st.sampled_from(case.assets), min_size=1, max_size=3, unique=True), label="br"):
        for depth in (None, 0, 1, 3):
            both.same(f"blast_radius {asset} {depth}", lambda s, a=asset, d=depth: blast_radius(s, a, d))
    both.same("blast_radius of a missing asset", lambda s: blast_radius(s, "missing-id"))
    for change in case.changes:
        both.same(f"impact {change}", lambda s, c=change: impact(s, c))
