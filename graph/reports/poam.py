"""`poam.json`: the engagement's OPEN audit exceptions as an OSCAL plan of action and milestones
(OSCAL 1.2.1, validated with compliance-trestle in tests/reports/).

Per open exception (judged at generation time, as exceptions.csv is): an observation (what the
auditor found, the evidence item tested as relevant-evidence), a risk (status `remediating` once a
remediation is planned, else `open`; its deadline the remediation's due date; the remediation as
a planned response whose milestone task is due then, its owner a property: OSCAL names
responsible parties only through roles the document would have to invent), one finding per
in-scope criterion the control stands behind (targeting the criterion under the id the exported
catalog gives it, not-satisfied), and the poam-item tying them together, its severity a property.

OSCAL requires at least one poam-item: with no open exception there is no poam.json, and the
manifest says why (graph/reports/package.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from graph.model import Evidence, Label
from graph.oscal.catalog import oscal_ids
from graph.oscal.common import NS, OSCAL_VERSION, is_prop_value, our_prop, stable_uuid
from graph.queries.exceptions import ExceptionState
from graph.reports.csv_cells import iso_z
from graph.reports.source import PackageSource

NO_OPEN_EXCEPTION = "No open audit exception: an OSCAL POA&M needs at least one poam-item."


def _line(text: str) -> str:
    """OSCAL markup-line: one line, never empty."""
    return " ".join(text.split()) or "-"


def _props(*pairs: tuple[str, str | None]) -> list[dict[str, str]]:
    """Our properties, user text made one line (a property value is one line, trimmed)."""
    found = [(name, _line(value)) for name, value in pairs if value]
    return [our_prop(name, value) for name, value in found if is_prop_value(value)]


def open_states(source: PackageSource) -> list[ExceptionState]:
    return [s for s in source.exceptions if s.is_open]


def has_open_exceptions(source: PackageSource) -> bool:
    return bool(open_states(source))


def _uuid(source: PackageSource, *parts: str) -> str:
    return stable_uuid("poam", source.report.engagement.id, *parts)


def _observation(source: PackageSource, state: ExceptionState, tested: Evidence | None) -> dict[str, Any]:
    e = state.exception
    observation: dict[str, Any] = {
        "uuid": _uuid(source, "observation", e.id),
        "title": _line(f"Exception {e.id} on control {e.control}"),
        "description": e.description,
        "props": _props(("exception-id", e.id), ("control-id", e.control), ("severity", e.severity.value)),
        "methods": ["TEST"],
        "types": ["finding"],
        "collected": iso_z(e.found_at),
    }
    if tested is not None:
        evidence: dict[str, Any] = {
            "description": _line(tested.title),
            "props": _props(("evidence-id", tested.id), ("sha256", tested.sha256)),
        }
        if tested.uri:
            evidence["href"] = tested.uri
        observation["relevant-evidence"] = [evidence]
    return observation


def _risk(source: PackageSource, state: ExceptionState) -> dict[str, Any]:
    e, current = state.exception, state.current
    risk: dict[str, Any] = {
        "uuid": _uuid(source, "risk", e.id),
        "title": _line(f"Control {e.control} not operating as described ({e.severity.value})"),
        "description": e.description,
        "statement": f"Until remediated, control {e.control} may not meet the criteria it supports.",
        "props": _props(("exception-id", e.id), ("severity", e.severity.value)),
        "status": "remediating" if current is not None else "open",
        "related-observations": [{"observation-uuid": _uuid(source, "observation", e.id)}],
    }
    if current is not None:
        risk["deadline"] = iso_z(current.due)
        risk["remediations"] = [
            {
                "uuid": _uuid(source, "response", current.id),
                "lifecycle": "planned",
                "title": _line(current.plan),
                "description": current.plan,
                "props": _props(
                    ("remediation-id", current.id),
                    ("owner", current.owner),
                    ("remediation-status", current.status.value),
                    ("overdue", "true" if state.is_overdue(source.generated_at) else "false"),
                ),
                "tasks": [
                    {
                        "uuid": _uuid(source, "milestone", current.id),
                        "type": "milestone",
                        "title": _line(f"Remediation due (owner: {current.owner})"),
                        "timing": {"on-date": {"date": iso_z(current.due)}},
                    }
                ],
            }
        ]
    return risk


def _findings(source: PackageSource, state: ExceptionState, targets: list[tuple[str, str]]) -> list[dict[str, Any]]:
    e = state.exception
    return [
        {
            "uuid": _uuid(source, "finding", e.id, criterion_id),
            "title": _line(f"{e.control} exception against {target_id}"),
            "description": f"Exception {e.id} on control {e.control}, which stands behind {target_id}: "
            f"{_line(e.description)}",
            "props": _props(("exception-id", e.id), ("criterion-id", criterion_id)),
            "target": {"type": "objective-id", "target-id": target_id, "status": {"state": "not-satisfied"}},
            "related-observations": [{"observation-uuid": _uuid(source, "observation", e.id)}],
            "related-risks": [{"risk-uuid": _uuid(source, "risk", e.id)}],
        }
        for criterion_id, target_id in targets
    ]


def _item(source: PackageSource, state: ExceptionState, findings: list[dict[str, Any]]) -> dict[str, Any]:
    e, current = state.exception, state.current
    item: dict[str, Any] = {
        "uuid": _uuid(source, "poam-item", e.id),
        "title": _line(f"Remediate exception {e.id} on control {e.control}"),
        "description": e.description,
        "props": _props(
            ("exception-id", e.id),
            ("control-id", e.control),
            ("evidence-id", e.evidence),
            ("severity", e.severity.value),
            ("found-at", iso_z(e.found_at)),
            ("owner", current.owner if current is not None else None),
            ("overdue", "true" if state.is_overdue(source.generated_at) else "false"),
        ),
        "related-observations": [{"observation-uuid": _uuid(source, "observation", e.id)}],
        "related-risks": [{"risk-uuid": _uuid(source, "risk", e.id)}],
    }
    if findings:
        item["related-findings"] = [{"finding-uuid": f["uuid"]} for f in findings]
    return item


def poam_document(source: PackageSource) -> dict[str, Any]:
    """The POA&M of the open exceptions (at least one: see `has_open_exceptions`)."""
    report, engagement = source.report, source.report.engagement
    states = open_states(source)
    target_ids = oscal_ids(source.store.framework_criteria(engagement.framework))
    criteria_of: dict[str, list[str]] = {}
    for row in report.coverage.criteria:
        for control_id in report.controls_behind.get(row.criterion_id, []):
            criteria_of.setdefault(control_id, []).append(row.criterion_id)
    tested_ids = [s.exception.evidence for s in states if s.exception.evidence]
    tested = source.store.get_nodes(Label.EVIDENCE, tested_ids) if tested_ids else {}
    observations, risks, findings, items = [], [], [], []
    for state in states:
        e = state.exception
        item_tested = tested.get(e.evidence) if e.evidence else None
        observations.append(_observation(source, state, item_tested if isinstance(item_tested, Evidence) else None))
        risks.append(_risk(source, state))
        targets = [(c, target_ids[c]) for c in criteria_of.get(e.control, []) if c in target_ids]
        found = _findings(source, state, targets)
        findings.extend(found)
        items.append(_item(source, state, found))
    document: dict[str, Any] = {
        "uuid": _uuid(source, iso_z(source.generated_at)),
        "metadata": {
            "title": _line(f"Plan of action and milestones: {engagement.name}"),
            "last-modified": iso_z(source.generated_at),
            "version": iso_z(source.generated_at),
            "oscal-version": OSCAL_VERSION,
            "props": _props(("engagement-id", engagement.id), ("framework-id", engagement.framework)),
            "remarks": f"Open audit exceptions as of {iso_z(source.generated_at)} (generation time).",
        },
        # No SSP is exported: the engagement identifies the system under audit.
        "system-id": {"identifier-type": NS, "id": engagement.id},
        "observations": observations,
        "risks": risks,
        "poam-items": items,
    }
    if findings:
        document["findings"] = findings
    return {"plan-of-action-and-milestones": document}


def poam(source: PackageSource) -> Iterator[bytes]:
    """poam.json, UTF-8 JSON (small: one engagement's open exceptions)."""
    yield (json.dumps(poam_document(source), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
