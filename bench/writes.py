"""The writes themselves, timed: one evidence item recorded (as `recordEvidence` writes it) and a
change of the hub recorded with propagation (`recordChange`: the impact, then the changes).

Run last, after every question: they add evidence and changes to the org as generated.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from bench.synthetic import REFERENCE
from graph import queries
from graph.bundle import Bundle
from graph.model import ControlStatus, Evidence, EvidenceStatus
from graph.queries.results import ChangeRequest
from graph.store import GraphStore


def timed_calls(call: Callable[[int], Any], repeat: int, budget_s: float) -> list[float]:
    """`call(n)` for n = 1, 2, ... : at least 3 calls, up to `repeat` within `budget_s`."""
    samples: list[float] = []
    deadline = time.perf_counter() + budget_s
    n = 0
    while len(samples) < repeat and (len(samples) < 3 or time.perf_counter() < deadline):
        n += 1
        t0 = time.perf_counter()
        call(n)
        samples.append(time.perf_counter() - t0)
    return samples


def soc2_control(store: GraphStore, framework: str) -> str:
    """An implemented control satisfying a criterion of the framework."""
    return next(
        finding.control_id
        for row in queries.coverage(store, framework, REFERENCE).criteria
        for finding in row.controls
        if finding.status is ControlStatus.IMPLEMENTED
    )


def time_writes(
    store: GraphStore, framework: str, hub: str, repeat: int, budget_s: float, figures: Callable[..., dict[str, Any]]
) -> dict[str, Any]:
    """p50/p95 of `record_evidence` (one new accepted item of a control of `framework`, immutable
    as the API writes it) and of `record_change_hub` (a change of the hub, propagated)."""
    out: dict[str, Any] = {}
    control = soc2_control(store, framework)

    def record_evidence(n: int) -> None:
        item = Evidence(
            id=f"bench-record-evidence-{n}",
            title="Benchmark: one evidence item recorded",
            control=control,
            collected_at=REFERENCE - timedelta(minutes=n, seconds=30),
            status=EvidenceStatus.ACCEPTED,
        )
        store.write(Bundle(evidence=[item]), immutable_evidence=True)

    def record_change_hub(n: int) -> None:
        at = REFERENCE - timedelta(hours=n)
        queries.record_change(store, ChangeRequest(asset_id=hub, at=at, propagate=True, note="benchmark"))

    for name, call in (("record_evidence", record_evidence), ("record_change_hub", record_change_hub)):
        try:
            out[name] = figures(timed_calls(call, repeat, budget_s))
        except Exception as error:  # reported, not hidden; the run goes on
            out[name] = {"error": f"{type(error).__name__}: {str(error)[:300]}"}
    return out
