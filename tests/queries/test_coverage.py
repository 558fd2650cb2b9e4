"""coverage(framework, asOf): the evidence rules, criterion status, the crosswalk rule, the hierarchy."""

from __future__ import annotations

from datetime import datetime

import pytest

from graph.errors import InvalidInputError, NotFoundError
from graph.model import ControlStatus, CoverageStatus, MappingRelationship
from graph.queries import coverage
from graph.queries.results import CoverageReport, CriterionCoverage, CrosswalkCandidate
from graph.store import GraphStore
from tests.graphs import EPS, T0, GraphBuilder, day, statuses

COVERED, PARTIAL, UNCOVERED = "COVERED", "PARTIAL", "UNCOVERED"

FREQUENCY_DAYS = [
    ("continuous", 1),
    ("daily", 1),
    ("weekly", 7),
    ("monthly", 31),
    ("quarterly", 92),
    ("semiannual", 183),
    ("annual", 366),
]


def one_criterion(**control: object) -> GraphBuilder:
    """Framework `fw` with criterion `fw:C1`, satisfied by control `c` (keyword arguments as for it)."""
    return GraphBuilder().framework("fw").criterion("C1").control("c", satisfies=["fw:C1"], **control)  # type: ignore[arg-type]


def status_at(store: GraphStore, at: datetime, criterion: str = "fw:C1", framework: str = "fw") -> str:
    return statuses(coverage(store, framework, at))[criterion]


def row(report: CoverageReport, criterion: str) -> CriterionCoverage:
    [found] = [r for r in report.criteria if r.criterion_id == criterion]
    return found


# -- validity window (an implemented control with valid evidence covers; else PARTIAL) ---------


def test_evidence_is_valid_exactly_at_collected_at(store: GraphStore) -> None:
    one_criterion().evidence("c", T0).write_to(store)
    assert status_at(store, T0) == COVERED


def test_evidence_collected_after_t_does_not_exist_as_of_t(store: GraphStore) -> None:
    one_criterion().evidence("c", T0).write_to(store)
    assert status_at(store, T0 - EPS) == PARTIAL


@pytest.mark.parametrize(("frequency", "days"), FREQUENCY_DAYS)
def test_evidence_without_valid_until_lasts_one_frequency_interval(
    store: GraphStore, frequency: str, days: int
) -> None:
    one_criterion(frequency=frequency).evidence("c", T0).write_to(store)
    assert status_at(store, day(days) - EPS) == COVERED
    assert status_at(store, day(days)) == PARTIAL


def test_valid_until_shorter_than_the_frequency_wins(store: GraphStore) -> None:
    one_criterion(frequency="annual").evidence("c", T0, valid_until=day(10)).write_to(store)
    assert status_at(store, day(10) - EPS) == COVERED
    assert status_at(store, day(10)) == PARTIAL
    assert status_at(store, day(200)) == PARTIAL


def test_valid_until_longer_than_the_frequency_wins(store: GraphStore) -> None:
    one_criterion(frequency="weekly").evidence("c", T0, valid_until=day(100)).write_to(store)
    assert status_at(store, day(50)) == COVERED
    assert status_at(store, day(100) - EPS) == COVERED
    assert status_at(store, day(100)) == PARTIAL


@pytest.mark.parametrize("status", ["pending", "rejected"])
def test_pending_and_rejected_evidence_is_never_valid(store: GraphStore, status: str) -> None:
    one_criterion().evidence("c", T0, status=status, valid_until=day(100)).write_to(store)
    assert status_at(store, T0) == PARTIAL
    assert status_at(store, day(1)) == PARTIAL


def test_any_one_valid_item_among_expired_ones_is_enough(store: GraphStore) -> None:
    one_criterion(frequency="weekly").evidence("c", day(-30)).evidence("c", day(-3)).write_to(store)
    assert status_at(store, T0) == COVERED


# -- staleness ----------------------------------------------------------------------------------


def stale_case(store: GraphStore, changed_at: datetime | None) -> None:
    (
        one_criterion(applies_to=["a"])
        .asset("a", changed_at=changed_at)
        .evidence("c", T0, valid_until=day(100))
        .write_to(store)
    )


