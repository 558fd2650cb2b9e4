"""Audit exceptions and remediations in the stores (issue 14 item 2), on both backends: stored
through the generic node paths, export -> load exact, stamped once, append-only whatever the
path (a bundle load as the API), and the demo's exception open on an in-scope control."""

from __future__ import annotations

from typing import Any

import pytest

from graph.bundle import Bundle
from graph.checks.append_only import RecordConflict
from graph.errors import InvalidInputError
from graph.model import Label, RemediationStatus, now_utc
from graph.queries.engagement import engagement_report, get_engagement, in_scope_control_ids
from graph.queries.exceptions import ExceptionFilter, list_exceptions
from graph.seeds import DEMO_REFERENCE, SEEDS_DIR, load_seed_bundle, rebase_dates
from graph.store import GraphStore
from graph.stores.embedded import EmbeddedStore
from tests.graphs import GraphBuilder, day


def records(**extra: Any) -> dict[str, Any]:
    return {
        "audit_exceptions": [
            {
                "id": "x1",
                "engagement": "g",
                "control": "K1",
                "evidence": "ev-k1",
                "description": "no sign-off",
                "severity": "deficiency",
                "found_at": day(1),
            }
        ],
        "remediations": [
            {"id": "r1", "exception": "x1", "owner": "o", "due": day(9), "plan": "p", "status": "open"},
            {"id": "r0", "exception": "x1", "owner": "o", "due": day(9), "plan": "p2", "status": "open"},
        ],
        **extra,
    }


def graph(store: GraphStore) -> None:
    (
        GraphBuilder()
        .framework()
        .criterion("C1", category="Ops")
        .asset("m")
        .control("K1", satisfies=["fw:C1"], applies_to=["m"])
        .evidence("K1", day(0), eid="ev-k1")
        .engagement("g", categories=["Ops"], assets=["m"], as_of=day(1))
        .write_to(store)
    )


def test_records_round_trip_stamped_once_in_bundle_order(store: GraphStore) -> None:
    graph(store)
    store.write(Bundle.model_validate(records()))
    exported = store.export()
    assert [x.id for x in exported.audit_exceptions] == ["x1"]
    stamps = {r.id: r.recorded_at for r in exported.remediations}
    assert stamps["r1"] is not None and stamps["r0"] is not None
    assert stamps["r1"] < stamps["r0"]  # one write: later in the list, later recorded
    # The latest by recorded_at is current, not the larger id.
    (state,) = list_exceptions(store).rows
    assert state.current is not None and state.current.id == "r0"

    copy = EmbeddedStore()
    copy.write(exported)
    assert copy.export() == exported
    # Loading the export again appends nothing and keeps the first stamps.
    store.write(exported)
    store.write(Bundle.model_validate(records()))
    assert store.export() == exported


def test_a_load_that_edits_a_record_is_refused_whole(store: GraphStore) -> None:
    graph(store)
    store.write(Bundle.model_validate(records()))
    before = store.export()
    edited = records()
    edited["remediations"][1] = {**edited["remediations"][1], "status": "remediated", "closed_at": day(3)}
    with pytest.raises(RecordConflict) as refused:
        store.write(Bundle.model_validate({**edited, "assets": [{"id": "new", "kind": "model", "name": "N"}]}))
    assert refused.value.field == "remediations[1].status"
    assert store.export() == before  # not even the new asset


def test_scope_and_evidence_are_checked_on_a_records_only_load(store: GraphStore) -> None:
    graph(store)
    GraphBuilder().asset("x").control("K9", satisfies=["fw:C1"], applies_to=["x"]).write_to(store)
    out_of_scope = records()
    out_of_scope["audit_exceptions"][0] = {**out_of_scope["audit_exceptions"][0], "control": "K9"}
    with pytest.raises(InvalidInputError) as refused:
        store.write(Bundle.model_validate(out_of_scope))
    fields = [p.field for p in refused.value.problems]
    assert "audit_exceptions[0].control" in fields  # out of scope
    assert "audit_exceptions[0].evidence" in fields  # ev-k1 is K1's, not K9's
    assert store.count_nodes(Label.AUDIT_EXCEPTION) == 0


def test_the_demo_has_an_open_exception_with_a_remediation_under_way(store: GraphStore) -> None:
    now = now_utc()
    store.write(rebase_dates(load_seed_bundle(SEEDS_DIR), DEMO_REFERENCE, now))
    engagement = get_engagement(store, "soc2-type2-model-serving")
    page = list_exceptions(store, ExceptionFilter(engagement.id, open=True), now)
    (state,) = page.rows
    exc = state.exception
    assert (exc.control, exc.evidence) == ("AGC-CHG-02", "EV-CHG-02-2026-06-10")  # drawn in the demo's sample
    assert exc.control in in_scope_control_ids(store, engagement)
    evidence = store.get_nodes(Label.EVIDENCE, [exc.evidence or ""])
    assert getattr(evidence[exc.evidence or ""], "control", None) == exc.control
    assert exc.found_at <= now
    current = state.current
    assert current is not None and current.status is RemediationStatus.OPEN and current.due > now
    assert not state.is_overdue(now)
    rows = engagement_report(store, engagement, now).coverage.criteria
    assert any(exc.id in r.open_exception_ids and r.open_exceptions == 1 for r in rows)
