"""Assessable criteria (DESIGN.md, "Hierarchy and assessable criteria"), on both stores.

A criterion is assessable when it states a requirement of its own: by default exactly the leaves,
unless the criterion says otherwise (an 800-53 base control with enhancements is assessable, its
family is not). Coverage counts assessable criteria, each judged on its own controls (or the
crosswalk); one that is not rolls up over the assessable criteria below it. Missing evidence for
a framework asks for the controls behind its assessable criteria only.
"""

from __future__ import annotations

import pytest

from graph.model import Criterion, Label
from graph.queries import coverage, evidence_gaps, missing_evidence
from graph.store import GraphStore
from tests.graphs import T0, GraphBuilder, day, rows_of, statuses

COVERED, PARTIAL, UNCOVERED = "COVERED", "PARTIAL", "UNCOVERED"


def catalog(*, flagged: bool = True) -> GraphBuilder:
    """An 800-53-like framework `nist`: family AC over AC-2 (with enhancement AC-2(1)) and AC-3.
    `flagged`: as an OSCAL import marks it (controls assessable, the family not); else unset."""

    def flag(value: bool) -> bool | None:
        return value if flagged else None

    b = GraphBuilder().framework("nist")
    b.criterion("AC", "nist", category="Access Control", assessable=flag(False))
    b.criterion("AC-2", "nist", parent="nist:AC", category="Access Control", assessable=flag(True))
    b.criterion("AC-2(1)", "nist", parent="nist:AC-2", category="Access Control", assessable=flag(True))
    b.criterion("AC-3", "nist", parent="nist:AC", category="Access Control", assessable=flag(True))
    return b


def with_status(b: GraphBuilder, criterion: str, status: str) -> GraphBuilder:
    """Give `nist:<criterion>` its own control, effective (COVERED) or not (PARTIAL); UNCOVERED: none."""
    if status != UNCOVERED:
        b.control(f"c-{criterion}", satisfies=[f"nist:{criterion}"])
        if status == COVERED:
            b.evidence(f"c-{criterion}", T0)
    return b


def test_a_control_mapped_to_a_base_control_with_enhancements_counts(store: GraphStore) -> None:
    with_status(catalog(), "AC-2", COVERED).write_to(store)
    report = coverage(store, "nist", day(1))
    assert statuses(report) == {
        "nist:AC": PARTIAL,
        "nist:AC-2": COVERED,
        "nist:AC-2(1)": UNCOVERED,
        "nist:AC-3": UNCOVERED,
    }
    assert report.totals.model_dump() == {"total": 3, "covered": 1, "partial": 0, "uncovered": 2}
    assert {c.category: c.total for c in report.by_category} == {"Access Control": 3}


def test_by_default_only_the_leaves_count_and_a_parents_own_control_does_not(store: GraphStore) -> None:
    with_status(catalog(flagged=False), "AC-2", COVERED).write_to(store)
    report = coverage(store, "nist", day(1))
    assert statuses(report) == {
        "nist:AC": UNCOVERED,
        "nist:AC-2": UNCOVERED,  # rolled up over AC-2(1), its own control ignored
        "nist:AC-2(1)": UNCOVERED,
        "nist:AC-3": UNCOVERED,
    }
    assert report.totals.total == 2
    assert {r.criterion_id for r in report.criteria if r.assessable} == {"nist:AC-2(1)", "nist:AC-3"}


def test_rows_tell_assessable_apart_from_leaf(store: GraphStore) -> None:
    catalog().write_to(store)
    report = coverage(store, "nist", day(1))
    assert {r.criterion_id: (r.is_leaf, r.assessable) for r in report.criteria} == {
        "nist:AC": (False, False),
        "nist:AC-2": (False, True),
        "nist:AC-2(1)": (True, True),
        "nist:AC-3": (True, True),
    }
    ac = next(r for r in report.criteria if r.criterion_id == "nist:AC")
    assert ac.reason == "0 of 3 assessable criteria below it covered" and ac.controls == []


@pytest.mark.parametrize(
    ("ac2", "ac2_1", "ac3", "family"),
    [
        (COVERED, COVERED, COVERED, COVERED),
        (UNCOVERED, UNCOVERED, UNCOVERED, UNCOVERED),
        (COVERED, UNCOVERED, COVERED, PARTIAL),
        (UNCOVERED, COVERED, UNCOVERED, PARTIAL),  # an enhancement under an assessable control counts too
        (PARTIAL, PARTIAL, PARTIAL, PARTIAL),
        (COVERED, COVERED, PARTIAL, PARTIAL),
    ],
)
def test_a_criterion_not_assessable_rolls_up_over_every_assessable_one_below_it(
    store: GraphStore, ac2: str, ac2_1: str, ac3: str, family: str
) -> None:
    b = catalog()
    for criterion, status in (("AC-2", ac2), ("AC-2(1)", ac2_1), ("AC-3", ac3)):
        with_status(b, criterion, status)
    b.write_to(store)
    found = statuses(coverage(store, "nist", day(1)))
    assert found == {"nist:AC": family, "nist:AC-2": ac2, "nist:AC-2(1)": ac2_1, "nist:AC-3": ac3}