def test_change_at_collected_at_is_not_stale(store: GraphStore) -> None:
    stale_case(store, T0)
    assert status_at(store, day(5)) == COVERED


def test_change_between_collection_and_t_is_stale(store: GraphStore) -> None:
    stale_case(store, day(2))
    assert status_at(store, day(5)) == PARTIAL


def test_change_exactly_at_t_is_stale(store: GraphStore) -> None:
    stale_case(store, day(5))
    assert status_at(store, day(5)) == PARTIAL


def test_change_after_t_is_not_stale_yet(store: GraphStore) -> None:
    stale_case(store, day(5))
    assert status_at(store, day(5) - EPS) == COVERED


def test_change_before_collection_is_not_stale(store: GraphStore) -> None:
    stale_case(store, day(-5))
    assert status_at(store, day(5)) == COVERED


def test_fresh_evidence_after_a_change_makes_it_effective_again(store: GraphStore) -> None:
    stale_case(store, day(2))
    GraphBuilder().evidence("c", day(3), eid="fresh").write_to(store)
    assert status_at(store, day(3) - EPS) == PARTIAL
    assert status_at(store, day(3)) == COVERED


def test_staleness_is_per_asset(store: GraphStore) -> None:
    (
        one_criterion(applies_to=["a", "b"])
        .asset("a", changed_at=day(2))
        .asset("b")
        .evidence("c", T0, eid="unscoped")
        .write_to(store)
    )
    report = coverage(store, "fw", day(5))
    assert row(report, "fw:C1").status is CoverageStatus.PARTIAL
    assert "1 stale" in row(report, "fw:C1").controls[0].reason


# -- evidence scope --------------------------------------------------------------------------


def test_evidence_without_covers_speaks_for_every_asset(store: GraphStore) -> None:
    one_criterion(applies_to=["a", "b", "c"]).asset("a").asset("b").asset("c").evidence("c", T0).write_to(store)
    assert status_at(store, day(1)) == COVERED


def test_evidence_with_covers_speaks_only_for_those_assets(store: GraphStore) -> None:
    one_criterion(applies_to=["a", "b"]).asset("a").asset("b").evidence("c", T0, covers=["a"]).write_to(store)
    assert status_at(store, day(1)) == PARTIAL
    GraphBuilder().evidence("c", T0, covers=["b"], eid="for-b").write_to(store)
    assert status_at(store, day(1)) == COVERED


def test_evidence_covering_several_assets_speaks_for_each(store: GraphStore) -> None:
    one_criterion(applies_to=["a", "b"]).asset("a").asset("b").evidence("c", T0, covers=["a", "b"]).write_to(store)
    assert status_at(store, day(1)) == COVERED


def test_scoped_evidence_for_an_asset_outside_the_control_is_refused(store: GraphStore) -> None:
    # DESIGN.md "Evidence scope": COVERS names only assets the control applies to.
    one_criterion(applies_to=["a"]).asset("a").asset("elsewhere").write_to(store)
    with pytest.raises(InvalidInputError, match="elsewhere"):
        GraphBuilder().evidence("c", T0, covers=["elsewhere"]).write_to(store)
    assert status_at(store, day(1)) == PARTIAL


def test_scoped_fresh_evidence_fixes_only_its_asset_after_a_change(store: GraphStore) -> None:
    (
        one_criterion(applies_to=["a", "b"])
        .asset("a", changed_at=day(2))
        .asset("b", changed_at=day(2))
        .evidence("c", T0, eid="old-unscoped")
        .evidence("c", day(3), covers=["a"], eid="fresh-for-a")
        .write_to(store)
    )
    assert status_at(store, day(4)) == PARTIAL  # b is still stale
    GraphBuilder().evidence("c", day(3), covers=["b"], eid="fresh-for-b").write_to(store)
    assert status_at(store, day(4)) == COVERED


# -- effective control ---------------------------------------------------------------------


def test_control_with_no_asset_needs_one_valid_item(store: GraphStore) -> None:
    one_criterion().write_to(store)
    assert status_at(store, day(1)) == PARTIAL
    GraphBuilder().evidence("c", T0).write_to(store)
    assert status_at(store, day(1)) == COVERED


