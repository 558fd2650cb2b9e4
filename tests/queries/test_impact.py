"""impact(change) (what-if, writes nothing) and record_change (writes, returns the same report)."""

from __future__ import annotations

from datetime import datetime

import pytest

from graph.errors import NotFoundError
from graph.queries import coverage, impact, missing_evidence, record_change
from graph.queries.results import ChangeRequest, ImpactReport
from graph.store import GraphStore
from tests.graphs import T0, GraphBuilder, changes_at, day, statuses

AT = day(5)


def estate() -> GraphBuilder:
    """endpoint -serves-> model -trained_on-> dataset; gpu stands apart.

    soc:1 <- ctl-model (model, gpu)      soc:2 <- ctl-data (dataset)     soc:3 <- ctl-policy (no asset)
    iso:1 has no control; soc:1 is equal to it (derived)                 iso:2 <- ctl-iso (endpoint)
    Monthly evidence collected at T0 is valid at AT = day 5.
    """
    b = GraphBuilder().framework("soc").framework("iso").framework("quiet")
    b.criterion("1", fw="soc").criterion("2", fw="soc").criterion("3", fw="soc")
    b.criterion("1", fw="iso").criterion("2", fw="iso").criterion("1", fw="quiet")
    b.asset("dataset", kind="dataset").asset("model").asset("endpoint", kind="endpoint").asset("gpu")
    b.depends("model", "dataset", "trained_on").depends("endpoint", "model", "serves")
    b.control("ctl-model", satisfies=["soc:1"], applies_to=["model", "gpu"])
    b.control("ctl-data", satisfies=["soc:2"], applies_to=["dataset"])
    b.control("ctl-policy", satisfies=["soc:3"])
    b.control("ctl-iso", satisfies=["iso:2"], applies_to=["endpoint"])
    b.control("ctl-quiet", satisfies=["quiet:1"], applies_to=["gpu"])
    b.maps("soc:1", "iso:1", "equal")
    b.evidence("ctl-model", T0, eid="ev-model")
    b.evidence("ctl-data", T0, eid="ev-data")
    b.evidence("ctl-policy", T0, eid="ev-policy")
    b.evidence("ctl-iso", T0, eid="ev-iso")
    b.evidence("ctl-quiet", T0, eid="ev-quiet")
    return b


def change(asset: str = "dataset", at: datetime = AT, propagate: bool = True) -> ChangeRequest:
    return ChangeRequest(asset_id=asset, at=at, propagate=propagate)


def stale(report: ImpactReport) -> list[tuple[str, str, str]]:
    return [(s.evidence_id, s.control_id, s.asset_id) for s in report.stale_evidence]


def moves(report: ImpactReport) -> dict[str, dict[str, tuple[str, str]]]:
    return {
        d.framework: {c.criterion_id: (c.before.value, c.after.value) for c in d.changes} for d in report.frameworks
    }


# -- impact -------------------------------------------------------------------------------------


def test_impact_writes_nothing(store: GraphStore) -> None:
    estate().write_to(store)
    before = store.export()
    report = impact(store, change())
    assert report.recorded is False
    assert store.export() == before
    assert statuses(coverage(store, "soc", AT)) == {"soc:1": "COVERED", "soc:2": "COVERED", "soc:3": "COVERED"}


def test_propagating_touches_the_blast_radius(store: GraphStore) -> None:
    estate().write_to(store)
    report = impact(store, change())
    assert (report.asset_id, report.at, report.propagate) == ("dataset", AT, True)
    assert report.assets == ["dataset", "endpoint", "model"]


def test_not_propagating_touches_only_the_asset(store: GraphStore) -> None:
    estate().write_to(store)
    report = impact(store, change(propagate=False))
    assert report.propagate is False
    assert report.assets == ["dataset"]
    assert stale(report) == [("ev-data", "ctl-data", "dataset")]
    assert moves(report) == {"soc": {"soc:2": ("COVERED", "PARTIAL")}}


