"""Hypothesis strategies for random graphs that stress the rules of DESIGN.md ("Semantics").

Times cluster on the edges that matter: evidence collected exactly at T, ending exactly at T
(collected one frequency interval before T, or `valid_until == T`), a microsecond either side,
and assets changed just before, at or after their evidence. Ids are numbered so that natural
order and plain string order differ (`as-2` < `as-10`), and never tie (`x1` / `x01`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from graph.bundle import Bundle
from graph.model import (
    FREQUENCY_DAYS,
    MAX_CLOCK_SKEW,
    AssetKind,
    ChangeKind,
    ControlStatus,
    DependencyKind,
    EvidenceStatus,
    Frequency,
    MappingRelationship,
    ReportKind,
    Severity,
)
from graph.queries.results import ChangeRequest

# Every instant drawn lies within 400 days of T, and stores refuse instants past their clock.
T = datetime(2025, 6, 1, tzinfo=UTC)
US = timedelta(microseconds=1)

# Day offsets from T: the window edges of every frequency, on both sides.
_EDGE_DAYS = sorted({0, *FREQUENCY_DAYS.values(), *(-d for d in FREQUENCY_DAYS.values()), -400, -45, -3, 2, 45})
# Half the draws land just before T, where evidence is valid and changes make it stale.
_RECENT_DAYS = [-2, -1, 0]
offsets = st.tuples(
    st.sampled_from(_EDGE_DAYS) | st.sampled_from(_RECENT_DAYS),
    st.sampled_from([-US, timedelta(0), timedelta(0), US]),
)


def instants() -> st.SearchStrategy[datetime]:
    return offsets.map(lambda o: T + timedelta(days=o[0]) + o[1])


# What is recorded (evidence collected, an asset changed) never lies in the future, or the write
# rules refuse the whole graph: T + 92 days is already past, whenever the tests run.
_RECORDED_LATEST = T + timedelta(days=92)


def recorded_instants() -> st.SearchStrategy[datetime]:
    return instants().filter(lambda t: t <= _RECORDED_LATEST)


@dataclass
class GraphCase:
    """A graph to write, a second bundle re-upserting some of its nodes, and what to ask."""

    bundle: Bundle
    update: Bundle
    frameworks: list[str]
    assets: list[str]
    controls: list[str]
    times: list[datetime]
    changes: list[ChangeRequest] = field(default_factory=list)


def _subset(draw: st.DrawFn, items: list[str], max_size: int | None = None) -> list[str]:
    if not items:
        return []
    limit = len(items) if max_size is None else max_size
    return draw(st.lists(st.sampled_from(items), unique=True, max_size=limit))


def _pairs(draw: st.DrawFn, sources: list[str], targets: list[str], max_size: int) -> list[tuple[str, str]]:
    if not sources or not targets:
        return []
    pairs = st.tuples(st.sampled_from(sources), st.sampled_from(targets)).filter(lambda p: p[0] != p[1])
    return draw(st.lists(pairs, unique=True, max_size=max_size))


@st.composite
def graph_cases(draw: st.DrawFn) -> GraphCase:
    n_frameworks = draw(st.integers(2, 3))
    frameworks = [f"fw-{i}" for i in range(1, n_frameworks + 1)]
    data: dict[str, list[dict[str, Any]]] = {name: [] for name in Bundle.model_fields if name != "format"}

    for fid in frameworks:
        data["frameworks"].append({"id": fid, "name": fid.upper()})
    criteria: list[str] = []
    criterion_rows: dict[str, dict[str, Any]] = {}
    for fid in frameworks:
        mine: list[str] = []
        for i in range(1, draw(st.integers(1, 6)) + 1):
            cid = f"{fid}:C{i}"
            # A parent drawn among the earlier criteria of the framework keeps the hierarchy acyclic.
            parent = draw(st.none() | st.sampled_from(mine)) if mine else None
            row = {
                "id": cid,
                "ref": f"C{i}",
                "title": f"Criterion {i}",
                "framework": fid,
                "parent": parent,
                "category": draw(st.sampled_from(["", "access", "change"])),
                # Unset (the leaves rule) most often; else as a catalog says, parents included.
                "assessable": draw(st.sampled_from([None, None, True, False])),
            }
            data["criteria"].append(row)
            criterion_rows[cid] = row
            mine.append(cid)
        criteria.extend(mine)

    assets = [f"as-{i}" for i in range(1, draw(st.integers(1, 11)) + 1)]
    for number, aid in enumerate(assets, start=1):
        # Identifiers unique per asset, in spellings the stores must normalise alike.
        identifiers = [
            {"kind": "hostname", "value": f"{aid.upper()}.Example."},
            {"kind": "ip", "value": f"10.0.0.{number}"},
            {"kind": "purl", "value": f"pkg:PyPI/{aid}@1"},
        ]
        data["assets"].append(
            {
                "id": aid,
                "kind": draw(st.sampled_from(list(AssetKind))).value,
                "name": aid,
                "changed_at": draw(st.none() | recorded_instants()),
                "identifiers": draw(st.lists(st.sampled_from(identifiers), unique_by=lambda i: i["kind"], max_size=2)),
            }
        )
    # Chains, cycles and shortcuts: any ordered pair but self-loops.
    for source, target in _pairs(draw, assets, assets, max_size=18):
        data["depends_on"].append(
            {"source": source, "target": target, "kind": draw(st.sampled_from(list(DependencyKind))).value}
        )

    controls = [f"ctl-{i}" for i in range(1, draw(st.integers(1, 9)) + 1)]
    frequency_of: dict[str, Frequency] = {}
    applied: dict[str, list[str]] = {}
    for cid in controls:
        frequency = draw(st.sampled_from(list(Frequency)))
        frequency_of[cid] = frequency
        data["controls"].append(
            {
                "id": cid,
                "finding_policy": draw(finding_policies()),
                "title": f"Control {cid}",
                "status": draw(
                    st.sampled_from(list(ControlStatus)) | st.just(ControlStatus.IMPLEMENTED)
                ).value,  # implemented more often: that is where the evidence rules bite
                "frequency": frequency.value,
                "automated": draw(st.booleans()),
                "expected_evidence": draw(st.lists(st.sampled_from(["access review", "log export"]), unique=True)),
            }
        )
        for criterion in _subset(draw, criteria, max_size=3):
            data["satisfies"].append({"source": cid, "target": criterion})
        applied[cid] = _subset(draw, assets, max_size=4)
        for asset in applied[cid]:
            data["applies_to"].append({"source": cid, "target": asset})

    vendors = [f"vendor-{i}" for i in range(1, draw(st.integers(0, 3)) + 1)]
    for vid in vendors:
        data["vendors"].append({"id": vid, "name": vid, "report_valid_until": draw(st.none() | instants())})
    for source, target in _pairs(draw, assets, vendors, max_size=5):
        data["provided_by"].append({"source": source, "target": target})
    for source, target in _pairs(draw, controls, vendors, max_size=3):
        data["relies_on"].append({"source": source, "target": target})
    _carve_outs(draw, data, vendors)
    threats = [f"AML.T00{i}" for i in range(10, 10 + draw(st.integers(0, 2)))]
    for tid in threats:
        kinds = draw(st.lists(st.sampled_from(list(AssetKind)), unique=True, max_size=3))
        data["threats"].append({"id": tid, "name": tid, "asset_kinds": [k.value for k in kinds]})
    for source, target in _pairs(draw, controls, threats, max_size=3):
        data["mitigates"].append({"source": source, "target": target})

    evidence: list[str] = []
    corrected: set[str] = set()
    control_of: dict[str, str] = {}
    for i in range(1, draw(st.integers(0, 16)) + 1):
        eid = f"ev-{i}"
        evidence.append(eid)
        control = draw(st.sampled_from(controls))
        control_of[eid] = control
        collected = draw(recorded_instants())
        valid_until = None
        if draw(st.booleans()):
            # A valid_until override, often exactly at a query time.
            candidate = draw(instants())
            valid_until = candidate if candidate > collected else collected + timedelta(days=draw(st.integers(1, 40)))
        row = {
            "id": eid,
            "title": f"Evidence {i}",
            "control": control,
            "collected_at": collected,
            "valid_until": valid_until,
            "status": draw(st.sampled_from(list(EvidenceStatus)) | st.just(EvidenceStatus.ACCEPTED)).value,
        }
        row.update(observation_period(draw, collected))
        # One correction per item, ever, and only of an item of the same control (the write rules).
        uncorrected = [e for e in evidence[:-1] if e not in corrected and control_of[e] == control]
        if uncorrected and draw(st.integers(0, 3)) == 0:
            row["supersedes"] = draw(st.sampled_from(uncorrected))  # a correction of an earlier item
            corrected.add(row["supersedes"])
        data["evidence"].append(row)
        # Scope: usually none; else assets the control applies to (any other is refused as invalid).
        if draw(st.integers(0, 2)) == 0:
            for asset in _subset(draw, applied[control], max_size=3):
                data["covers"].append({"source": eid, "target": asset})

    _histories(draw, data)
    _findings(draw, data, assets)
    # Crosswalk: any criterion pair, both directions allowed, all four relationships.
    for source, target in _pairs(draw, criteria, criteria, max_size=10):
        data["mappings"].append(
            {
                "source": source,
                "target": target,
                "relationship": draw(st.sampled_from(list(MappingRelationship))).value,
                "strength": draw(st.integers(1, 10)),
                "rationale": "generated",
            }
        )

    _engagements(draw, data, frameworks, assets)
    update = _update(draw, data, frameworks, criteria, controls, assets, criterion_rows)
    times = [T, *draw(st.lists(instants(), min_size=1, max_size=2))]
    changes = [
        ChangeRequest(
            asset_id=draw(st.sampled_from(assets)), at=draw(recorded_instants()), propagate=draw(st.booleans())
        )
        for _ in range(draw(st.integers(1, 2)))
    ]
    return GraphCase(
        bundle=Bundle.model_validate(data),
        update=update,
        frameworks=frameworks,
        assets=assets,
        controls=controls,
        times=times,
        changes=changes,
    )


def _histories(draw: st.DrawFn, data: dict[str, list[dict[str, Any]]]) -> None:
    """Change histories (DESIGN.md "Changes and staleness") beside the `changed_at` shorthand:
    up to three more changes per asset, in any order (back-dated ones too), often at an evidence
    item's `collected_at` or at another change's instant, a few with ids of their own or
    propagated from another asset."""
    assets = [row["id"] for row in data["assets"]]
    collected = [row["collected_at"] for row in data["evidence"]]
    shorthand = {(row["id"], row["changed_at"], None) for row in data["assets"]}
    moments = recorded_instants() | st.sampled_from(collected) if collected else recorded_instants()
    for aid in assets:
        for n in range(draw(st.integers(0, 3))):
            made = [c["at"] for c in data["changes"] if c["asset"] == aid]
            at = draw(st.sampled_from(made) | moments) if made else draw(moments)
            source = draw(st.none() | st.sampled_from(assets))
            # Without an id, the same (asset, at, propagated_from) is the same change: a second
            # one of another kind would be an edit, refused; it gets an id of its own instead.
            taken = {(c["asset"], c["at"], c["propagated_from"]) for c in data["changes"]} | shorthand
            derived = (aid, at, source) not in taken
            data["changes"].append(
                {
                    "id": None if derived and draw(st.integers(0, 3)) else f"chg-{aid}-{n}",
                    "asset": aid,
                    "at": at,
                    "kind": draw(st.sampled_from(list(ChangeKind))).value,
                    "propagated_from": source,
                }
            )


def observation_period(draw: st.DrawFn, collected: datetime) -> dict[str, datetime]:
    """Usually none; else `period_start`/`period_end` ending at or before collection (or up to the
    allowed skew after it), the ends often on a day edge around T, where the gap intervals of
    the differential test start, or a microsecond either side."""
    if draw(st.integers(0, 2)) != 0:
        return {}
    latest = collected + MAX_CLOCK_SKEW
    end = draw(st.sampled_from([collected, latest, min(draw(instants()), latest)]))
    start = draw(instants())
    if start >= end:
        start = end - timedelta(days=draw(st.integers(1, 120)))
    return {"period_start": start, "period_end": end}


def _carve_outs(draw: st.DrawFn, data: dict[str, list[dict[str, Any]]], vendors: list[str]) -> None:
    """Carve-outs (DESIGN.md "Carved-out control"): a vendor for every carved-out control that
    relies on none (the write rules refuse one without), and report kinds and dates on the
    vendors, a third of them ending at T (always a query time) or a microsecond either side."""
    if draw(st.booleans()):  # one more carve-out, so most graphs have one
        draw(st.sampled_from(data["controls"]))["status"] = ControlStatus.CARVED_OUT.value
    relying = {link["source"] for link in data["relies_on"]}
    for control in data["controls"]:
        if control["status"] != ControlStatus.CARVED_OUT.value or control["id"] in relying:
            continue
        if not vendors:
            vendors.append("vendor-carve")
            data["vendors"].append({"id": "vendor-carve", "name": "vendor-carve", "report_valid_until": None})
        data["relies_on"].append({"source": control["id"], "target": draw(st.sampled_from(vendors))})
    for row in data["vendors"]:
        row["report_kind"] = draw(st.none() | st.sampled_from([k.value for k in ReportKind]))
        if draw(st.integers(0, 2)) == 0:
            row["report_valid_until"] = T + draw(st.sampled_from([-US, timedelta(0), US]))
        elif row["id"] == "vendor-carve":
            row["report_valid_until"] = draw(st.none() | instants())


def _update(
    draw: st.DrawFn,
    data: dict[str, list[dict[str, Any]]],
    frameworks: list[str],
    criteria: list[str],
    controls: list[str],
    assets: list[str],
    criterion_rows: dict[str, dict[str, Any]],
) -> Bundle:
    """Re-upserts that move single-valued edges (a criterion's framework or parent, evidence's
    control), change an asset's kind and clear optional fields, plus a few new edges."""
    update: dict[str, list[dict[str, Any]]] = {"criteria": [], "evidence": [], "assets": [], "applies_to": []}
    for cid in _subset(draw, criteria, max_size=2):
        row = dict(criterion_rows[cid])
        row["framework"] = draw(st.sampled_from(frameworks))
        # A parent of the new framework generated earlier: CHILD_OF stays acyclic and in-framework.
        earlier = [c for c in criteria[: criteria.index(cid)] if criterion_rows[c]["framework"] == row["framework"]]
        row["parent"] = draw(st.none() | st.sampled_from(earlier)) if earlier else None
        row["assessable"] = draw(st.sampled_from([None, True, False]))  # an upsert sets or clears it
        update["criteria"].append(row)
    linked = {link["source"] for link in data["covers"]} | {e.get("supersedes") for e in data["evidence"]}
    for row in data["evidence"][: draw(st.integers(0, 2))]:
        # An item with a scope or in a chain of corrections stays with its control (write_rules.py).
        control = row["control"] if row["id"] in linked or row.get("supersedes") else draw(st.sampled_from(controls))
        update["evidence"].append({**row, "control": control, "valid_until": None})
    for row in data["assets"][: draw(st.integers(0, 2))]:
        update["assets"].append(
            {
                **row,
                "kind": draw(st.sampled_from(list(AssetKind))).value,
                "changed_at": draw(st.none() | recorded_instants()),
            }
        )
    for source, target in _pairs(draw, controls, assets, max_size=2):
        update["applies_to"].append({"source": source, "target": target})
    return Bundle.model_validate(update)


