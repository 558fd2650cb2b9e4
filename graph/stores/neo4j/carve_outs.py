"""The carved-out controls' answers read back from `reads.CARVED_OUT_STATES_OF`."""

from __future__ import annotations

from collections.abc import Iterable

from neo4j import Record

from graph.queries.results import ControlAssetState
from graph.rules.evaluation import EvidenceState, from_micros

# Assets the control applies to, `[lo, hi)` in microseconds (None: unbounded), its vendor rows.
CarvedOut = tuple[int, int | None, int | None, list[ControlAssetState]]


def carved_out_records(records: Iterable[Record]) -> dict[str, CarvedOut]:
    found: dict[str, CarvedOut] = {}
    for record in records:
        control = record["control"]
        rows = [
            ControlAssetState(
                control_id=control,
                asset_id=None,
                state=EvidenceState(state),
                since=None if since is None else from_micros(since),
                vendor_id=vendor,
            )
            for vendor, state, since in record["rows"]
        ]
        found[control] = (record["assets"], record["lo"], record["hi"], rows)
    return found