def test_evidence_that_becomes_stale(store: GraphStore) -> None:
    estate().write_to(store)
    assert stale(impact(store, change())) == [
        ("ev-data", "ctl-data", "dataset"),
        ("ev-iso", "ctl-iso", "endpoint"),
        ("ev-model", "ctl-model", "model"),
    ]


def test_status_changes_per_framework_include_crosswalk_derived_criteria(store: GraphStore) -> None:
    estate().write_to(store)
    report = impact(store, change())
    assert moves(report) == {
        "iso": {"iso:1": ("COVERED", "PARTIAL"), "iso:2": ("COVERED", "PARTIAL")},
        "soc": {"soc:1": ("COVERED", "PARTIAL"), "soc:2": ("COVERED", "PARTIAL")},
    }
    totals = {d.framework: (d.before.model_dump(), d.after.model_dump()) for d in report.frameworks}
    assert totals["soc"] == (
        {"total": 3, "covered": 3, "partial": 0, "uncovered": 0},
        {"total": 3, "covered": 1, "partial": 2, "uncovered": 0},
    )
    assert totals["iso"] == (
        {"total": 2, "covered": 2, "partial": 0, "uncovered": 0},
        {"total": 2, "covered": 0, "partial": 2, "uncovered": 0},
    )


def test_a_framework_the_change_cannot_reach_is_not_reported(store: GraphStore) -> None:
    estate().write_to(store)
    assert "quiet" not in {d.framework for d in impact(store, change()).frameworks}


def test_a_change_of_an_asset_without_dependents(store: GraphStore) -> None:
    estate().write_to(store)
    report = impact(store, change("gpu"))
    assert report.assets == ["gpu"]
    assert stale(report) == [("ev-model", "ctl-model", "gpu"), ("ev-quiet", "ctl-quiet", "gpu")]
    assert moves(report) == {
        "iso": {"iso:1": ("COVERED", "PARTIAL")},
        "quiet": {"quiet:1": ("COVERED", "PARTIAL")},
        "soc": {"soc:1": ("COVERED", "PARTIAL")},
    }


def test_already_stale_evidence_is_not_listed(store: GraphStore) -> None:
    estate().write_to(store)
    store.write(changes_at(["dataset"], day(2)))
    report = impact(store, change(propagate=False))
    assert stale(report) == []
    assert moves(report) == {"soc": {}}  # soc:2 was already PARTIAL


def test_expired_pending_and_rejected_evidence_is_not_listed(store: GraphStore) -> None:
    b = GraphBuilder().asset("a").control("c", applies_to=["a"])
    b.evidence("c", day(-40), eid="expired").evidence("c", day(1), status="pending", eid="pending")
    b.evidence("c", day(1), status="rejected", eid="rejected").write_to(store)
    assert stale(impact(store, change("a"))) == []


def test_evidence_ending_exactly_at_the_change_is_not_listed(store: GraphStore) -> None:
    # Monthly evidence collected 31 days before the change ends exactly at it: expired, not stale.
    GraphBuilder().asset("a").control("c", applies_to=["a"]).evidence("c", day(-26)).write_to(store)
    assert stale(impact(store, change("a"))) == []


def test_evidence_collected_at_or_after_the_change_is_not_listed(store: GraphStore) -> None:
    b = GraphBuilder().asset("a").control("c", applies_to=["a"])
    b.evidence("c", AT, eid="at-the-change").evidence("c", day(6), eid="later").write_to(store)
    assert stale(impact(store, change("a"))) == []


def test_evidence_scoped_to_an_untouched_asset_is_not_listed(store: GraphStore) -> None:
    b = GraphBuilder().asset("a").asset("b").control("c", applies_to=["a", "b"])
    b.evidence("c", T0, covers=["b"], eid="for-b").evidence("c", T0, covers=["a"], eid="for-a").write_to(store)
    assert stale(impact(store, change("a"))) == [("for-a", "c", "a")]


