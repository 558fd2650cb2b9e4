"""One more change of a pair's asset moves its counts by rule (graph/rules/change_window.py)
exactly as folding the pair's timelines before and after the change does."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from graph.rules.change_window import ItemsAround, ok_to_stale
from graph.rules.count_timeline import Deltas, difference, moved_on
from graph.rules.evaluation import EvidenceItem
from graph.rules.timeline import OK, STALE, fold_timeline, pair_timeline, union_pair_timeline

# Items as (collected_at, end, status code), before and after the change; an end may fall before
# collected_at (an item never valid).
items = st.tuples(st.integers(0, 20), st.integers(0, 25), st.integers(0, 2))
changes = st.lists(st.integers(0, 20), max_size=4, unique=True).map(sorted)


def folded(shared: list[EvidenceItem], own: list[EvidenceItem] | None, before: list[int], at: int) -> Deltas:
    """The deltas as the general path finds them: both timelines folded from `at` on."""
    after = sorted({*before, at})
    unscoped = fold_timeline(shared)
    if own is None:
        old, new = pair_timeline(unscoped, before, at), pair_timeline(unscoped, after, at)
    else:
        mine = fold_timeline(own)
        old, new = union_pair_timeline(unscoped, mine, before, at), union_pair_timeline(unscoped, mine, after, at)
    deltas: Deltas = {}
    difference(old, new, 1, at, deltas)
    return deltas


def without_zeros(deltas: Deltas) -> dict[int, list[int]]:
    return {at: step for at, step in deltas.items() if any(step)}


@settings(max_examples=600, deadline=None)
@given(
    shared=st.lists(items, max_size=6),
    own=st.none() | st.lists(items, min_size=1, max_size=4),
    before=changes,
    at=st.integers(0, 20),
)
def test_one_more_change_turns_ok_into_stale_as_the_folds_do(
    shared: list[EvidenceItem], own: list[EvidenceItem] | None, before: list[int], at: int
) -> None:
    if at in before:  # a change at a known instant adds nothing: the caller skips the pair
        return
    by_rule: Deltas = {}
    windows = ok_to_stale(ItemsAround(shared, at), ItemsAround(own, at) if own else None, before, at)
    for start, end in windows:
        moved_on(by_rule, start, end, OK, STALE, 1)
    assert without_zeros(by_rule) == without_zeros(folded(shared, own, before, at))
    assert all(a < b for a, b in windows) and all(w[1] < v[0] for w, v in pairwise(windows))
