"""What a vendor's report lapsing would cost: the criteria that flip, per framework.

A carved-out control is effective at T while every vendor it relies on has `report_valid_until > T`
(DESIGN.md "Carved-out control"). `vendor_lapse(vendor, T)` supposes the vendor's report ended at T
and, through the same coverage plan and evaluation as `impact`, compares each framework around the
vendor's carved-out controls as recorded and as supposed, writing nothing.
"""

from __future__ import annotations

from datetime import datetime

from graph.errors import NotFoundError
from graph.model import Control, ControlStatus, Criterion, Label, Rel, Vendor, natural_key
from graph.queries.coverage import plan_coverage
from graph.queries.impact import coverage_deltas
from graph.queries.results import ControlVerdict, VendorLapseReport
from graph.store import GraphStore
from graph.stores.carve_outs import carved_out_verdict, vendor_rows


def vendor_lapse(store: GraphStore, vendor_id: str, at: datetime) -> VendorLapseReport:
    """The criteria that would change status at `at` if `vendor_id`'s report ended then.

    Parameters
    ----------
    store : GraphStore
        The graph to read.
    vendor_id : str
        The vendor; an unknown id raises `NotFoundError` (field `vendor`).
    at : datetime
        The instant the report is supposed to have lapsed at, and the coverage is judged at.

    Returns
    -------
    VendorLapseReport
        The carved-out controls relying on the vendor that would stop being effective, and per
        framework around them the criteria whose status moves and the totals before and after
        (a report already lapsed or missing at `at` moves nothing).

    Examples
    --------
    >>> vendor_lapse(store, "no-such-vendor", at)
    Traceback (most recent call last):
    ...
    graph.errors.NotFoundError: vendor: Vendor 'no-such-vendor' does not exist
    """
    if not store.get_nodes(Label.VENDOR, [vendor_id]):
        raise NotFoundError(Label.VENDOR.value, vendor_id, "vendor")
    relying = store.related(Rel.RELIES_ON, [vendor_id], reverse=True).get(vendor_id, [])
    controls = store.get_nodes(Label.CONTROL, relying).values()
    carved = sorted(
        (c.id for c in controls if isinstance(c, Control) and c.status is ControlStatus.CARVED_OUT), key=natural_key
    )
    if not carved:
        return VendorLapseReport(vendor_id=vendor_id, at=at, controls=[], frameworks=[])

    plans = [plan_coverage(store, f) for f in sorted(_frameworks_around(store, carved), key=natural_key)]
    control_ids = set().union(*(plan.control_ids for plan in plans))
    before = store.control_verdicts(control_ids, at) if control_ids else {}
    supposed = _lapsed_verdicts(store, carved, vendor_id, at, before)
    after = {**before, **supposed}
    flipped = [c for c in carved if c in before and before[c].effective and not after[c].effective]

    deltas = coverage_deltas(plans, at, before, after)
    return VendorLapseReport(vendor_id=vendor_id, at=at, controls=flipped, frameworks=deltas)


def _frameworks_around(store: GraphStore, control_ids: list[str]) -> set[str]:
    """The frameworks of the criteria the controls satisfy and of those mapped to them (their
    status may derive through the crosswalk)."""
    criteria = {c for ids in store.related(Rel.SATISFIES, control_ids).values() for c in ids}
    if not criteria:
        return set()
    mapped = store.mappings_touching(criteria)
    criteria |= {m.source for m in mapped} | {m.target for m in mapped}
    return {c.framework for c in store.get_nodes(Label.CRITERION, criteria).values() if isinstance(c, Criterion)}


def _lapsed_verdicts(
    store: GraphStore, control_ids: list[str], vendor_id: str, at: datetime, before: dict[str, ControlVerdict]
) -> dict[str, ControlVerdict]:
    """The carved-out controls' verdicts at `at` with `vendor_id`'s report ending at `at`."""
    relied = store.related(Rel.RELIES_ON, control_ids)
    vendors = store.get_nodes(Label.VENDOR, {v for ids in relied.values() for v in ids})

    def valid_until(v: str) -> datetime | None:
        report = vendors[v]
        assert isinstance(report, Vendor)
        # A report that never existed stays missing; one ending later is supposed to end now.
        if v == vendor_id and report.report_valid_until is not None:
            return min(report.report_valid_until, at)
        return report.report_valid_until

    verdicts = {}
    for control_id in control_ids:
        rows = vendor_rows(control_id, [(v, valid_until(v)) for v in relied.get(control_id, [])], at)
        assets = before[control_id].assets if control_id in before else 0
        verdicts[control_id] = carved_out_verdict(control_id, assets, rows)
    return verdicts