def test_unscoped_evidence_is_listed_once_per_touched_asset(store: GraphStore) -> None:
    b = GraphBuilder().asset("a").asset("b").depends("b", "a").control("c", applies_to=["a", "b"])
    b.evidence("c", T0, eid="all").write_to(store)
    assert stale(impact(store, change("a"))) == [("all", "c", "a"), ("all", "c", "b")]


def test_impact_of_an_unknown_asset_is_not_found(store: GraphStore) -> None:
    estate().write_to(store)
    with pytest.raises(NotFoundError) as error:
        impact(store, change("nope"))
    assert (error.value.node_id, error.value.field) == ("nope", "change.asset")


# -- record_change ---------------------------------------------------------------------------------


def test_record_change_returns_the_impact_report_marked_recorded(store: GraphStore) -> None:
    estate().write_to(store)
    predicted = impact(store, change())
    recorded = record_change(store, change())
    assert recorded.recorded is True
    assert recorded.model_copy(update={"recorded": False}) == predicted


def test_record_change_appends_a_change_to_every_touched_asset(store: GraphStore) -> None:
    estate().write_to(store)
    record_change(store, change())
    assert store.latest_changes(["dataset", "model", "endpoint", "gpu"], AT) == {
        "dataset": AT,
        "model": AT,
        "endpoint": AT,
    }
    [model_change] = store.asset_changes("model", 5)
    assert model_change.propagated_from == "dataset"
    [own] = store.asset_changes("dataset", 5)
    assert own.propagated_from is None and own.id is not None and own.id.startswith("chg-")


def test_record_change_without_propagation_sets_only_the_asset(store: GraphStore) -> None:
    estate().write_to(store)
    record_change(store, change(propagate=False))
    assert store.latest_changes(["dataset", "model", "endpoint", "gpu"], AT) == {"dataset": AT}


def test_coverage_after_recording_equals_the_predicted_after(store: GraphStore) -> None:
    estate().write_to(store)
    report = record_change(store, change())
    for delta in report.frameworks:
        after = coverage(store, delta.framework, AT)
        assert after.totals == delta.after
        moved = {c.criterion_id: c.after.value for c in delta.changes}
        assert {k: v for k, v in statuses(after).items() if k in moved} == moved


def test_recorded_change_shows_as_stale_missing_evidence(store: GraphStore) -> None:
    estate().write_to(store)
    report = record_change(store, change())
    rows = {(r.control_id, r.asset_id, r.reason.value, r.since) for r in missing_evidence(store, AT).rows}
    assert rows == {(s.control_id, s.asset_id, "STALE", AT) for s in report.stale_evidence}


def test_impact_after_recording_finds_nothing_new(store: GraphStore) -> None:
    estate().write_to(store)
    record_change(store, change())
    again = impact(store, change())
    assert stale(again) == []
    assert all(d.changes == [] for d in again.frameworks)


def test_record_change_of_an_unknown_asset_writes_nothing(store: GraphStore) -> None:
    estate().write_to(store)
    before = store.export()
    with pytest.raises(NotFoundError):
        record_change(store, change("nope"))
    assert store.export() == before


def test_a_parent_criterion_moves_with_its_leaves(store: GraphStore) -> None:
    b = GraphBuilder().framework("fw").criterion("P").criterion("P.1", parent="fw:P").criterion("P.2", parent="fw:P")
    b.asset("a").control("c1", satisfies=["fw:P.1"], applies_to=["a"]).control("c2", satisfies=["fw:P.2"])
    b.evidence("c1", T0).evidence("c2", T0).write_to(store)
    report = impact(store, change("a"))
    assert moves(report) == {"fw": {"fw:P": ("COVERED", "PARTIAL"), "fw:P.1": ("COVERED", "PARTIAL")}}
    [delta] = report.frameworks
    assert (delta.before.total, delta.before.covered, delta.after.covered, delta.after.partial) == (2, 2, 1, 1)
