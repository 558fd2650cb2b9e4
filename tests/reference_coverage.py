"""An independent reference for coverage's criterion rules, written from DESIGN.md alone.

It reads a bundle (a store's export) and which controls are effective at T (the evidence rules,
which the differential test already holds equal across the stores), and applies "Criterion
status" (direct), "Criterion status through the crosswalk" and "Hierarchy and assessable
criteria" by their wording, with none of `graph.queries` or `graph.rules.evaluation`, so a store or a
query that drifts from the rule disagrees with it.

The hierarchy is read within one framework: a criterion's children are the criteria of its
framework whose parent it is (the write rules keep CHILD_OF inside a framework).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from graph.bundle import Bundle

COVERED, PARTIAL, UNCOVERED = "COVERED", "PARTIAL", "UNCOVERED"
_RANK = {UNCOVERED: 0, PARTIAL: 1, COVERED: 2}
# "s is r t" read from t's side.
_INVERSE = {
    "equal": "equal",
    "subset_of": "superset_of",
    "superset_of": "subset_of",
    "intersects_with": "intersects_with",
}


@dataclass(frozen=True)
class ReferenceCoverage:
    statuses: dict[str, str]  # criterion id -> status
    totals: dict[str, int]  # over the assessable criteria: total, covered, partial, uncovered
    controls: set[str]  # the controls the framework's coverage depends on (missing evidence's scope)
    carved_out: set[str]  # criteria judged directly whose implemented controls are all carved out


@dataclass(frozen=True)
class ReferenceCarveOuts:
    effective: dict[str, bool]  # carved-out control -> effective at T
    rows: set[tuple[str, str, str, datetime | None]]  # (control, vendor, reason, since) missing at T


def reference_carve_outs(bundle: Bundle, at: datetime) -> ReferenceCarveOuts:
    """DESIGN.md "Carved-out control" and "Missing evidence at T", by their wording: a carved-out
    control is effective at T when every vendor it relies on has `report_valid_until > T`; if not,
    one row per vendor without a valid report, VENDOR_REPORT_EXPIRED (since = report_valid_until)
    or VENDOR_REPORT_MISSING."""
    until = {v.id: v.report_valid_until for v in bundle.vendors}
    effective: dict[str, bool] = {}
    rows: set[tuple[str, str, str, datetime | None]] = set()
    for control in bundle.controls:
        if control.status.value != "carved_out":
            continue
        vendors = [link.target for link in bundle.relies_on if link.source == control.id]
        invalid = [v for v in vendors if until[v] is None or not until[v] > at]  # type: ignore[operator]
        effective[control.id] = not invalid
        for v in invalid:
            reason = "VENDOR_REPORT_MISSING" if until[v] is None else "VENDOR_REPORT_EXPIRED"
            rows.add((control.id, v, reason, until[v]))
    return ReferenceCarveOuts(effective=effective, rows=rows)


def reference_coverage(bundle: Bundle, framework: str, effective: dict[str, bool]) -> ReferenceCoverage:
    criteria = [c for c in bundle.criteria if c.framework == framework]
    ids = {c.id for c in criteria}
    status_of_control = {c.id: c.status.value for c in bundle.controls}
    satisfied_by: dict[str, list[str]] = {}
    for edge in bundle.satisfies:
        satisfied_by.setdefault(edge.target, []).append(edge.source)

    children = {c.id: [k.id for k in criteria if k.parent == c.id] for c in criteria}
    # Assessable: as the criterion says, else exactly the leaves.
    assessable = {c.id for c in criteria if (c.assessable if c.assessable is not None else not children[c.id])}

    def implemented_controls(criterion_id: str) -> list[str]:
        # Over the controls that SATISFY it, ignoring not_applicable and planned ones; carved-out
        # ones count as implemented.
        counted = ("implemented", "carved_out")
        return [k for k in satisfied_by.get(criterion_id, []) if status_of_control[k] in counted]

    def direct(criterion_id: str) -> str:
        implemented = implemented_controls(criterion_id)
        if not implemented:
            return UNCOVERED
        return COVERED if all(effective[k] for k in implemented) else PARTIAL

    def neighbours(criterion_id: str) -> list[tuple[str, str]]:
        """(n, rel) for each criterion n joined to c by MAPS_TO, read as "n is rel c"."""
        found = []
        for m in bundle.mappings:
            if m.target == criterion_id:
                found.append((m.source, m.relationship.value))
            if m.source == criterion_id:
                found.append((m.target, _INVERSE[m.relationship.value]))
        return found

    statuses: dict[str, str] = {}
    scope: set[str] = set()
    carved_out: set[str] = set()
    for c in criteria:
        if c.id not in assessable:
            continue
        if c.id in satisfied_by:  # it has a SATISFIES edge: judged on its own controls
            statuses[c.id] = direct(c.id)
            scope.update(satisfied_by[c.id])
            implemented = implemented_controls(c.id)
            if implemented and all(status_of_control[k] == "carved_out" for k in implemented):
                carved_out.add(c.id)
            continue
        best = UNCOVERED  # through the crosswalk; none gives UNCOVERED
        for n, rel in neighbours(c.id):
            candidate = direct(n)  # one hop: n's direct status
            if rel in ("subset_of", "intersects_with") and candidate == COVERED:
                candidate = PARTIAL
            best = max(best, candidate, key=_RANK.__getitem__)
            scope.update(satisfied_by.get(n, []))
        statuses[c.id] = best

    for c in criteria:
        if c.id in assessable:
            continue
        below: list[str] = []  # every assessable criterion under it, at any depth
        stack, seen = list(children[c.id]), set()
        while stack:
            k = stack.pop()
            if k in seen or k not in ids:
                continue
            seen.add(k)
            if k in assessable:
                below.append(statuses[k])
            stack.extend(children[k])
        if below and all(s == COVERED for s in below):
            statuses[c.id] = COVERED
        elif all(s == UNCOVERED for s in below):
            statuses[c.id] = UNCOVERED
        else:
            statuses[c.id] = PARTIAL

    counted = [statuses[c] for c in assessable]
    totals = {
        "total": len(counted),
        "covered": counted.count(COVERED),
        "partial": counted.count(PARTIAL),
        "uncovered": counted.count(UNCOVERED),
    }
    return ReferenceCoverage(statuses=statuses, totals=totals, controls=scope, carved_out=carved_out)