def test_every_asset_needs_in_scope_evidence(store: GraphStore) -> None:
    (
        one_criterion(applies_to=["a", "b"])
        .asset("a")
        .asset("b")
        .evidence("c", T0, covers=["a"])
        .evidence("c", day(-60), covers=["b"])  # expired for b
        .write_to(store)
    )
    report = coverage(store, "fw", day(1))
    finding = row(report, "fw:C1").controls[0]
    assert finding.effective is False
    assert finding.reason == "not effective: 1 expired"


def test_effective_finding_explains_itself(store: GraphStore) -> None:
    one_criterion(applies_to=["a", "b"]).asset("a").asset("b").evidence("c", T0).write_to(store)
    finding = row(coverage(store, "fw", day(1)), "fw:C1").controls[0]
    assert finding.effective is True
    assert finding.status is ControlStatus.IMPLEMENTED
    assert finding.reason == "effective: valid, current evidence for all 2 assets"


def test_a_planned_control_with_valid_evidence_is_not_effective(store: GraphStore) -> None:
    one_criterion(status="planned").evidence("c", T0).write_to(store)
    report = coverage(store, "fw", day(1))
    assert row(report, "fw:C1").status is CoverageStatus.UNCOVERED
    assert row(report, "fw:C1").controls[0].effective is False


# -- criterion status (direct) ------------------------------------------------------------------


def criterion_with(store: GraphStore, controls: dict[str, tuple[str, bool]]) -> str:
    """fw:C1 satisfied by one control per entry: id -> (status, has valid evidence). Status at day 1."""
    b = GraphBuilder().framework("fw").criterion("C1")
    for cid, (status, evidenced) in controls.items():
        b.control(cid, status=status, satisfies=["fw:C1"])
        if evidenced:
            b.evidence(cid, T0, eid=f"ev-{cid}")
    b.write_to(store)
    return status_at(store, day(1))


@pytest.mark.parametrize(
    ("controls", "expected"),
    [
        ({"p": ("planned", True)}, UNCOVERED),
        ({"n": ("not_applicable", True)}, UNCOVERED),
        ({"p": ("planned", True), "n": ("not_applicable", True)}, UNCOVERED),
        ({"i": ("implemented", True)}, COVERED),
        ({"i": ("implemented", True), "j": ("implemented", True)}, COVERED),
        ({"i": ("implemented", True), "n": ("not_applicable", False)}, COVERED),
        ({"i": ("implemented", True), "p": ("planned", False)}, COVERED),
        ({"i": ("implemented", False)}, PARTIAL),
        ({"i": ("implemented", True), "j": ("implemented", False)}, PARTIAL),
        ({"i": ("implemented", False), "n": ("not_applicable", True), "p": ("planned", True)}, PARTIAL),
    ],
    ids=[
        "planned-only",
        "not-applicable-only",
        "planned-and-not-applicable",
        "one-effective",
        "all-effective",
        "effective-and-not-applicable-ignored",
        "effective-and-planned-ignored",
        "one-ineffective",
        "effective-and-ineffective",
        "ineffective-with-ignored-others",
    ],
)
def test_direct_status(store: GraphStore, controls: dict[str, tuple[str, bool]], expected: str) -> None:
    assert criterion_with(store, controls) == expected


def test_direct_status_is_not_derived(store: GraphStore) -> None:
    one_criterion().evidence("c", T0).write_to(store)
    r = row(coverage(store, "fw", day(1)), "fw:C1")
    assert (r.derived, r.via, r.reason) == (False, [], "1 of 1 implemented controls effective")


def test_no_implemented_control_reason(store: GraphStore) -> None:
    one_criterion(status="planned").write_to(store)
    r = row(coverage(store, "fw", day(1)), "fw:C1")
    assert r.reason == "no implemented control satisfies it"
    assert [f.reason for f in r.controls] == ["planned, not implemented"]


# -- crosswalk derivation -----------------------------------------------------------------------

# Framework `src` has src:S satisfied by control `c` (its direct status is set per test);
# framework `dst` has dst:T with no SATISFIES edge, so it takes its status through the crosswalk.


