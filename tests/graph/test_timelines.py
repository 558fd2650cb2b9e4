"""Status timelines (graph/rules/timeline.py, count_timeline.py, control_timeline.py) equal the
evidence fold evaluated directly, at every breakpoint, a microsecond either side and at random
instants; and timelines kept current write by write equal those built from scratch."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from graph.rules.control_timeline import NO_ASSET, ControlTimelines
from graph.rules.evaluation import NO_INSTANT, EvidenceItem, evidence_state, fold
from graph.rules.timeline import CODE_OF, N_STATES, fold_timeline, pair_timeline

ASSETS = ["a1", "a2", "a3", "a4", "a5"]
instants = st.integers(0, 40)
items = st.tuples(instants, instants, st.integers(0, 2))  # end may fall before collected_at
covers = st.lists(st.sampled_from(ASSETS), max_size=3, unique=True)


def direct(items: Sequence[EvidenceItem], changes: Sequence[int], at: int) -> tuple[int, int]:
    """The fold at `at`, the way the stores evaluate it today, as (code, since)."""
    valid, expired, pending, rejected, _lo, _hi = fold(items, at)
    i = bisect_right(changes, at)
    state, since = evidence_state(valid, expired, pending, rejected, changes[i - 1] if i else None, at)
    return CODE_OF[state], NO_INSTANT if since is None else since


def probes(values: Sequence[int], extra: Sequence[int]) -> set[int]:
    return {v + d for v in values for d in (-1, 0, 1)} | set(extra)


@settings(max_examples=300)
@given(st.lists(items, max_size=8), st.lists(instants, max_size=4), st.lists(st.integers(-5, 50), max_size=5))
def test_a_pair_timeline_is_the_fold_at_every_instant(
    found: list[EvidenceItem], changes: list[int], extra: list[int]
) -> None:
    changes.sort()
    timeline = pair_timeline(fold_timeline(found), changes)
    breakpoints = [c for c, _e, _s in found] + [e for _c, e, _s in found] + changes
    for at in probes(breakpoints, extra):
        assert timeline.at(at) == direct(found, changes, at), at
        assert fold_timeline(found).at(at) == fold(found, at)[:4], at
    assert all(  # canonical: adjacent segments differ
        (timeline.codes[k], timeline.sinces[k]) != (timeline.codes[k + 1], timeline.sinces[k + 1])
        for k in range(len(timeline) - 1)
    )


Scene = tuple[set[str], dict[str, tuple[EvidenceItem, tuple[str, ...]]], dict[str, list[int]]]


def expected_counts(scene: Scene, at: int) -> tuple[int, ...]:
    assets, recorded, changes = scene
    counts = [0] * N_STATES
    if not assets:
        counts[direct([item for item, _c in recorded.values()], [], at)[0]] += 1
        return tuple(counts)
    for asset_id in assets:
        mine = [item for item, covered in recorded.values() if not covered or asset_id in covered]
        counts[direct(mine, changes.get(asset_id, []), at)[0]] += 1
    return tuple(counts)


def check(timelines: ControlTimelines, scene: Scene, extra: Sequence[int], final: bool = True) -> None:
    """Counts and every pair's state at the probes; `final`: the pair timelines too, brought up
    to date (not between writes, so later writes also meet pairs left out of date)."""
    assets, recorded, changes = scene
    breakpoints = [c for (c, _e, _s), _cov in recorded.values()] + [e for (_c, e, _s), _cov in recorded.values()]
    breakpoints += [c for moments in changes.values() for c in moments]
    for at in probes(breakpoints, extra):
        assert timelines.counts_at(at) == expected_counts(scene, at), at
        for asset_id in assets or [NO_ASSET]:
            mine = [i for i, covered in recorded.values() if not covered or asset_id in covered or not assets]
            assert timelines.state_at(asset_id, at) == direct(mine, changes.get(asset_id, []), at), (asset_id, at)
    fresh = ControlTimelines(assets, recorded, changes)
    if final:
        timelines.build()
    if timelines.built:  # a control made lazy has no timelines before `build`: its reads fold at T
        assert timelines.counts == fresh.counts
        assert timelines.plain == fresh.plain and timelines.plain_count == fresh.plain_count
    if final:
        assert timelines.settle() == fresh.settle()


write = st.one_of(
    st.tuples(st.just("add"), items, covers),
    st.tuples(st.just("remove"), st.integers(0, 20)),
    st.tuples(st.just("review"), st.integers(0, 20), st.integers(0, 2)),
    st.tuples(st.just("change"), st.sampled_from(ASSETS), instants),
    st.tuples(st.just("scope+"), st.sampled_from(ASSETS)),
    st.tuples(st.just("scope-"), st.sampled_from(ASSETS)),
)


@settings(max_examples=200, deadline=None)
@given(
    st.sets(st.sampled_from(ASSETS)),
    st.lists(st.tuples(items, covers), max_size=5),
    st.lists(write, max_size=12),
    st.lists(st.integers(-5, 50), max_size=4),
    st.integers(-1, 12),
)
def test_incremental_writes_equal_a_build_from_scratch(
    assets: set[str],
    initial: list[tuple[EvidenceItem, list[str]]],
    writes: list[tuple[Any, ...]],
    extra: list[int],
    build_at: int,
) -> None:
    """`build_at`: made lazy and built before that write (-1: built from the start), so writes
    meet a control not built yet, and one built in between."""
    recorded = {f"e{n}": (item, tuple(c)) for n, (item, c) in enumerate(initial)}
    changes: dict[str, list[int]] = {}
    timelines = ControlTimelines(set(assets), recorded, changes, lazy=build_at >= 0)
    scene: Scene = (assets, recorded, changes)
    check(timelines, scene, extra)
    for n, op in enumerate(writes):
        if n == build_at:
            timelines.build()
        kind = op[0]
        ids = sorted(recorded)
        if kind == "add":
            recorded[f"w{n}"] = (op[1], tuple(op[2]))
            timelines.add_item(f"w{n}", op[1], op[2])
        elif kind == "remove" and ids:
            del recorded[ids[op[1] % len(ids)]]
            timelines.remove_item(ids[op[1] % len(ids)])
        elif kind == "review" and ids:
            evidence_id = ids[op[1] % len(ids)]
            (collected, end, _status), covered = recorded[evidence_id]
            recorded[evidence_id] = ((collected, end, op[2]), covered)
            timelines.replace_item(evidence_id, (collected, end, op[2]))
        elif kind == "change":
            moments = changes.setdefault(op[1], [])
            moments.append(op[2])
            moments.sort()
            timelines.changes_moved([op[1]], op[2])  # moved from the new instant on
        elif kind == "scope+":
            assets.add(op[1])
            timelines.add_asset(op[1])
        elif kind == "scope-":
            assets.discard(op[1])
            timelines.remove_asset(op[1])
        check(timelines, scene, extra, final=n == len(writes) - 1)


@given(st.lists(st.tuples(items, covers), max_size=6), instants, instants, st.booleans())
def test_a_supposed_change_counts_as_if_it_were_recorded(
    initial: list[tuple[EvidenceItem, list[str]]], at: int, moment: int, lazy: bool
) -> None:
    recorded = {f"e{n}": (item, tuple(c)) for n, (item, c) in enumerate(initial)}
    changes: Mapping[str, list[int]] = {"a1": [3]}
    timelines = ControlTimelines(ASSETS, recorded, changes, lazy=lazy)
    moment = min(moment, at)  # a change is never after the instant asked about
    assumed = {"a1", "a2"}
    with_it = {a: [*changes.get(a, []), moment] if a in assumed else changes.get(a, []) for a in ASSETS}
    after = ControlTimelines(ASSETS, recorded, {a: sorted(m) for a, m in with_it.items()})
    # a1's own change at 3 is overridden, as `impact` supposes; compare only where it agrees.
    if moment >= 3:
        assert timelines.counts_assuming(at, assumed, moment) == after.counts_at(at)


# Mostly unscoped items, on a control whose assets mix scoped items and changes: one more unscoped
# item moves the counts by a rule per state code (graph/rules/item_moves.py) and leaves the pair
# timelines out of date until next needed, so the writes after it meet out-of-date pairs; and
# changes after every item, which move a pair without a fold (timeline.py `changed_from`).
unscoped_heavy = st.one_of(
    st.tuples(st.just("add"), items, st.just([])),
    st.tuples(st.just("add"), items, st.just([])),
    st.tuples(st.just("add"), items, covers),
    st.tuples(st.just("remove"), st.integers(0, 20)),
    st.tuples(st.just("review"), st.integers(0, 20), st.integers(0, 2)),
    st.tuples(st.just("change"), st.sampled_from(ASSETS), instants),
    # after every item (items are collected by 40): moved by `changed_from`, without a fold
    st.tuples(st.just("change"), st.sampled_from(ASSETS), st.integers(41, 60)),
    st.tuples(st.just("change"), st.sampled_from(ASSETS), st.integers(41, 60)),
    st.tuples(st.just("scope-"), st.sampled_from(ASSETS)),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(items, st.lists(st.sampled_from(ASSETS), min_size=1, max_size=3, unique=True)), max_size=5),
    st.dictionaries(st.sampled_from(ASSETS), st.lists(instants, min_size=1, max_size=2).map(sorted), max_size=3),
    st.lists(unscoped_heavy, min_size=1, max_size=10),
    st.lists(st.integers(-5, 50), max_size=4),
    st.integers(-1, 10),
)
def test_unscoped_items_on_mixed_pairs_equal_a_build_from_scratch(
    scoped: list[tuple[EvidenceItem, list[str]]],
    changes: dict[str, list[int]],
    writes: list[tuple[Any, ...]],
    extra: list[int],
    build_at: int,
) -> None:
    assets = set(ASSETS)
    recorded = {f"e{n}": (item, tuple(c)) for n, (item, c) in enumerate(scoped)}
    timelines = ControlTimelines(set(assets), recorded, changes, lazy=build_at >= 0)
    scene: Scene = (assets, recorded, changes)
    for n, op in enumerate(writes):
        if n == build_at:
            timelines.build()
        ids = sorted(recorded)
        if op[0] == "add":
            recorded[f"w{n}"] = (op[1], tuple(op[2]))
            timelines.add_item(f"w{n}", op[1], op[2])
        elif op[0] == "remove" and ids:
            del recorded[ids[op[1] % len(ids)]]
            timelines.remove_item(ids[op[1] % len(ids)])
        elif op[0] == "review" and ids:
            evidence_id = ids[op[1] % len(ids)]
            (collected, end, _status), covered = recorded[evidence_id]
            recorded[evidence_id] = ((collected, end, op[2]), covered)
            timelines.replace_item(evidence_id, (collected, end, op[2]))
        elif op[0] == "change":
            changes.setdefault(op[1], []).append(op[2])
            changes[op[1]].sort()
            timelines.changes_moved([op[1]], op[2])
        elif op[0] == "scope-" and len(assets) > 1:
            assets.discard(op[1])
            timelines.remove_asset(op[1])
        check(timelines, scene, extra, final=n == len(writes) - 1)


early_items = st.tuples(st.integers(0, 20), st.integers(0, 40), st.integers(0, 2))
after_items = st.one_of(
    st.tuples(st.just("add"), early_items, covers),
    st.tuples(st.just("change"), st.sampled_from(ASSETS), st.integers(21, 40)),
    st.tuples(st.just("change"), st.sampled_from(ASSETS), st.integers(21, 40)),
    st.tuples(st.just("change"), st.sampled_from(ASSETS), st.integers(0, 40)),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(early_items, covers), max_size=6),
    st.lists(after_items, min_size=1, max_size=10),
    st.lists(st.integers(-5, 50), max_size=4),
)
def test_changes_after_every_item_move_pairs_as_a_build_from_scratch(
    initial: list[tuple[EvidenceItem, list[str]]], writes: list[tuple[Any, ...]], extra: list[int]
) -> None:
    """Items collected by 20 and valid up to 40, changes mostly after every item (moved by
    timeline.py `changed_from`, no fold: valid pairs turn stale since the change), some among
    them (a refold), several on one asset."""
    assets = set(ASSETS[:4])
    recorded = {f"e{n}": (item, tuple(c)) for n, (item, c) in enumerate(initial)}
    changes: dict[str, list[int]] = {}
    timelines = ControlTimelines(set(assets), recorded, changes)
    scene: Scene = (assets, recorded, changes)
    for n, op in enumerate(writes):
        if op[0] == "add":
            recorded[f"w{n}"] = (op[1], tuple(op[2]))
            timelines.add_item(f"w{n}", op[1], op[2])
        else:
            changes.setdefault(op[1], []).append(op[2])
            changes[op[1]].sort()
            timelines.changes_moved([op[1]], op[2])
        check(timelines, scene, extra, final=n == len(writes) - 1)
