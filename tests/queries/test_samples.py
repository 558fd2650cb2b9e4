"""Populations and samples of a Type II engagement (issue 14 item 1), on both stores: the
population's edges, the size rule, reproducible draws and the records that are never redrawn
silently."""

from __future__ import annotations

from typing import Any

import pytest

from graph.bundle import Bundle
from graph.errors import ConflictError, InvalidInputError, NotFoundError
from graph.model import DEFAULT_SAMPLE_SIZES, Frequency, Label, Sample
from graph.queries.engagement import get_engagement
from graph.queries.population import engagement_population
from graph.queries.sampling import SampleRequest, record_sample, recorded_samples
from graph.store import GraphStore
from tests.graphs import GraphBuilder, comparable, day


def audit(b: GraphBuilder, **fields: Any) -> GraphBuilder:
    """A type2 audit of `fw` over [day 0, day 93): three monthly intervals, boundary mdl-a."""
    return b.engagement("audit", kind="type2", period_start=day(0), period_end=day(93), assets=["mdl-a"], **fields)


def observed(eid: str, control: str, start: float, end: float, collected: float) -> dict[str, Any]:
    return {
        "id": eid,
        "title": eid,
        "control": control,
        "collected_at": day(collected),
        "period_start": day(start),
        "period_end": day(end),
        "status": "accepted",
    }


def edges_graph() -> Bundle:
    b = GraphBuilder().framework().criterion("C1").asset("mdl-a").asset("ep-b", kind="endpoint")
    b.control("k", satisfies=["fw:C1"], applies_to=["mdl-a", "ep-b"])
    b.evidence("k", day(0), eid="e-start")  # exactly at period start: in
    b.evidence("k", day(93), eid="e-end")  # exactly at period end: out
    b.evidence("k", day(5), eid="e-pending", status="pending")
    b.evidence("k", day(6), eid="e-rejected", status="rejected")
    b.evidence("k", day(7), eid="e-old")  # superseded below: out
    b.evidence("k", day(8), eid="e-far", covers=["ep-b"])  # only outside the boundary: out
    b.evidence("k", day(9), eid="e-both", covers=["ep-b", "mdl-a"])  # in
    audit(b)
    data = b.bundle().model_dump()
    data["evidence"] += [
        {**observed("e-new", "k", 1, 2, 10), "supersedes": "e-old", "period_start": None, "period_end": None},
        observed("e-obs", "k", 20, 40, 41),  # overlaps intervals 0 and 1
        observed("e-edge", "k", 50, 62, 62),  # ends exactly at interval 2's start: interval 1 only
        observed("e-before", "k", -20, 0, 0),  # ends exactly at the period's start: nothing
        observed("e-late", "k", 85, 100, 100),  # collected after the period: counts in the interval it overlaps
    ]
    return Bundle.model_validate(data)


def test_population_edges(store: GraphStore) -> None:
    store.write(edges_graph())
    population = engagement_population(store, get_engagement(store, "audit"), "k")
    assert population.keys == [
        "e-both",
        "e-edge@2026-07-02T00:00:00Z",
        "e-late@2026-08-02T00:00:00Z",
        "e-new",
        "e-obs@2026-06-01T00:00:00Z",
        "e-obs@2026-07-02T00:00:00Z",
        "e-start",
    ]
    obs = [u for u in population.units if u.evidence_id == "e-obs"]
    assert [(u.interval_start, u.interval_end) for u in obs] == [(day(0), day(31)), (day(31), day(62))]
    point = next(u for u in population.units if u.key == "e-start")
    assert (point.interval_start, point.interval_end, point.collected_at) == (None, None, day(0))


def test_population_refusals_name_the_field(store: GraphStore) -> None:
    b = GraphBuilder().framework().criterion("C1").criterion("C2", category="Other").asset("mdl-a")
    b.control("k", satisfies=["fw:C1"], applies_to=["mdl-a"]).control("x", satisfies=["fw:C2"])
    b.engagement("t1", as_of=day(1))
    audit(b, categories=[]).write_to(store)
    with pytest.raises(InvalidInputError) as refused:
        engagement_population(store, get_engagement(store, "t1"), "k")
    assert refused.value.problems[0].field == "engagement"
    with pytest.raises(NotFoundError) as missing:
        engagement_population(store, get_engagement(store, "audit"), "nope")
    assert missing.value.field == "control"
    outside = GraphBuilder().framework("fw2").criterion("D1", fw="fw2").control("y", satisfies=["fw2:D1"])
    outside.write_to(store)
    with pytest.raises(InvalidInputError) as out_of_scope:
        engagement_population(store, get_engagement(store, "audit"), "y")
    assert out_of_scope.value.problems[0].field == "control"