def crosswalk_graph(neighbour: str) -> GraphBuilder:
    """neighbour: the direct status wanted for src:S."""
    b = GraphBuilder().framework("src").framework("dst").criterion("S", fw="src").criterion("T", fw="dst")
    if neighbour == UNCOVERED:
        b.control("c", status="planned", satisfies=["src:S"])
    else:
        b.control("c", satisfies=["src:S"])
        if neighbour == COVERED:
            b.evidence("c", T0)
    return b


# (stored relationship, stored from src:S to dst:T?) -> how src:S relates to dst:T ("n is rel c")
READINGS = [
    ("equal", True, "equal"),
    ("equal", False, "equal"),
    ("subset_of", True, "subset_of"),
    ("subset_of", False, "superset_of"),
    ("superset_of", True, "superset_of"),
    ("superset_of", False, "subset_of"),
    ("intersects_with", True, "intersects_with"),
    ("intersects_with", False, "intersects_with"),
]
PASSES = {"equal": True, "superset_of": True, "subset_of": False, "intersects_with": False}


@pytest.mark.parametrize("neighbour", [COVERED, PARTIAL, UNCOVERED])
@pytest.mark.parametrize(
    ("stored", "forward", "reading"), READINGS, ids=[f"{s}-{'fwd' if f else 'rev'}" for s, f, _ in READINGS]
)
def test_crosswalk_derivation(store: GraphStore, stored: str, forward: bool, reading: str, neighbour: str) -> None:
    b = crosswalk_graph(neighbour)
    if forward:
        b.maps("src:S", "dst:T", stored)
    else:
        b.maps("dst:T", "src:S", stored)
    b.write_to(store)
    expected = neighbour if PASSES[reading] or neighbour != COVERED else PARTIAL
    report = coverage(store, "dst", day(1))
    r = row(report, "dst:T")
    assert r.status.value == expected
    assert r.derived is True
    assert r.controls == []
    assert r.via == [
        CrosswalkCandidate(
            criterion_id="src:S",
            relationship=MappingRelationship(reading),
            neighbour_status=CoverageStatus(neighbour),
            candidate=CoverageStatus(expected),
        )
    ]
    # The neighbour keeps its direct status, whatever the mapping.
    assert statuses(coverage(store, "src", day(1)))["src:S"] == neighbour


def test_crosswalk_reason_names_the_best_neighbour(store: GraphStore) -> None:
    crosswalk_graph(COVERED).maps("dst:T", "src:S", "subset_of").write_to(store)
    r = row(coverage(store, "dst", day(1)), "dst:T")
    assert r.reason == "through the crosswalk: src:S is a superset of it and is COVERED"


def test_the_best_candidate_wins(store: GraphStore) -> None:
    b = crosswalk_graph(COVERED)  # src:S COVERED
    b.criterion("U", fw="src").control("planned", status="planned", satisfies=["src:U"])  # src:U UNCOVERED
    b.criterion("V", fw="src").control("noevidence", satisfies=["src:V"])  # src:V PARTIAL
    b.maps("src:U", "dst:T", "equal").maps("src:S", "dst:T", "intersects_with").write_to(store)
    r = row(coverage(store, "dst", day(1)), "dst:T")
    assert r.status is CoverageStatus.PARTIAL
    assert [(v.criterion_id, v.candidate.value) for v in r.via] == [("src:S", PARTIAL), ("src:U", UNCOVERED)]
    GraphBuilder().maps("dst:T", "src:V", "subset_of").write_to(store)  # src:V is superset_of dst:T, PARTIAL
    assert status_at(store, day(1), "dst:T", "dst") == PARTIAL
    GraphBuilder().maps("dst:T", "src:S", "subset_of").write_to(store)  # a second edge: src:S is superset_of
    r = row(coverage(store, "dst", day(1)), "dst:T")
    assert r.status is CoverageStatus.COVERED
    assert {v.criterion_id for v in r.via} == {"src:S", "src:U", "src:V"}


def test_no_mapping_gives_uncovered_not_derived(store: GraphStore) -> None:
    crosswalk_graph(COVERED).write_to(store)
    r = row(coverage(store, "dst", day(1)), "dst:T")
    assert (r.status, r.derived, r.via) == (CoverageStatus.UNCOVERED, False, [])
    assert r.reason == "no control satisfies it and no crosswalk mapping reaches it"


