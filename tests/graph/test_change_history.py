"""Change history (DESIGN.md "Time is append-only", "Changes and staleness"), on both stores:
changed_at(a, T) is the latest change at or before T, changes are appended and never edited."""

from __future__ import annotations

from datetime import timedelta

import pytest

from graph.bundle import Bundle
from graph.errors import ConflictError, InvalidInputError
from graph.model import MAX_CLOCK_SKEW, Change, now_utc
from graph.queries import impact, missing_evidence
from graph.queries.results import ChangeRequest
from graph.store import GraphStore
from graph.stores.embedded import EmbeddedStore
from tests.graphs import EPS, T0, GraphBuilder, changed_at, changes_at, day, rows_of, unstamped


def estate() -> GraphBuilder:
    """Model `m`, under monthly control `c`, with evidence collected at T0."""
    return GraphBuilder().asset("m").control("c", frequency="monthly", applies_to=["m"]).evidence("c", T0, eid="e")


def reason(store: GraphStore, at: object) -> str | None:
    rows = [row for row in missing_evidence(store, at).rows if row.control_id == "c"]  # type: ignore[arg-type]
    return rows[0].reason.value if rows else None


def test_a_past_question_answers_the_same_before_and_after_a_later_change(store: GraphStore) -> None:
    estate().change("m", day(2)).write_to(store)
    before = [missing_evidence(store, day(t)).rows for t in (1, 3, 6)]
    store.write(changes_at(["m"], day(5)))
    assert [missing_evidence(store, day(t)).rows for t in (1, 3)] == before[:2]
    assert rows_of(missing_evidence(store, day(6))) == {("c", "m", "STALE", day(5))}  # since: the latest


def test_a_back_dated_change_makes_evidence_stale_and_nothing_undoes_it(store: GraphStore) -> None:
    estate().write_to(store)
    assert reason(store, day(10)) is None
    store.write(changes_at(["m"], day(3)))  # recorded now, about day 3
    assert reason(store, day(10)) == "STALE"
    store.write(GraphBuilder().asset("m").bundle())  # upsert without changed_at
    store.write(GraphBuilder().asset("m", changed_at=day(1)).bundle())  # with an older one: one more change
    store.write(estate().bundle(), immutable_evidence=True)  # the same bundle loaded again
    assert reason(store, day(10)) == "STALE"
    assert changed_at(store, "m", day(10)) == day(3)
    assert reason(store, day(1) - EPS) is None  # before the first change it was fresh, and still is


def test_staleness_uses_the_latest_change_at_or_before_t(store: GraphStore) -> None:
    # Evidence collected between two changes: fresh between them, stale from the second on.
    GraphBuilder().asset("m").control("c", frequency="monthly", applies_to=["m"]).change("m", day(1)).change(
        "m", day(5)
    ).evidence("c", day(3), eid="e").write_to(store)
    assert reason(store, day(3)) is None
    assert reason(store, day(5) - EPS) is None
    assert rows_of(missing_evidence(store, day(5))) == {("c", "m", "STALE", day(5))}
    assert rows_of(missing_evidence(store, day(9))) == {("c", "m", "STALE", day(5))}


def test_a_change_at_the_collection_instant_does_not_make_it_stale(store: GraphStore) -> None:
    estate().change("m", T0).change("m", T0, cid="chg-same-instant").write_to(store)
    assert reason(store, day(1)) is None
    assert store.count_changes("m") == 2  # two records at one instant stay two
    store.write(changes_at(["m"], day(1)))
    assert reason(store, day(1)) == "STALE"
    assert reason(store, day(1) - EPS) is None


def test_export_then_load_into_an_empty_store_reproduces_the_history(store: GraphStore) -> None:
    estate().change("m", day(1), kind="retrain").change("m", day(1), cid="chg-b").asset(
        "n", changed_at=day(2)
    ).write_to(store)
    store.write(Bundle(changes=[Change(id="chg-a", asset="n", at=day(3), note="why", propagated_from="m")]))
    exported = store.export()
    assert [(c.asset, c.at) for c in exported.changes] == [("m", day(1)), ("m", day(1)), ("n", day(2)), ("n", day(3))]
    assert all(a.changed_at is None for a in exported.assets)  # export lists changes, never the shorthand
    empty = emptied(store)
    empty.write(exported)
    assert empty.export() == exported  # stamps included: a change keeps its recorded_at / recorded_by
    empty.write(exported)  # loading it again appends nothing
    assert empty.export() == exported


def test_loading_the_same_bundle_twice_appends_nothing(store: GraphStore) -> None:
    bundle = estate().change("m", day(1)).asset("n", changed_at=day(2)).bundle()
    store.write(bundle)
    first = unstamped(store.export())
    store.write(bundle)
    assert unstamped(store.export()) == first
    assert store.count_changes("m") == 1 and store.count_changes("n") == 1


