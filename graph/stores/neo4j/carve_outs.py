"""Failing (control, asset or vendor) rows read back from Cypher: the evidence states of
`reads.CONTROL_STATES_OF` and the carved-out controls' vendor rows of `reads.CARVED_OUT_STATES_OF`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from neo4j import Record

from graph.queries.results import ControlAssetState
from graph.rules.evaluation import EvidenceState, from_micros

# Assets the control applies to, `[lo, hi)` in microseconds (None: unbounded), its vendor rows.
CarvedOut = tuple[int, int | None, int | None, list[ControlAssetState]]


def state_rows(control: str, rows: Iterable[list[Any]], *, by_vendor: bool = False) -> list[ControlAssetState]:
    """A control's failing rows as Cypher returns them, `[asset or vendor id, state, since µs]`
    and, for an asset, the oldest overdue finding's id (null unless OPEN_FINDINGS)."""
    return [
        ControlAssetState(
            control_id=control,
            asset_id=None if by_vendor else key,
            state=EvidenceState(state),
            since=None if since is None else from_micros(since),
            vendor_id=key if by_vendor else None,
            finding_id=finding[0] if finding else None,
        )
        for key, state, since, *finding in rows
    ]


def carved_out_records(records: Iterable[Record]) -> dict[str, CarvedOut]:
    return {
        r["control"]: (r["assets"], r["lo"], r["hi"], state_rows(r["control"], r["rows"], by_vendor=True))
        for r in records
    }
