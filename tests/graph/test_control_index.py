"""The embedded store's per-control evidence index and remembered states never answer stale.

Each test asks its questions first (so indexes are built and states remembered), then changes
the graph in one way, and checks that the store answers exactly what a fresh store holding the
same graph answers, at several instants around the change.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph.errors import ConflictError
from graph.model import Label
from graph.stores.control_index import ControlIndex
from graph.stores.embedded import EmbeddedStore
from tests.graphs import GraphBuilder, day
from tests.invalidating_writes import CHANGES, INSTANTS, LAST, MONTHS, estate, link


def warm(store: EmbeddedStore) -> None:
    for at in [*INSTANTS, LAST]:
        answers(store, at)  # build every index and remember states


def answers(store: EmbeddedStore, at: datetime) -> dict[str, Any]:
    controls = sorted(n.id for n in store.list_nodes(Label.CONTROL, first=100))
    assets = sorted(n.id for n in store.list_nodes(Label.ASSET, first=100))
    return {
        "states": [s.model_dump() for s in store.control_states(None, at)],
        "verdicts": {k: v.model_dump() for k, v in store.control_verdicts(controls, at).items()},
        "counts": store.accepted_evidence_counts({c: MONTHS for c in controls}),
        "periods": store.accepted_evidence_periods(controls, day(-400), day(400)),
        "around": store.neighbourhood(assets).model_dump(),
        "around_a1": store.neighbourhood(["a1"]).model_dump(),
        "dependents": {a: store.dependents(a, None) for a in assets},
        "stale": [s.model_dump() for s in store.becoming_stale(assets, at)],
        "stale_a1_a3": [s.model_dump() for s in store.becoming_stale(["a1", "a3"], at)],
        "around_dependents_a1": store.neighbourhood(store.dependents("a1", None)).model_dump()
        if "a1" in assets
        else None,
    }


def fresh_copy(store: EmbeddedStore) -> EmbeddedStore:
    copy = EmbeddedStore()
    copy.write(store.export())
    return copy


def check_against_fresh(store: EmbeddedStore) -> None:
    fresh = fresh_copy(store)
    for at in [LAST, *INSTANTS]:
        assert answers(store, at) == answers(fresh, at), at


# Refused by the embedded store's SQLite guards whatever the write asks (recorded evidence is
# immutable there); the refusal must leave every remembered answer as it was.
REFUSED = {"evidence moves to another control"}


def apply(store: EmbeddedStore, change: str) -> None:
    if change in REFUSED:
        with pytest.raises(ConflictError, match="evidence is immutable"):
            CHANGES[change](store)
    else:
        CHANGES[change](store)


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_every_change_is_seen_at_once(change: str) -> None:
    store = estate().write_to(EmbeddedStore())
    warm(store)
    apply(store, change)
    check_against_fresh(store)


def test_changes_one_after_another_are_each_seen() -> None:
    store = estate().write_to(EmbeddedStore())
    for name in sorted(CHANGES):
        if name == "an asset is deleted":
            continue  # later changes name a3
        warm(store)
        # One after another, a later change may rewrite evidence an earlier one recorded (e-new):
        # refused, and the answers must stay those of a fresh store just the same.
        with contextlib.suppress(ConflictError):
            CHANGES[name](store)
        check_against_fresh(store)


MOVED_IN_PLACE = [
    "new scoped evidence",
    "new unscoped evidence",
    "new pending evidence",
    "new evidence and its review in one write",
    "new evidence and its correction in one write",
    "a correction supersedes an item",
    "review: an accepted item is rejected",
    "review: a pending item is accepted",
    "changes are recorded",
    "a change is back-dated before another",
    "the scope grows (APPLIES_TO added)",
    "an asset is deleted",
    # Findings move only the overdue windows laid over the timelines (graph/stores/finding_overlay.py).
    "a finding is first seen",
    "a finding is fixed by a later scan",
]


def counting_builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """From now on, the ids of the controls whose index (items and timelines) is built again."""
    from graph.stores.embedded import caches

    built: list[str] = []

    def counted(control: Any, *rest: Any) -> ControlIndex:
        built.append(control.id)
        return ControlIndex(control, *rest)

    monkeypatch.setattr(caches, "ControlIndex", counted)
    return built


@pytest.mark.parametrize("change", MOVED_IN_PLACE)
def test_a_write_moves_the_warm_timelines_in_place_not_rebuilt(change: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A write costs what it touches: no control's index (items and status timelines) is built
    again to answer after a new item, a review, a correction, a change or a scope edit."""
    store = estate().write_to(EmbeddedStore())
    warm(store)
    built = counting_builds(monkeypatch)
    apply(store, change)
    for at in [LAST, *INSTANTS]:
        answers(store, at)
    assert built == []
    check_against_fresh(store)


def test_an_overdue_finding_is_seen_when_its_asset_enters_a_warm_scope(monkeypatch: pytest.MonkeyPatch) -> None:
    """A finding on an asset outside every policy's scope moves nothing; once the asset enters
    the scope of a control with a policy (its timelines warm, not rebuilt), the finding holds the
    asset back there, exactly as a fresh store says."""
    store = estate().write_to(EmbeddedStore())
    warm(store)
    built = counting_builds(monkeypatch)
    store.write(GraphBuilder().finding("f-a4", "a4", day(-40)).bundle())  # overdue for k-scoped from day -10
    for at in [LAST, *INSTANTS]:
        answers(store, at)
    store.write(link("applies_to", "k-scoped", "a4"))
    rows = [s for s in store.control_states(["k-scoped"], day(0)) if s.asset_id == "a4"]
    assert [(s.state.value, s.finding_id, s.since) for s in rows] == [("OPEN_FINDINGS", "f-a4", day(-40))]
    for at in [LAST, *INSTANTS]:
        answers(store, at)
    assert built == []
    check_against_fresh(store)


def test_remembered_states_hold_only_between_the_instants_that_change_them() -> None:
    """Ask at one instant, then at every instant around each boundary: the same as a fresh store."""
    store = estate().write_to(EmbeddedStore())
    fresh = fresh_copy(store)
    boundaries = [day(-10), day(-5), day(-2), day(-10 + 31), day(-5 + 31), day(-20 + 92), day(0.2), day(1.2)]
    from tests.graphs import just_before

    for boundary in boundaries:
        for at in (just_before(boundary), boundary, just_before(boundary), boundary):
            assert answers(store, at) == answers(fresh, at), at


def test_a_supposed_change_is_not_remembered() -> None:
    from graph.store import Assumption

    store = estate().write_to(EmbeddedStore())
    at = day(1)
    before = store.control_states(None, at)
    supposed = store.control_states(None, at, Assumption(assets=frozenset({"a1"}), changed_at=day(0.9)))
    assert supposed != before
    assert store.control_states(None, at) == before


@given(st.lists(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 ._:/()\-]{0,12}", fullmatch=True), max_size=30))
def test_sort_keys_order_ids_as_the_neo4j_store_does(ids: list[str]) -> None:
    from graph.model import natural_key, order_key
    from graph.stores.control_index import id_of, sort_key

    assert all(sort_key(i) == order_key(i) and id_of(sort_key(i)) == i for i in ids)
    assert [id_of(k) for k in sorted(map(sort_key, ids))] == sorted(ids, key=lambda i: (natural_key(i), i))