def many(frequencies: list[Frequency], count: int, **fields: Any) -> GraphBuilder:
    """One control per frequency, each with `count` accepted items in the period."""
    b = GraphBuilder().framework().criterion("C1").asset("mdl-a")
    for f in frequencies:
        b.control(f"c-{f.value}", frequency=f.value, satisfies=["fw:C1"], applies_to=["mdl-a"])
        for i in range(count):
            b.evidence(f"c-{f.value}", day(i * 3), eid=f"e-{f.value}-{i}")
    return audit(b, **fields)


def draw(store: GraphStore, control: str, seed: str = "s1", **fields: Any) -> Sample:
    return record_sample(store, SampleRequest("audit", control, seed, "auditor:ann", **fields))


def test_size_rule_at_every_frequency_and_with_an_override(store: GraphStore) -> None:
    many(list(Frequency), 30, sample_sizes={"weekly": 3, "annual": 4}).write_to(store)
    sizes = {f: draw(store, f"c-{f.value}").size for f in Frequency}
    expected = {**DEFAULT_SAMPLE_SIZES, Frequency.WEEKLY: 3, Frequency.ANNUAL: 4}
    assert sizes == expected
    assert DEFAULT_SAMPLE_SIZES == {
        Frequency.ANNUAL: 1,
        Frequency.SEMIANNUAL: 1,
        Frequency.QUARTERLY: 2,
        Frequency.MONTHLY: 2,
        Frequency.WEEKLY: 5,
        Frequency.DAILY: 25,
        Frequency.CONTINUOUS: 25,
    }


def test_never_more_than_the_population(store: GraphStore) -> None:
    many([Frequency.DAILY], 3).write_to(store)
    sample = draw(store, "c-daily")
    assert (sample.size, sample.population_size) == (3, 3)
    assert sample.items == ["e-daily-0", "e-daily-1", "e-daily-2"]


def test_reproducible_draws(store: GraphStore) -> None:
    many([Frequency.WEEKLY, Frequency.DAILY], 30).write_to(store)
    first = draw(store, "c-weekly", "alpha")
    again = engagement_population(store, get_engagement(store, "audit"), "c-weekly")
    from graph.queries.sampling import draw_keys

    assert draw_keys("alpha", "audit", "c-weekly", list(reversed(again.keys)), 5) == first.items
    # The same seed draws the same items on any store: fixed here, so both stores are held to it.
    assert first.items == draw_keys("alpha", "audit", "c-weekly", [f"e-weekly-{i}" for i in range(30)], 5)
    assert draw_keys("beta", "audit", "c-weekly", again.keys, 5) != first.items
    assert first.drawn_by == "auditor:ann" and first.seed == "alpha" and first.population_size == 30


def test_same_seed_is_idempotent_another_is_a_conflict_a_redraw_keeps_both(store: GraphStore) -> None:
    many([Frequency.WEEKLY], 30).write_to(store)
    first = draw(store, "c-weekly", "alpha")
    assert draw(store, "c-weekly", "alpha") == first
    before = comparable(store.export())
    with pytest.raises(ConflictError, match=r"^seed: .*never silently redrawn"):
        draw(store, "c-weekly", "beta")
    with pytest.raises(InvalidInputError) as no_reason:
        draw(store, "c-weekly", "beta", redraw=True)
    assert no_reason.value.problems[0].field == "reason"
    with pytest.raises(InvalidInputError) as bad_seed:
        draw(store, "c-weekly", "")
    assert bad_seed.value.problems[0].field == "seed"
    assert comparable(store.export()) == before  # refused: nothing written
    second = draw(store, "c-weekly", "beta", redraw=True, reason="first selection lost a unit to a typo")
    assert second.redraw_of == first.id and second.reason == "first selection lost a unit to a typo"
    assert [s.id for s in recorded_samples(store, "audit", "c-weekly")] == [first.id, second.id]
    assert draw(store, "c-weekly", "beta") == second  # the current sample is the redraw


