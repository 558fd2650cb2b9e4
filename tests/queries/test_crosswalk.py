"""crosswalk(source, target): the mappings between two frameworks, read from the source's side."""

from __future__ import annotations

import pytest

from graph.errors import NotFoundError
from graph.queries import crosswalk
from graph.queries.results import CrosswalkReport
from graph.store import GraphStore
from tests.graphs import GraphBuilder


def frameworks() -> GraphBuilder:
    b = GraphBuilder().framework("a").framework("b").framework("c")
    for n in ("1", "2", "3", "10"):
        b.criterion(n, fw="a").criterion(n, fw="b")
    b.criterion("1", fw="c")
    b.maps("a:1", "b:1", "subset_of", strength=7)  # stored from a
    b.maps("b:2", "a:2", "subset_of", strength=4)  # stored from b: a:2 is superset_of b:2
    b.maps("a:1", "b:2", "equal", strength=9)
    b.maps("b:3", "a:3", "intersects_with", strength=2)
    b.maps("a:10", "b:10", "superset_of", strength=5)
    b.maps("a:1", "c:1", "equal")  # another framework
    b.maps("b:1", "c:1", "equal")  # another pair of frameworks
    b.maps("a:1", "a:2", "intersects_with")  # within a
    b.data["mappings"][0]["rationale"] = "CC6.1 logical access is narrower than A.5.15"
    return b


def rows(report: CrosswalkReport) -> list[tuple[str, str, str, bool]]:
    return [(r.source, r.target, r.relationship.value, r.inverted) for r in report.rows]


def test_rows_are_oriented_from_the_source_framework(store: GraphStore) -> None:
    frameworks().write_to(store)
    report = crosswalk(store, "a", "b")
    assert (report.source_framework, report.target_framework) == ("a", "b")
    assert rows(report) == [
        ("a:1", "b:1", "subset_of", False),
        ("a:1", "b:2", "equal", False),
        ("a:2", "b:2", "superset_of", True),
        ("a:3", "b:3", "intersects_with", True),
        ("a:10", "b:10", "superset_of", False),
    ]


def test_the_other_way_round_inverts_what_a_stored(store: GraphStore) -> None:
    frameworks().write_to(store)
    assert rows(crosswalk(store, "b", "a")) == [
        ("b:1", "a:1", "superset_of", True),
        ("b:2", "a:1", "equal", True),
        ("b:2", "a:2", "subset_of", False),
        ("b:3", "a:3", "intersects_with", False),
        ("b:10", "a:10", "subset_of", True),
    ]


def test_strength_and_rationale_come_with_each_row(store: GraphStore) -> None:
    frameworks().write_to(store)
    report = crosswalk(store, "a", "b")
    by_pair = {(r.source, r.target): (r.strength, r.rationale) for r in report.rows}
    assert by_pair[("a:1", "b:1")] == (7, "CC6.1 logical access is narrower than A.5.15")
    assert by_pair[("a:2", "b:2")] == (4, "test mapping")
    assert by_pair[("a:1", "b:2")][0] == 9


def test_only_mappings_between_the_two_frameworks(store: GraphStore) -> None:
    frameworks().write_to(store)
    assert rows(crosswalk(store, "a", "c")) == [("a:1", "c:1", "equal", False)]
    assert rows(crosswalk(store, "c", "b")) == [("c:1", "b:1", "equal", True)]


def test_frameworks_without_mappings_have_no_rows(store: GraphStore) -> None:
    frameworks().framework("d").criterion("1", fw="d").write_to(store)
    assert crosswalk(store, "a", "d").rows == []


def test_a_remapped_pair_shows_the_new_relationship(store: GraphStore) -> None:
    frameworks().write_to(store)
    GraphBuilder().maps("a:1", "b:1", "equal", strength=10).write_to(store)
    report = crosswalk(store, "a", "b")
    [row] = [r for r in report.rows if (r.source, r.target) == ("a:1", "b:1")]
    assert (row.relationship.value, row.strength) == ("equal", 10)


@pytest.mark.parametrize(("source", "target", "field"), [("nope", "a", "source"), ("a", "nope", "target")])
def test_unknown_framework_is_not_found(store: GraphStore, source: str, target: str, field: str) -> None:
    frameworks().write_to(store)
    with pytest.raises(NotFoundError) as error:
        crosswalk(store, source, target)
    assert (error.value.label, error.value.node_id, error.value.field) == ("Framework", "nope", field)
