"""Engagements (DESIGN.md "Engagement (an audit)"): scope by category and system boundary, the
reference instant, the refusals; on both stores."""

from __future__ import annotations

from typing import Any

import pytest

from graph.bundle import Bundle, parse_bundle
from graph.errors import ConflictError, InvalidInputError
from graph.model import Engagement, Label
from graph.queries import coverage, missing_evidence
from graph.queries.engagement import EngagementReport, engagement_report, get_engagement
from graph.store import GraphStore
from graph.stores.embedded import EmbeddedStore
from tests.graphs import GraphBuilder, day


def report(store: GraphStore, gid: str = "audit", now: Any = None) -> EngagementReport:
    return engagement_report(store, get_engagement(store, gid), now)


def statuses(r: EngagementReport) -> dict[str, str]:
    return {row.criterion_id: row.status.value for row in r.coverage.criteria}


def rows(r: EngagementReport) -> set[tuple[str, str | None, str]]:
    return {(x.control_id, x.asset_id, x.reason.value) for x in r.missing_evidence.rows}


def two_systems() -> GraphBuilder:
    """ep-a -> mdl-a -> ds-a (system A) and ep-b (system B); control k applies to mdl-a and ep-b,
    with evidence for mdl-a only; `solo` applies to no asset (evidence); `far` only to ep-b."""
    b = GraphBuilder().framework().criterion("C1").criterion("C2").criterion("C3")
    b.asset("ep-a", kind="endpoint").asset("mdl-a").asset("ds-a", kind="dataset").asset("ep-b", kind="endpoint")
    b.depends("ep-a", "mdl-a").depends("mdl-a", "ds-a", "trained_on")
    b.control("k", satisfies=["fw:C1"], applies_to=["mdl-a", "ep-b"]).evidence("k", day(0), covers=["mdl-a"])
    b.control("solo", satisfies=["fw:C2"]).evidence("solo", day(0))
    b.control("far", satisfies=["fw:C3"], applies_to=["ep-b"])
    return b


def test_boundary_is_the_listed_assets_and_what_they_depend_on_transitively(store: GraphStore) -> None:
    two_systems().engagement("audit", as_of=day(1), assets=["ep-a"]).write_to(store)
    assert report(store).boundary == ["ds-a", "ep-a", "mdl-a"]
    assert store.dependency_closure(["ep-a", "nope"]) == {"ep-a", "mdl-a", "ds-a"}
    assert store.dependency_closure(["ds-a"]) == {"ds-a"}


def test_a_boundary_that_excludes_an_asset_removes_its_missing_evidence_rows(store: GraphStore) -> None:
    two_systems().engagement("audit", as_of=day(1), assets=["ep-a"]).engagement("all", as_of=day(1)).write_to(store)
    # The whole organization: k fails on ep-b, far on ep-b.
    assert rows(report(store, "all")) == {("k", "ep-b", "NEVER_COLLECTED"), ("far", "ep-b", "NEVER_COLLECTED")}
    # System A: ep-b is outside, so k is judged on mdl-a only (effective) and far drops out.
    scoped = report(store)
    assert rows(scoped) == set()
    assert statuses(scoped) == {"fw:C1": "COVERED", "fw:C2": "COVERED", "fw:C3": "UNCOVERED"}
    assert statuses(report(store, "all")) == {"fw:C1": "PARTIAL", "fw:C2": "COVERED", "fw:C3": "PARTIAL"}
    # Listing no asset puts every asset in scope, said as such rather than by listing them all.
    assert report(store, "all").boundary is None


def test_a_control_applying_to_no_asset_stays_in_scope_and_counts_its_own_row(store: GraphStore) -> None:
    b = two_systems().control("lone", satisfies=["fw:C2"])  # no evidence, no asset
    b.engagement("audit", as_of=day(1), assets=["ds-a"]).write_to(store)
    scoped = report(store)
    assert ("lone", None, "NEVER_COLLECTED") in rows(scoped)
    assert statuses(scoped)["fw:C2"] == "PARTIAL"


def test_empty_categories_mean_all_and_listed_ones_cut_the_criteria(store: GraphStore) -> None:
    b = GraphBuilder().framework().criterion("C1", category="Ops").criterion("C2", category="Privacy")
    b.control("k", satisfies=["fw:C1"]).control("p", satisfies=["fw:C2"])
    b.engagement("all", as_of=day(1)).engagement("ops", as_of=day(1), categories=["Ops"]).write_to(store)
    assert set(statuses(report(store, "all"))) == {"fw:C1", "fw:C2"}
    ops = report(store, "ops")
    assert set(statuses(ops)) == {"fw:C1"} and ops.categories == ["Ops"]
    assert rows(ops) == {("k", None, "NEVER_COLLECTED")}  # p is behind an out-of-scope criterion only


@pytest.mark.parametrize("framework", ["soc2-tsc-2017", "my-tsc-copy"])
def test_security_is_always_in_scope_for_soc2(store: GraphStore, framework: str) -> None:
    b = GraphBuilder().framework(framework)
    for ref, category in (("CC1.1", "Security"), ("A1.1", "Availability"), ("P1.1", "Privacy")):
        b.criterion(ref, framework, category=category)
    b.engagement("audit", framework, as_of=day(1), categories=["Availability"]).write_to(store)
    scoped = report(store)
    assert scoped.categories == ["Availability", "Security"]
    assert set(statuses(scoped)) == {f"{framework}:CC1.1", f"{framework}:A1.1"}


