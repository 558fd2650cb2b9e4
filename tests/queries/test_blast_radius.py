"""blastRadius(asset, maxDepth): who depends on X, and what hangs off them."""

from __future__ import annotations

import pytest

from graph.errors import InvalidInputError, NotFoundError
from graph.queries import blast_radius
from graph.queries.results import BlastRadius
from graph.store import GraphStore
from tests.graphs import T0, GraphBuilder


def distances(radius: BlastRadius) -> dict[str, int]:
    return {a.asset_id: a.distance for a in radius.assets}


def dependency_graph() -> GraphBuilder:
    """Arrows read "depends on":

    A -> X, E -> X, E -> A          (E: one hop directly, two through A)
    B -> A, F -> E, F -> B          (F: two hops through E, three through B)
    C -> B, X -> C                  (a cycle X -> C -> B -> A -> X)
    X -> Y                          (Y is a dependency of X, not a dependent)
    Z                               (unrelated)
    """
    b = GraphBuilder().framework("fw").framework("other").framework("unrelated")
    b.criterion("1").criterion("2").criterion("1", fw="other").criterion("1", fw="unrelated")
    for asset in ("X", "A", "E", "B", "F", "C", "Y", "Z"):
        b.asset(asset)
    for source, target in [
        ("A", "X"),
        ("E", "X"),
        ("E", "A"),
        ("B", "A"),
        ("F", "E"),
        ("F", "B"),
        ("C", "B"),
        ("X", "C"),
        ("X", "Y"),
    ]:
        b.depends(source, target)
    b.vendor("v-a", provides=["A"]).vendor("v-y", provides=["Y"]).vendor("v-c", provides=["C"])
    b.control("ctl-x", satisfies=["fw:1"], applies_to=["X"])
    b.control("ctl-c", satisfies=["other:1"], applies_to=["C"])
    b.control("ctl-shared", satisfies=["fw:1"], applies_to=["X", "Y"])
    b.control("ctl-y", satisfies=["unrelated:1", "fw:2"], applies_to=["Y"])
    b.control("ctl-none", satisfies=["fw:2"])
    b.evidence("ctl-x", T0, eid="ev-x")
    b.evidence("ctl-c", T0, covers=["C"], eid="ev-c")
    b.evidence("ctl-shared", T0, eid="ev-shared-all")
    b.evidence("ctl-shared", T0, covers=["X"], eid="ev-shared-x")
    b.evidence("ctl-shared", T0, covers=["Y"], eid="ev-shared-y")
    b.evidence("ctl-shared", T0, covers=["X", "Y"], eid="ev-shared-xy")
    b.evidence("ctl-y", T0, eid="ev-y")
    b.evidence("ctl-none", T0, eid="ev-none")
    return b


def test_x_is_at_distance_zero_and_dependents_at_their_shortest_distance(store: GraphStore) -> None:
    dependency_graph().write_to(store)
    radius = blast_radius(store, "X")
    assert radius.asset_id == "X"
    assert radius.max_depth is None
    assert distances(radius) == {"X": 0, "A": 1, "E": 1, "B": 2, "F": 2, "C": 3}


def test_assets_are_ordered_by_distance_then_id(store: GraphStore) -> None:
    dependency_graph().write_to(store)
    assert [a.asset_id for a in blast_radius(store, "X").assets] == ["X", "A", "E", "B", "F", "C"]


def test_assets_at_one_distance_are_in_natural_order_of_id(store: GraphStore) -> None:
    b = GraphBuilder().asset("hub")
    names = ["svc-10", "svc-2", "svc-1", "svc-01", "model-3", "svc-b", "svc-a"]
    for name in names:
        b.asset(name).depends(name, "hub", "hosted_on")
    b.asset("caller-2").depends("caller-2", "svc-10", "calls").asset("caller-1").depends("caller-1", "svc-b", "calls")
    b.write_to(store)
    order = [a.asset_id for a in blast_radius(store, "hub").assets]
    # Numbers as numbers (2 before 10), ties of equal natural key broken by the id (svc-01 < svc-1).
    assert order == ["hub", "model-3", "svc-01", "svc-1", "svc-2", "svc-10", "svc-a", "svc-b", "caller-1", "caller-2"]


def test_direction_matters_dependencies_are_not_affected(store: GraphStore) -> None:
    dependency_graph().write_to(store)
    found = distances(blast_radius(store, "X"))
    assert "Y" not in found  # X depends on Y: a change of X does not reach Y
    assert "Z" not in found


def test_the_radius_of_a_dependency_includes_its_dependents(store: GraphStore) -> None:
    dependency_graph().write_to(store)
    assert distances(blast_radius(store, "Y")) == {"Y": 0, "X": 1, "A": 2, "E": 2, "B": 3, "F": 3, "C": 4}