def test_crosswalk_applies_only_without_any_satisfies_edge(store: GraphStore) -> None:
    # dst:T's only control is not applicable: it still has a SATISFIES edge, so its status is direct.
    b = crosswalk_graph(COVERED).control("na", status="not_applicable", satisfies=["dst:T"])
    b.maps("src:S", "dst:T", "equal").write_to(store)
    r = row(coverage(store, "dst", day(1)), "dst:T")
    assert (r.status, r.derived, r.via) == (CoverageStatus.UNCOVERED, False, [])
    assert [f.reason for f in r.controls] == ["not applicable: ignored"]


def test_a_criterion_with_its_own_ineffective_control_ignores_the_crosswalk(store: GraphStore) -> None:
    b = crosswalk_graph(COVERED).control("own", satisfies=["dst:T"])  # no evidence: PARTIAL
    b.maps("src:S", "dst:T", "equal").write_to(store)
    assert status_at(store, day(1), "dst:T", "dst") == PARTIAL


def test_crosswalk_is_one_hop_only(store: GraphStore) -> None:
    # src:S (COVERED) = dst:T = far:X: dst:T derives COVERED, far:X does not (dst:T's direct status is UNCOVERED).
    b = crosswalk_graph(COVERED).framework("far").criterion("X", fw="far")
    b.maps("src:S", "dst:T", "equal").maps("dst:T", "far:X", "equal").write_to(store)
    assert status_at(store, day(1), "dst:T", "dst") == COVERED
    r = row(coverage(store, "far", day(1)), "far:X")
    assert r.status is CoverageStatus.UNCOVERED
    assert r.derived is True
    assert [(v.criterion_id, v.neighbour_status.value) for v in r.via] == [("dst:T", UNCOVERED)]


def test_crosswalk_within_one_framework(store: GraphStore) -> None:
    b = GraphBuilder().framework("fw").criterion("A").criterion("B").control("c", satisfies=["fw:A"])
    b.evidence("c", T0).maps("fw:B", "fw:A", "equal").write_to(store)
    assert statuses(coverage(store, "fw", day(1))) == {"fw:A": COVERED, "fw:B": COVERED}


def test_crosswalk_follows_evidence_time(store: GraphStore) -> None:
    crosswalk_graph(COVERED).maps("src:S", "dst:T", "equal").write_to(store)  # monthly evidence at T0
    assert status_at(store, day(31) - EPS, "dst:T", "dst") == COVERED
    assert status_at(store, day(31), "dst:T", "dst") == PARTIAL


# -- hierarchy ------------------------------------------------------------------------------------

# R has children L1 and M; M has children L2 and L3. Leaves: L1, L2, L3.


def hierarchy(leaf_status: dict[str, str]) -> GraphBuilder:
    b = GraphBuilder().framework("fw")
    b.criterion("R", category="Root").criterion("L1", parent="fw:R", category="Access")
    b.criterion("M", parent="fw:R", category="Access")
    b.criterion("L2", parent="fw:M", category="Access").criterion("L3", parent="fw:M", category="Ops")
    for leaf, status in leaf_status.items():
        if status == UNCOVERED:
            continue
        b.control(f"c-{leaf}", satisfies=[f"fw:{leaf}"])
        if status == COVERED:
            b.evidence(f"c-{leaf}", T0)
    return b


@pytest.mark.parametrize(
    ("leaves", "root", "middle"),
    [
        ((COVERED, COVERED, COVERED), COVERED, COVERED),
        ((UNCOVERED, UNCOVERED, UNCOVERED), UNCOVERED, UNCOVERED),
        ((COVERED, UNCOVERED, UNCOVERED), PARTIAL, UNCOVERED),
        ((UNCOVERED, COVERED, COVERED), PARTIAL, COVERED),
        ((PARTIAL, PARTIAL, PARTIAL), PARTIAL, PARTIAL),
        ((COVERED, COVERED, UNCOVERED), PARTIAL, PARTIAL),
        ((UNCOVERED, PARTIAL, UNCOVERED), PARTIAL, PARTIAL),
    ],
)
def test_parent_rolls_up_its_leaves(store: GraphStore, leaves: tuple[str, str, str], root: str, middle: str) -> None:
    hierarchy(dict(zip(("L1", "L2", "L3"), leaves, strict=True))).write_to(store)
    found = statuses(coverage(store, "fw", day(1)))
    assert found == {"fw:R": root, "fw:M": middle, "fw:L1": leaves[0], "fw:L2": leaves[1], "fw:L3": leaves[2]}


