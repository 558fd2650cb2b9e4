"""What a store remembers must be dropped by every write that can change it: the small estate
both stores' memory tests start from, the instants they ask at, and the writes that must be seen
(tests/graph/test_control_index.py for the embedded store, tests/stores/test_neo4j_memo.py for Neo4j)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from graph.bundle import Bundle
from graph.store import GraphStore
from tests.graphs import GraphBuilder, changes_at, day

INSTANTS = [day(n) for n in (-40, -1, 0, 0.5, 1, 5, 29, 31, 33, 60, 95, 200)]
LAST = day(1)  # warmed up last, so the first instant checked after a change is one remembered
MONTHS = [(day(d), day(d + 30)) for d in range(-400, 400, 30)]  # period gaps' intervals, over every write


def estate() -> GraphBuilder:
    b = GraphBuilder().framework().criterion("C1").criterion("C2")
    for a in ("a1", "a2", "a3", "a4"):
        b.asset(a)
    b.depends("a2", "a1").depends("a3", "a2")
    b.control("k-scoped", frequency="monthly", satisfies=["fw:C1"], applies_to=["a1", "a2"])
    b.control("k-wide", frequency="quarterly", satisfies=["fw:C2"])
    b.control("k-daily", frequency="daily", satisfies=["fw:C2"], applies_to=["a3"])
    b.evidence("k-scoped", day(-10), covers=["a1"], eid="e-a1")
    b.evidence("k-scoped", day(-5), covers=["a2"], eid="e-a2")
    b.evidence("k-scoped", day(-50), eid="e-old")
    b.evidence("k-wide", day(-20), eid="e-wide")
    b.evidence("k-wide", day(-2), status="pending", eid="e-pending")
    b.evidence("k-daily", day(0.2), eid="e-daily")
    # Findings (DESIGN.md "Findings"): f-a2 is overdue for k-scoped from just after day 0.2; its
    # policy has no limit for low, so f-low holds nothing back until it gets one. The windows are
    # short, so the later writes of `test_the_changes_matter` are still seen. (None on a3: one
    # write deletes it.)
    b.policy("k-scoped", high=30, critical=1)
    b.finding("f-a2", "a2", day(-29.8))
    b.finding("f-low", "a2", day(-100), severity="low", fixed_at=day(-30))
    return b


def without_policies() -> GraphBuilder:
    """`estate()` with no finding policy: no finding can hold an asset back, so Neo4j reads every
    verdict from its stored timelines (a control whose findings may hold assets back is answered
    by the per-instant Cypher: graph/stores/neo4j/verdicts.py)."""
    builder = estate()
    for row in builder.data["controls"]:
        row.pop("finding_policy", None)
    return builder


def with_fields(builder: GraphBuilder, **fields: Any) -> GraphBuilder:
    """The builder with `fields` set on its last evidence item."""
    builder.data["evidence"][-1].update(fields)
    return builder


def link(name: str, source: str, target: str) -> Bundle:
    return Bundle.model_validate({name: [{"source": source, "target": target}]})


def review(evidence: str, decision: str, at: datetime) -> dict[str, Any]:
    return {"evidence": evidence, "decision": decision, "reviewer": "reviewer@example.com", "at": at}


def new_item_reviewed() -> Bundle:
    """A new item and its review in one write (the item is read once both are applied)."""
    data = GraphBuilder().evidence("k-scoped", day(0.6), covers=["a1"], status="pending", eid="e-reviewed").data
    return Bundle.model_validate({**data, "reviews": [review("e-reviewed", "rejected", day(0.65))]})


def new_item_and_its_correction() -> Bundle:
    """Two new items of a warm index in one write, the second correcting the first."""
    b = GraphBuilder().evidence("k-scoped", day(0.6), covers=["a2"], eid="e-wrong")
    b.evidence("k-scoped", day(0.62), covers=["a2"], status="rejected", eid="e-right")
    return with_fields(b, supersedes="e-wrong").bundle()


# Each write of `estate()` a store's memory must see at once.
CHANGES: dict[str, Callable[[GraphStore], Any]] = {
    "new unscoped evidence": lambda s: s.write(GraphBuilder().evidence("k-wide", day(0.7), eid="e-unscoped").bundle()),
    "new scoped evidence": lambda s: s.write(
        GraphBuilder().evidence("k-scoped", day(0.7), covers=["a2"], eid="e-new").bundle()
    ),
    "a correction supersedes an item": lambda s: s.write(
        with_fields(
            GraphBuilder().evidence("k-scoped", day(-9), covers=["a1"], eid="e-fix"), supersedes="e-a1"
        ).bundle(),
        immutable_evidence=True,
    ),
    "the scope grows (APPLIES_TO added)": lambda s: s.write(link("applies_to", "k-scoped", "a3")),
    "the control is planned now": lambda s: s.write(
        GraphBuilder().control("k-scoped", status="planned", frequency="monthly").bundle()
    ),
    "the frequency changes": lambda s: s.write(GraphBuilder().control("k-scoped", frequency="annual").bundle()),
    "an asset is written with a change": lambda s: s.write(GraphBuilder().asset("a1", changed_at=day(0.5)).bundle()),
    "changes are recorded": lambda s: s.write(changes_at(["a2", "a3"], day(0.4))),
    "a change is back-dated before another": lambda s: s.write(changes_at(["a1"], day(-0.5))),
    "an asset is deleted": lambda s: s.delete_asset("a3"),
    "evidence moves to another control": lambda s: s.write(
        # (an item without COVERS: k-wide applies to no asset, so e-a1 could not move there)
        GraphBuilder().evidence("k-scoped", day(-2), status="pending", eid="e-pending").bundle()
    ),
    "evidence is rejected on re-upsert": lambda s: s.write(
        GraphBuilder().evidence("k-wide", day(-20), status="rejected", eid="e-wide").bundle()
    ),
    "scope added to recorded evidence": lambda s: s.write(link("covers", "e-old", "a2")),
    "a dependency is added": lambda s: s.write(GraphBuilder().depends("a4", "a3").bundle()),
    # New items added to a warm index in place (the embedded store): as the API records them.
    "new evidence with a period, recorded immutably": lambda s: s.write(
        with_fields(
            GraphBuilder().evidence("k-scoped", day(0.6), covers=["a1", "a2"], eid="e-period"),
            period_start=day(-30),
            period_end=day(0.5),
        ).bundle(),
        immutable_evidence=True,
    ),
    "new evidence valid until a date": lambda s: s.write(
        GraphBuilder().evidence("k-daily", day(0.8), valid_until=day(3), covers=["a3"], eid="e-until").bundle(),
        immutable_evidence=True,
    ),
    "new pending evidence": lambda s: s.write(
        GraphBuilder().evidence("k-wide", day(0.3), status="pending", eid="e-new-pending").bundle()
    ),
    "new evidence and its review in one write": lambda s: s.write(new_item_reviewed(), immutable_evidence=True),
    "new evidence and its correction in one write": lambda s: s.write(
        new_item_and_its_correction(), immutable_evidence=True
    ),
    "review: an accepted item is rejected": lambda s: s.write(
        Bundle.model_validate({"reviews": [review("e-a2", "rejected", day(0.5))]})
    ),
    "review: a pending item is accepted": lambda s: s.write(
        Bundle.model_validate({"reviews": [review("e-pending", "accepted", day(0.5))]})
    ),
    # Scan results and finding policies.
    "a finding is first seen": lambda s: s.write(
        GraphBuilder().finding("f-new", "a1", day(-3), severity="critical", fixed_at=day(-0.5)).bundle()
    ),
    "a finding is fixed by a later scan": lambda s: s.write(
        GraphBuilder().finding("f-a2", "a2", day(-29.8), fixed_at=day(0.7)).bundle()
    ),
    "a finding policy gains a limit": lambda s: s.write(
        GraphBuilder().control("k-scoped", frequency="monthly").policy("k-scoped", high=30, critical=1, low=0).bundle()
    ),
}