def _engagements(
    draw: st.DrawFn, data: dict[str, list[dict[str, Any]]], frameworks: list[str], assets: list[str]
) -> None:
    """Engagements (DESIGN.md "Engagement"): Type I at a query-time-like instant or Type II over a
    period around T; categories among those the framework's criteria have (often none: all);
    a boundary of a few assets (often none: every asset)."""
    for i in range(1, draw(st.integers(0, 2)) + 1):
        framework = draw(st.sampled_from(frameworks))
        present = sorted({c["category"] for c in data["criteria"] if c["framework"] == framework and c["category"]})
        row: dict[str, Any] = {
            "id": f"audit-{i}",
            "name": f"Audit {i}",
            "framework": framework,
            "categories": draw(st.lists(st.sampled_from(present), unique=True)) if present else [],
            "assets": _subset(draw, assets, max_size=3) if draw(st.booleans()) else [],
        }
        if draw(st.booleans()):
            row.update(kind="type1", as_of=draw(instants()))
        else:
            start = T - timedelta(days=draw(st.integers(20, 120)))
            end = draw(instants())  # often past `now` (T + 2 days): then the answer is as of now
            row.update(kind="type2", period_start=start, period_end=end if end > start else start + timedelta(days=1))
        data["engagements"].append(row)


# -- findings (DESIGN.md "Findings") ----------------------------------------------------------------

