"""A carved-out control's verdict and rows at T, from the vendors it relies on (DESIGN.md
"Carved-out control"): both stores build them here from `(vendor id, report_valid_until)` pairs,
the Neo4j store after judging each report in Cypher."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from graph.model import ControlStatus, natural_key
from graph.queries.results import ControlAssetState, ControlVerdict
from graph.rules.evaluation import EvidenceState, vendor_report_state


def vendor_rows(
    control_id: str, reports: Iterable[tuple[str, datetime | None]], at: datetime
) -> list[ControlAssetState]:
    """One row per relied-on vendor without a valid report at `at`, in natural order of vendor."""
    rows = []
    for vendor_id, valid_until in sorted(reports, key=lambda r: natural_key(r[0])):
        state = vendor_report_state(valid_until, at)
        if state is not EvidenceState.OK:
            rows.append(
                ControlAssetState(
                    control_id=control_id, asset_id=None, state=state, since=valid_until, vendor_id=vendor_id
                )
            )
    return rows


def carved_out_verdict(control_id: str, assets: int, rows: Iterable[ControlAssetState]) -> ControlVerdict:
    failing: dict[EvidenceState, int] = {}
    for row in rows:
        failing[row.state] = failing.get(row.state, 0) + 1
    return ControlVerdict(control_id=control_id, status=ControlStatus.CARVED_OUT, assets=assets, failing=failing)