def test_totals_and_categories_count_leaves_only(store: GraphStore) -> None:
    hierarchy({"L1": COVERED, "L2": PARTIAL, "L3": UNCOVERED}).write_to(store)
    report = coverage(store, "fw", day(1))
    assert report.totals.model_dump() == {"total": 3, "covered": 1, "partial": 1, "uncovered": 1}
    assert {c.category: (c.total, c.covered, c.partial, c.uncovered) for c in report.by_category} == {
        "Access": (2, 1, 1, 0),
        "Ops": (1, 0, 0, 1),
    }
    assert {r.criterion_id: r.is_leaf for r in report.criteria} == {
        "fw:R": False,
        "fw:M": False,
        "fw:L1": True,
        "fw:L2": True,
        "fw:L3": True,
    }
    assert row(report, "fw:R").reason == "1 of 3 assessable criteria below it covered"
    assert row(report, "fw:M").parent == "fw:R"


def test_a_parent_is_rolled_up_even_if_a_control_satisfies_it_directly(store: GraphStore) -> None:
    b = hierarchy({"L1": UNCOVERED, "L2": UNCOVERED, "L3": UNCOVERED})
    b.control("c-root", satisfies=["fw:R"]).evidence("c-root", T0).write_to(store)
    report = coverage(store, "fw", day(1))
    assert row(report, "fw:R").status is CoverageStatus.UNCOVERED
    assert report.totals.total == 3


def test_leaves_take_crosswalk_status_before_rolling_up(store: GraphStore) -> None:
    b = hierarchy({"L1": COVERED, "L2": COVERED, "L3": UNCOVERED})
    b.framework("other").criterion("O", fw="other").control("c-o", satisfies=["other:O"]).evidence("c-o", T0)
    b.maps("other:O", "fw:L3", "superset_of").write_to(store)
    found = statuses(coverage(store, "fw", day(1)))
    assert (found["fw:L3"], found["fw:M"], found["fw:R"]) == (COVERED, COVERED, COVERED)


# -- the report -----------------------------------------------------------------------------------


def test_unknown_framework_is_not_found(store: GraphStore) -> None:
    with pytest.raises(NotFoundError) as error:
        coverage(store, "nope", T0)
    assert (error.value.label, error.value.node_id, error.value.field) == ("Framework", "nope", "framework")


def test_framework_without_criteria_has_zero_totals(store: GraphStore) -> None:
    GraphBuilder().framework("fw").write_to(store)
    report = coverage(store, "fw", T0)
    assert report.criteria == []
    assert report.by_category == []
    assert report.totals.model_dump() == {"total": 0, "covered": 0, "partial": 0, "uncovered": 0}


def test_report_echoes_framework_and_time_and_orders_criteria_naturally(store: GraphStore) -> None:
    b = GraphBuilder().framework("fw")
    for ref in ("CC1.10", "CC1.2", "CC1.1", "CC10.1", "CC2.1"):
        b.criterion(ref)
    b.write_to(store)
    report = coverage(store, "fw", T0)
    assert (report.framework, report.as_of) == ("fw", T0)
    assert [r.ref for r in report.criteria] == ["CC1.1", "CC1.2", "CC1.10", "CC2.1", "CC10.1"]


def test_criteria_of_other_frameworks_are_not_listed(store: GraphStore) -> None:
    crosswalk_graph(COVERED).write_to(store)
    assert list(statuses(coverage(store, "src", day(1)))) == ["src:S"]


def test_a_child_of_cycle_does_not_hang(store: GraphStore) -> None:
    # Each criterion is the other's parent: written in two steps (each reference must exist).
    GraphBuilder().framework("fw").criterion("A").criterion("B", parent="fw:A").criterion("L", parent="fw:A").write_to(
        store
    )
    GraphBuilder().criterion("A", parent="fw:B").write_to(store)
    report = coverage(store, "fw", day(1))
    assert statuses(report)["fw:L"] == UNCOVERED
    assert report.totals.total == 1