def test_an_edited_change_is_refused_whole(store: GraphStore) -> None:
    estate().write_to(store)
    store.write(Bundle(changes=[Change(id="chg-1", asset="m", at=day(1), note="first")]))
    before = store.export()
    edited = (
        GraphBuilder()
        .asset("new")
        .bundle()
        .model_copy(
            update={
                "changes": [
                    Change(id="chg-2", asset="new", at=day(1)),
                    Change(id="chg-1", asset="m", at=day(1), note="rewritten"),
                ]
            }
        )
    )
    with pytest.raises(ConflictError, match=r"changes\[1\]"):
        store.write(edited)
    assert store.export() == before
    store.write(Bundle(changes=[Change(id="chg-1", asset="m", at=day(1), note="first")]))  # the same: nothing
    assert store.export() == before


def test_a_change_in_the_future_is_refused(store: GraphStore) -> None:
    estate().write_to(store)
    before = store.export()
    later = now_utc() + MAX_CLOCK_SKEW + timedelta(minutes=1)
    with pytest.raises(InvalidInputError) as error:
        store.write(Bundle(changes=[Change(asset="m", at=day(1)), Change(asset="m", at=later)]))
    assert [p.field for p in error.value.problems] == ["changes[1].at"]
    assert store.export() == before


def test_a_change_of_an_unknown_asset_is_refused_but_not_one_from_a_deleted_one(store: GraphStore) -> None:
    """`propagated_from` is provenance: the asset a change came from may be gone (deleted since)."""
    estate().write_to(store)
    with pytest.raises(InvalidInputError) as error:
        store.write(
            Bundle(changes=[Change(asset="nope", at=day(1)), Change(asset="m", at=day(1), propagated_from="x")])
        )
    assert [p.field for p in error.value.problems] == ["changes[0].asset"]
    store.write(Bundle(changes=[Change(asset="m", at=day(1), propagated_from="x")]))
    assert [c.propagated_from for c in store.asset_changes("m", 10, None)] == ["x"]


def test_the_history_pages_newest_first(store: GraphStore) -> None:
    b = estate()
    for i, n in enumerate([3, 1, 2, 2]):
        b.change("m", day(n), cid=f"chg-{i}")
    b.write_to(store)
    first = store.asset_changes("m", 2)
    assert [(c.at, c.id) for c in first] == [(day(3), "chg-0"), (day(2), "chg-3")]
    rest = store.asset_changes("m", 5, first[-1].id)
    assert [(c.at, c.id) for c in rest] == [(day(2), "chg-2"), (day(1), "chg-1")]
    assert store.asset_changes("m", 5, "chg-1") == []
    assert store.count_changes("m") == 4
    assert store.latest_changes(["m", "none"], day(2) - EPS) == {"m": day(1)}
    assert store.latest_changes(["m"], day(2)) == {"m": day(2)}


def test_deleting_an_asset_removes_its_history(store: GraphStore) -> None:
    GraphBuilder().asset("m", changed_at=day(1)).asset("n", changed_at=day(1)).write_to(store)
    store.delete_asset("m")
    assert store.count_changes("m") == 0
    exported = store.export()
    assert [c.asset for c in exported.changes] == ["n"]
    empty = emptied(store)
    empty.write(exported)
    assert empty.export() == exported


def test_impact_reads_the_history_at_the_change_instant(store: GraphStore) -> None:
    # e expires exactly at day(31) (monthly): a change then finds it expired, not made stale.
    estate().asset("k").control("k-ctl", frequency="monthly", applies_to=["k"]).evidence(
        "k-ctl", T0, eid="k-e"
    ).write_to(store)
    assert impact(store, ChangeRequest(asset_id="m", at=day(31), propagate=False)).stale_evidence == []
    assert [s.evidence_id for s in impact(store, ChangeRequest(asset_id="m", at=day(4))).stale_evidence] == ["e"]
    # A later change in the history does not hide that a change at day 4 makes e stale then.
    store.write(changes_at(["m"], day(10)))
    assert [s.evidence_id for s in impact(store, ChangeRequest(asset_id="m", at=day(4))).stale_evidence] == ["e"]
    # A change at an instant the asset already changed at changes nothing.
    store.write(changes_at(["k"], day(4)))
    assert impact(store, ChangeRequest(asset_id="k", at=day(4))).stale_evidence == []


def emptied(store: GraphStore) -> GraphStore:
    """An empty store of the same backend: a new embedded one, or this Neo4j store cleared."""
    if isinstance(store, EmbeddedStore):
        return EmbeddedStore()
    store.clear()  # type: ignore[attr-defined]
    return store