def test_samples_are_append_only_and_round_trip(store: GraphStore) -> None:
    many([Frequency.WEEKLY], 30).write_to(store)
    first = draw(store, "c-weekly", "alpha")
    before = comparable(store.export())
    edited = first.model_copy(update={"items": first.items[:1]})
    with pytest.raises(ConflictError, match=r"samples\[0\]\.items"):
        store.write(Bundle(samples=[edited]), immutable_evidence=True)
    assert comparable(store.export()) == before
    store.write(Bundle(samples=[first.model_copy(update={"drawn_by": "someone"})]), immutable_evidence=True)
    assert store.get_nodes(Label.SAMPLE, [first.id])[first.id] == first  # a retry keeps the first record
    exported = store.export()
    assert exported.samples == [first]
    assert [e.sample_sizes for e in exported.engagements] == [{}]


def test_engagement_sample_sizes_are_validated_naming_the_field() -> None:
    from graph.bundle import parse_bundle

    data = audit(GraphBuilder().framework()).bundle().model_dump(mode="json")
    data["engagements"][0]["sample_sizes"] = {"weekly": 0, "hourly": 2}
    with pytest.raises(InvalidInputError) as refused:
        parse_bundle(data)
    fields = {p.field for p in refused.value.problems}
    assert any(f.startswith("engagements[0].sample_sizes.weekly") for f in fields), fields
    assert any("hourly" in f for f in fields), fields
    # Null means no override (the GraphQL input's default: a JSON {} has no GraphQL literal).
    data["engagements"][0]["sample_sizes"] = None
    assert parse_bundle(data).engagements[0].sample_sizes == {}


def test_the_demo_sample_is_the_draw_of_its_seed_on_the_rebased_demo(store: GraphStore) -> None:
    from graph.model import now_utc
    from graph.seeds import DEMO_REFERENCE, SEEDS_DIR, load_seed_bundle, rebase_dates

    store.write(rebase_dates(load_seed_bundle(SEEDS_DIR), DEMO_REFERENCE, now_utc()), immutable_evidence=True)
    [recorded] = recorded_samples(store, "soc2-type2-model-serving", "AGC-CHG-02")
    assert recorded.id == "smp-demo-agc-chg-02" and recorded.drawn_at <= now_utc()
    population = engagement_population(store, get_engagement(store, recorded.engagement), recorded.control)
    assert recorded.population_size == len(population.keys) > recorded.size == 2
    assert set(recorded.items) <= set(population.keys)
    from graph.queries.sampling import draw_keys

    assert draw_keys(recorded.seed, recorded.engagement, recorded.control, population.keys, 2) == recorded.items
    # Drawing again with the recorded seed returns the recorded sample, unchanged.
    assert record_sample(store, SampleRequest(recorded.engagement, recorded.control, recorded.seed)) == recorded


def test_both_stores_draw_the_same_items_from_the_same_graph(store: GraphStore) -> None:
    from graph.stores.embedded import EmbeddedStore

    reference = EmbeddedStore()
    for target in (store, reference):
        store_graph = many([Frequency.DAILY], 30)
        target.write(store_graph.bundle())
    try:
        here, there = draw(store, "c-daily", "same"), draw(reference, "c-daily", "same")
        assert (here.id, here.items, here.population_size) == (there.id, there.items, there.population_size)
        assert len(here.items) == 25
    finally:
        reference.close()


def test_a_second_first_draw_or_a_fork_is_refused_by_the_write_itself(store: GraphStore) -> None:
    """What a race of two draws would write: refused whole in the write's transaction."""
    many([Frequency.WEEKLY], 30).write_to(store)
    first = draw(store, "c-weekly", "alpha")
    before = comparable(store.export())
    rival = first.model_copy(update={"id": "smp-rival", "seed": "beta"})
    with pytest.raises(ConflictError, match=r"^samples\[0\]\.seed: .*never silently redrawn"):
        store.write(Bundle(samples=[rival]), immutable_evidence=True)
    one = first.model_copy(update={"id": "smp-r1", "seed": "b", "redraw_of": first.id, "reason": "r"})
    two = first.model_copy(update={"id": "smp-r2", "seed": "c", "redraw_of": first.id, "reason": "r"})
    with pytest.raises(ConflictError, match=r"^samples\[1\]\.redraw_of: "):
        store.write(Bundle(samples=[one, two]), immutable_evidence=True)
    assert comparable(store.export()) == before
    store.write(Bundle(samples=[one]), immutable_evidence=True)  # one redraw of the latest: recorded
    assert [s.id for s in recorded_samples(store, "audit", "c-weekly")] == [first.id, "smp-r1"]
