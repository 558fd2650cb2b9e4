"""Accepted evidence in a window, per control: the reads behind period gaps and samples
(split from store.py to keep it under the module size limit)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from neo4j import Record

from graph.queries.results import AcceptedItem
from graph.rules.evaluation import from_micros
from graph.stores.neo4j import reads
from graph.stores.neo4j import samples as sample_rules
from graph.stores.neo4j.values import to_db

Read = Callable[..., list[Record]]


def _window(ids: list[str], start: datetime, end: datetime) -> dict[str, Any]:
    return {"ids": ids, "start": to_db(start), "end": to_db(end)}


def times(read: Read, ids: list[str], start: datetime, end: datetime) -> dict[str, list[datetime]]:
    window = _window(ids, start, end)
    found = {r["id"]: r["times"] for r in (read(reads.ACCEPTED_EVIDENCE_TIMES, **window) if ids else [])}
    return {i: sorted(from_micros(t) for t in found.get(i, [])) for i in ids}


def periods(
    read: Read, ids: list[str], start: datetime, end: datetime
) -> dict[str, list[tuple[datetime, datetime, datetime]]]:
    window = _window(ids, start, end)
    found = {r["id"]: r["periods"] for r in (read(reads.ACCEPTED_EVIDENCE_PERIODS, **window) if ids else [])}
    return {
        i: sorted((from_micros(lo), from_micros(hi), from_micros(at)) for lo, hi, at in found.get(i, [])) for i in ids
    }


def items(read: Read, control_id: str, start: datetime, end: datetime) -> list[AcceptedItem]:
    found = read(sample_rules.ACCEPTED_EVIDENCE_ITEMS, id=control_id, start=to_db(start), end=to_db(end))
    return sample_rules.accepted_items(found)