def test_rolls_up_through_a_middle_criterion_that_is_not_assessable(store: GraphStore) -> None:
    b = GraphBuilder().framework("nist")
    b.criterion("AC", "nist", assessable=False).criterion("M", "nist", parent="nist:AC", assessable=False)
    b.criterion("L", "nist", parent="nist:M")
    with_status(b, "L", COVERED).write_to(store)
    assert statuses(coverage(store, "nist", day(1))) == {"nist:AC": COVERED, "nist:M": COVERED, "nist:L": COVERED}


def test_a_leaf_marked_not_assessable_counts_for_nothing(store: GraphStore) -> None:
    b = GraphBuilder().framework("fw").criterion("Note", assessable=False).criterion("C1")
    b.control("c-note", satisfies=["fw:Note"]).control("c1", satisfies=["fw:C1"]).evidence("c1", T0)
    b.write_to(store)
    report = coverage(store, "fw", day(1))
    assert statuses(report) == {"fw:Note": UNCOVERED, "fw:C1": COVERED}  # nothing assessable below it
    assert report.totals.model_dump() == {"total": 1, "covered": 1, "partial": 0, "uncovered": 0}
    assert [r.control_id for r in missing_evidence(store, day(1), "fw").rows] == []  # c-note is out of scope
    assert [r.control_id for r in missing_evidence(store, day(1)).rows] == ["c-note"]


def test_an_assessable_parent_without_controls_takes_the_crosswalk(store: GraphStore) -> None:
    b = catalog().framework("soc2").criterion("CC6.1", "soc2")
    b.control("c-soc", satisfies=["soc2:CC6.1"]).evidence("c-soc", T0)
    b.maps("soc2:CC6.1", "nist:AC-2", "equal").maps("soc2:CC6.1", "nist:AC", "equal")
    b.write_to(store)
    report = coverage(store, "nist", day(1))
    rows = {r.criterion_id: r for r in report.criteria}
    assert (rows["nist:AC-2"].status.value, rows["nist:AC-2"].derived) == (COVERED, True)
    # The family is not judged through its own mapping: it rolls up (AC-2 covered, the rest not).
    assert (rows["nist:AC"].status.value, rows["nist:AC"].derived, rows["nist:AC"].via) == (PARTIAL, False, [])


def test_missing_evidence_of_a_framework_asks_for_the_controls_of_its_assessable_criteria(store: GraphStore) -> None:
    b = catalog().asset("app")
    b.control("c-ac2", satisfies=["nist:AC-2"], applies_to=["app"])
    b.control("c-family", satisfies=["nist:AC"], applies_to=["app"])
    b.framework("soc2").criterion("CC6.1", "soc2").control("c-soc", satisfies=["soc2:CC6.1"])
    b.maps("soc2:CC6.1", "nist:AC-3", "subset_of").maps("nist:AC", "soc2:CC6.1", "equal")
    b.write_to(store)
    assert rows_of(missing_evidence(store, day(1), "nist")) == {
        ("c-ac2", "app", "NEVER_COLLECTED", None),  # AC-2 is assessable although it has an enhancement
        ("c-soc", None, "NEVER_COLLECTED", None),  # through AC-3's crosswalk; AC's own mapping does not count
    }
    gaps = evidence_gaps(store, day(-40), day(1), "nist")
    assert {c.control_id for c in gaps.controls} == {"c-ac2", "c-soc"}


def test_the_same_graph_without_flags_asks_for_the_leaves_controls_only(store: GraphStore) -> None:
    b = catalog(flagged=False).asset("app")
    b.control("c-ac2", satisfies=["nist:AC-2"], applies_to=["app"]).control("c-ac3", satisfies=["nist:AC-3"])
    b.write_to(store)
    assert rows_of(missing_evidence(store, day(1), "nist")) == {("c-ac3", None, "NEVER_COLLECTED", None)}


def test_the_flag_is_kept_as_given_and_exported(store: GraphStore) -> None:
    catalog().criterion("X", "nist").write_to(store)
    stored = store.get_nodes(Label.CRITERION, ["nist:AC", "nist:AC-2", "nist:X"])
    assert {k: v.assessable for k, v in stored.items() if isinstance(v, Criterion)} == {
        "nist:AC": False,
        "nist:AC-2": True,
        "nist:X": None,  # unset: the default rule decides
    }
    exported = {c.id: c.assessable for c in store.export().criteria}
    assert exported["nist:AC"] is False and exported["nist:AC-2(1)"] is True and exported["nist:X"] is None


def test_an_upsert_can_set_and_clear_the_flag(store: GraphStore) -> None:
    catalog().write_to(store)
    GraphBuilder().criterion("AC-2", "nist", parent="nist:AC", category="Access Control").write_to(store)
    (ac2,) = store.get_nodes(Label.CRITERION, ["nist:AC-2"]).values()
    assert isinstance(ac2, Criterion) and ac2.assessable is None
    assert coverage(store, "nist", day(1)).totals.total == 2  # back to the leaves: AC-2(1) and AC-3