# Policy limits in days: the window edges `instants()` lands on (T - limit is a drawn instant), and 0.
POLICY_DAYS = [0, 1, 7, 31, 92]


def finding_policies() -> st.SearchStrategy[dict[str, int] | None]:
    """None (findings change nothing) half the time; else limits for some severities."""
    some = st.dictionaries(st.sampled_from([s.value for s in Severity]), st.sampled_from(POLICY_DAYS), max_size=3)
    return st.none() | some


def finding_row(fid: str, asset: str, first_seen: datetime, severity: str, fixed_at: datetime | None) -> dict[str, Any]:
    """A finding as a scan records it: seen last at first_seen, or just before the fix."""
    last_seen = first_seen if fixed_at is None else max(first_seen, fixed_at - US)
    return {
        "id": fid,
        "asset": asset,
        "severity": severity,
        "plugin": "19506",
        "name": f"Finding {fid}",
        "first_seen": first_seen,
        "last_seen": last_seen,
        "status": "open" if fixed_at is None else "fixed",
        "fixed_at": fixed_at,
    }


def fix_instant(draw: st.DrawFn, first_seen: datetime) -> datetime:
    """A later scan's instant: a drawn one after first_seen, else first_seen plus a few days."""
    fixed = draw(instants())
    return fixed if fixed > first_seen else first_seen + timedelta(days=draw(st.sampled_from([1, 7, 31, 40])))


def _findings(draw: st.DrawFn, data: dict[str, list[dict[str, Any]]], assets: list[str]) -> None:
    """Up to six findings of any severity, open or fixed, first seen at drawn instants (so
    `first_seen + limit` lands on T and a microsecond either side) or at another's first_seen
    (the oldest then ties: natural order of id decides)."""
    seen: list[datetime] = []
    for i in range(1, draw(st.integers(0, 6)) + 1):
        first_seen = draw(st.sampled_from(seen)) if seen and draw(st.integers(0, 3)) == 0 else draw(recorded_instants())
        seen.append(first_seen)
        fixed_at = fix_instant(draw, first_seen) if draw(st.booleans()) else None
        severity = draw(st.sampled_from([s.value for s in Severity]))
        data["findings"].append(
            finding_row(f"fnd-{i * 5}", draw(st.sampled_from(assets)), first_seen, severity, fixed_at)
        )