def test_a_cycle_terminates_and_keeps_shortest_distances(store: GraphStore) -> None:
    dependency_graph().write_to(store)
    # C is in a cycle with X: from C's side, X is a dependent at 3 hops (X -> C directly: 1).
    assert distances(blast_radius(store, "C")) == {"C": 0, "X": 1, "A": 2, "E": 2, "B": 3, "F": 3}


def test_two_asset_cycle(store: GraphStore) -> None:
    GraphBuilder().asset("p").asset("q").depends("p", "q").depends("q", "p").write_to(store)
    assert distances(blast_radius(store, "p")) == {"p": 0, "q": 1}


@pytest.mark.parametrize(
    ("max_depth", "expected"),
    [
        (0, {"X": 0}),
        (1, {"X": 0, "A": 1, "E": 1}),
        (2, {"X": 0, "A": 1, "E": 1, "B": 2, "F": 2}),
        (3, {"X": 0, "A": 1, "E": 1, "B": 2, "F": 2, "C": 3}),
        (50, {"X": 0, "A": 1, "E": 1, "B": 2, "F": 2, "C": 3}),
    ],
)
def test_max_depth_limits_hops(store: GraphStore, max_depth: int, expected: dict[str, int]) -> None:
    dependency_graph().write_to(store)
    radius = blast_radius(store, "X", max_depth)
    assert distances(radius) == expected
    assert radius.max_depth == max_depth


def test_max_depth_keeps_the_shortest_distance_of_a_diamond(store: GraphStore) -> None:
    dependency_graph().write_to(store)
    # F is 2 hops away through E (and 3 through B): depth 2 reaches it at 2.
    assert distances(blast_radius(store, "X", 2))["F"] == 2


def test_what_hangs_off_the_whole_radius(store: GraphStore) -> None:
    dependency_graph().write_to(store)
    radius = blast_radius(store, "X")
    assert radius.controls == ["ctl-c", "ctl-shared", "ctl-x"]
    assert radius.criteria == ["fw:1", "other:1"]
    assert radius.frameworks == ["fw", "other"]
    assert radius.vendors == ["v-a", "v-c"]
    # Scoped evidence counts only if its scope includes an asset of the radius: ev-shared-y covers Y only.
    assert radius.evidence == ["ev-c", "ev-shared-all", "ev-shared-x", "ev-shared-xy", "ev-x"]


def test_what_hangs_off_a_shallow_radius(store: GraphStore) -> None:
    dependency_graph().write_to(store)
    radius = blast_radius(store, "X", 0)
    assert radius.controls == ["ctl-shared", "ctl-x"]
    assert radius.criteria == ["fw:1"]
    assert radius.frameworks == ["fw"]
    assert radius.vendors == []
    assert radius.evidence == ["ev-shared-all", "ev-shared-x", "ev-shared-xy", "ev-x"]
    one = blast_radius(store, "X", 1)
    assert one.vendors == ["v-a"]
    assert "ev-c" not in one.evidence  # C (and ctl-c's scoped evidence) is 3 hops away


def test_the_radius_of_y_includes_evidence_scoped_to_y(store: GraphStore) -> None:
    dependency_graph().write_to(store)
    radius = blast_radius(store, "Y", 0)
    assert radius.controls == ["ctl-shared", "ctl-y"]
    assert radius.criteria == ["fw:1", "fw:2", "unrelated:1"]
    assert radius.frameworks == ["fw", "unrelated"]
    assert radius.vendors == ["v-y"]
    assert radius.evidence == ["ev-shared-all", "ev-shared-xy", "ev-shared-y", "ev-y"]


def test_a_lone_asset_is_its_own_radius(store: GraphStore) -> None:
    dependency_graph().write_to(store)
    radius = blast_radius(store, "Z")
    assert distances(radius) == {"Z": 0}
    assert (radius.controls, radius.criteria, radius.frameworks, radius.vendors, radius.evidence) == (
        [],
        [],
        [],
        [],
        [],
    )


def test_unknown_asset_is_not_found(store: GraphStore) -> None:
    dependency_graph().write_to(store)
    with pytest.raises(NotFoundError) as error:
        blast_radius(store, "nope")
    assert (error.value.label, error.value.node_id, error.value.field) == ("Asset", "nope", "asset")


def test_a_control_id_is_not_an_asset(store: GraphStore) -> None:
    dependency_graph().write_to(store)
    with pytest.raises(NotFoundError):
        blast_radius(store, "ctl-x")


@pytest.mark.parametrize("max_depth", [-1, -100])
def test_negative_max_depth_is_invalid(store: GraphStore, max_depth: int) -> None:
    dependency_graph().write_to(store)
    with pytest.raises(InvalidInputError) as error:
        blast_radius(store, "X", max_depth)
    assert [p.field for p in error.value.problems] == ["maxDepth"]


def test_a_deleted_dependent_leaves_the_radius(store: GraphStore) -> None:
    dependency_graph().write_to(store)
    store.delete_asset("E")
    assert distances(blast_radius(store, "X")) == {"X": 0, "A": 1, "B": 2, "F": 3, "C": 3}