def test_security_is_not_added_to_a_framework_that_is_not_soc2(store: GraphStore) -> None:
    b = GraphBuilder().framework().criterion("X", category="Security").criterion("Y", category="Governance")
    b.engagement("audit", as_of=day(1), categories=["Governance"]).write_to(store)
    assert report(store).categories == ["Governance"]


def test_reference_instant_type1_as_of_type2_period_end_or_now(store: GraphStore) -> None:
    b = GraphBuilder().framework().criterion("C1")
    b.engagement("t1", as_of=day(3))
    b.engagement("t2", kind="type2", period_start=day(-100), period_end=day(5))
    b.engagement("t2-open", kind="type2", period_start=day(-100), period_end=day(400))
    b.write_to(store)
    now = day(10)
    assert report(store, "t1", now).reference_instant == day(3)
    assert report(store, "t1", now).gaps is None
    assert report(store, "t2", now).reference_instant == day(5)
    assert report(store, "t2-open", now).reference_instant == now
    assert report(store, "t2-open").coverage.criteria[0].status.value == "UNCOVERED"


def test_type2_gap_counts_sum_the_in_scope_controls_behind_a_criterion(store: GraphStore) -> None:
    b = two_systems().control("k2", satisfies=["fw:C1"], applies_to=["mdl-a"])  # never collected: 3 gaps
    b.engagement("audit", kind="type2", period_start=day(-93), period_end=day(0), assets=["ep-a"]).write_to(store)
    scoped = report(store, now=day(1))
    gaps = {row.criterion_id: row.gap_count for row in scoped.coverage.criteria}
    # Monthly controls over 93 days: 3 intervals. k has evidence at day 0 (outside [start, end)): 3 gaps.
    assert gaps == {"fw:C1": 6, "fw:C2": 3, "fw:C3": 0}
    assert scoped.gaps is not None and {c.control_id for c in scoped.gaps.controls} == {"k", "k2", "solo"}


def test_all_categories_and_every_asset_equal_the_framework_answers(store: GraphStore) -> None:
    two_systems().engagement("all", as_of=day(1)).write_to(store)
    scoped = report(store, "all")
    assert statuses(scoped) == {r.criterion_id: r.status.value for r in coverage(store, "fw", day(1)).criteria}
    assert scoped.missing_evidence.rows == missing_evidence(store, day(1), "fw").rows


@pytest.mark.parametrize(
    ("fields", "field", "reason"),
    [
        ({"kind": "type2", "period_start": day(0), "period_end": day(1)}, "engagements[0].as_of", "type1 only"),
        ({"kind": "type2", "period_start": day(0), "period_end": day(-1)}, "engagements[0].period_end", "later"),
        ({"kind": "type1", "as_of": None}, "engagements[0].as_of", "required"),
        ({"kind": "type1", "period_start": day(0)}, "engagements[0].period_start", "type2 only"),
    ],
)
def test_malformed_engagements_name_the_field(fields: dict[str, Any], field: str, reason: str) -> None:
    item = {"id": "g", "name": "g", "framework": "fw", "as_of": day(0), **fields}
    with pytest.raises(InvalidInputError) as error:
        parse_bundle({"engagements": [item]})
    assert any(p.field == field and reason in p.reason for p in error.value.problems), error.value.problems


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"framework": "nope"}, "engagements[0].framework"),
        ({"assets": ["mdl-a", "ghost"]}, "engagements[0].assets[1]"),
        ({"categories": ["Ops", "Opps"]}, "engagements[0].categories[1]"),
    ],
)
def test_references_of_an_engagement_must_exist_and_nothing_is_written(
    store: GraphStore, fields: dict[str, Any], field: str
) -> None:
    GraphBuilder().framework().criterion("C1", category="Ops").asset("mdl-a").write_to(store)
    before = store.export()
    bad = GraphBuilder().asset("new").engagement("g", as_of=day(0), **fields).bundle()
    with pytest.raises(InvalidInputError) as error:
        store.write(bad)
    assert [p.field for p in error.value.problems] == [field]
    assert store.export() == before


def test_categories_and_assets_are_deduplicated() -> None:
    g = Engagement(
        id="g", name="g", framework="fw", kind="type1", as_of=day(0), categories=["A", "A"], assets=["x", "x"]
    )  # type: ignore[arg-type]
    assert (g.categories, g.assets) == (["A"], ["x"])


def test_deleting_an_asset_in_a_boundary_is_refused_naming_the_engagement(store: GraphStore) -> None:
    two_systems().engagement("audit", as_of=day(1), assets=["ep-a"]).write_to(store)
    before = store.export()
    with pytest.raises(ConflictError, match="engagement audit"):
        store.delete_asset("ep-a")
    assert store.export() == before
    store.delete_asset("ep-b")  # named by no engagement
    assert "ep-b" not in store.get_nodes(Label.ASSET, ["ep-b"])


def test_export_then_load_reproduces_engagements(store: GraphStore) -> None:
    b = two_systems().engagement("audit", kind="type2", period_start=day(-30), period_end=day(0), assets=["ep-a"])
    b.engagement("t1", as_of=day(1), categories=["Ops"]).criterion("C4", category="Ops").write_to(store)
    exported = store.export()
    assert [g.id for g in exported.engagements] == ["audit", "t1"]
    copy = EmbeddedStore()
    copy.write(Bundle.model_validate(exported.model_dump()))
    assert copy.export() == exported
    assert store.get_nodes(Label.ENGAGEMENT, ["audit"])["audit"] == exported.engagements[0]
