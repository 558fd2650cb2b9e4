"""`assessment-results.json`: the engagement as an OSCAL assessment-results document (OSCAL 1.2.1,
validated with compliance-trestle in tests/reports/).

One result over the engagement's period (type2) or at its instant (type1), with one observation per
in-scope control (its evidence in scope as relevant-evidence: href the item's URI, its SHA-256 and
id as properties in our namespace) and one finding per in-scope criterion (target: the criterion
under the id the exported catalog gives it; satisfied when COVERED, else not-satisfied), related
to the observations of the controls behind it. Open audit exceptions are `open-exception`
properties (one per id) of their control's observation and of the findings of the criteria it
stands behind; poam.json holds them in full.

The document streams: the head, then one observation per line, then one finding per line, so the
evidence of every control is never held at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from graph.model import Control, CoverageStatus, EngagementKind, Evidence, Label
from graph.oscal.catalog import oscal_ids
from graph.oscal.common import OSCAL_VERSION, is_prop_value, our_prop, stable_uuid
from graph.reports.csv_cells import iso_z
from graph.reports.source import PackageSource
from graph.reports.tables import scoped_evidence

CONTROLS_PER_READ = 100


def _line(text: str) -> str:
    """OSCAL markup-line: one line, never empty."""
    return " ".join(text.split()) or "-"


def _props(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [our_prop(name, value) for name, value in pairs if is_prop_value(value)]


def _observation_uuid(source: PackageSource, control_id: str) -> str:
    return stable_uuid("assessment-results", source.report.engagement.id, "observation", control_id)


def _evidence(item: Evidence) -> dict[str, Any]:
    evidence: dict[str, Any] = {
        "description": _line(item.title),
        "props": _props(
            ("evidence-id", item.id),
            ("status", item.status.value),
            ("collected-at", iso_z(item.collected_at)),
            ("sha256", item.sha256 or ""),
        ),
    }
    if item.uri:
        evidence["href"] = item.uri
    return evidence


def _observation(source: PackageSource, control: Control, items: list[Evidence]) -> dict[str, Any]:
    observation: dict[str, Any] = {
        "uuid": _observation_uuid(source, control.id),
        "title": _line(f"{control.id} {control.title}"),
        "description": f"Control {control.id} ({control.status.value}, {control.frequency.value}): "
        f"{len(items)} evidence item(s) in scope of the engagement.",
        "props": _props(
            ("control-id", control.id),
            ("control-status", control.status.value),
            *(("open-exception", e) for e in source.open_exceptions_by_control.get(control.id, [])),
        ),
        "methods": ["EXAMINE"],
        "types": ["control-objective"],
        "collected": iso_z(source.report.reference_instant),
    }
    if items:
        observation["relevant-evidence"] = [_evidence(e) for e in items]
    return observation


def _head(source: PackageSource, target_ids: dict[str, str]) -> dict[str, Any]:
    report, engagement = source.report, source.report.engagement
    if engagement.kind is EngagementKind.TYPE2:
        start, end = engagement.period_start, engagement.period_end
    else:
        start = end = engagement.as_of
    criteria = [row.criterion_id for row in report.coverage.criteria]
    selection: dict[str, Any] = (
        {"include-controls": [{"control-id": target_ids[c]} for c in criteria]}
        if criteria
        else {"include-all": {}, "remarks": "No criterion is in scope of the engagement."}
    )
    return {
        "uuid": stable_uuid("assessment-results", engagement.id, iso_z(source.generated_at)),
        "metadata": {
            "title": _line(f"Assessment results: {engagement.name}"),
            "last-modified": iso_z(source.generated_at),
            "version": iso_z(source.generated_at),
            "oscal-version": OSCAL_VERSION,
            "props": _props(
                ("engagement-id", engagement.id),
                ("framework-id", engagement.framework),
                ("kind", engagement.kind.value),
            ),
        },
        # The engagement is the plan: Attestgraph writes no assessment-plan document of its own.
        "import-ap": {
            "href": f"urn:attestgraph:engagement:{engagement.id}",
            "remarks": "The engagement's scope (framework, categories, boundary) stands for the assessment plan.",
        },
        "results": [
            {
                "uuid": stable_uuid("assessment-results", engagement.id, "result"),
                "title": _line(f"{engagement.name} ({engagement.kind.value})"),
                "description": f"Coverage of {report.coverage.totals.total} in-scope criteria of "
                f"{engagement.framework} "
                f"at {iso_z(report.reference_instant)}, over {_boundary_words(report.boundary)}.",
                "start": iso_z(start),
                "end": iso_z(end),
                "props": _props(("reference-instant", iso_z(report.reference_instant))),
                "reviewed-controls": {"control-selections": [selection]},
            }
        ],
    }


def _observations(source: PackageSource) -> Iterator[dict[str, Any]]:
    report = source.report
    behind = report.controls_behind
    ordered = list(dict.fromkeys(c for row in report.coverage.criteria for c in behind.get(row.criterion_id, [])))
    for i in range(0, len(ordered), CONTROLS_PER_READ):
        batch = ordered[i : i + CONTROLS_PER_READ]
        controls = source.store.get_nodes(Label.CONTROL, batch)
        evidence = scoped_evidence(source, batch)
        for control_id in batch:
            control = controls[control_id]
            assert isinstance(control, Control)
            yield _observation(source, control, evidence.get(control_id, []))


def _findings(source: PackageSource, target_ids: dict[str, str]) -> Iterator[dict[str, Any]]:
    report = source.report
    for row in report.coverage.criteria:
        behind = report.controls_behind.get(row.criterion_id, [])
        satisfied = row.status is CoverageStatus.COVERED
        finding: dict[str, Any] = {
            "uuid": stable_uuid("assessment-results", report.engagement.id, "finding", row.criterion_id),
            "title": _line(f"{row.ref} {row.title}"),
            "description": f"{row.ref} is {row.status.value} at {iso_z(report.reference_instant)}"
            + (" (carved out to subservice organizations)" if row.carved_out else "")
            + (f"; {row.gap_count} Type II gap interval(s) over the period" if report.gaps is not None else "")
            + ".",
            "props": _props(
                ("criterion-id", row.criterion_id),
                ("coverage-status", row.status.value),
                ("carved-out", "true" if row.carved_out else "false"),
                *(("open-exception", e) for e in row.open_exception_ids),
            ),
            "target": {
                "type": "objective-id",
                "target-id": target_ids[row.criterion_id],
                "status": {"state": "satisfied" if satisfied else "not-satisfied"},
            },
        }
        if behind:
            finding["related-observations"] = [{"observation-uuid": _observation_uuid(source, c)} for c in behind]
        yield finding


def assessment_results(source: PackageSource) -> Iterator[bytes]:
    """The OSCAL assessment-results document, UTF-8 JSON, streamed."""
    target_ids = oscal_ids(source.store.framework_criteria(source.report.engagement.framework))
    head = _head(source, target_ids)
    result = json.dumps(head["results"][0], ensure_ascii=False)
    head["results"] = []
    text = json.dumps({"assessment-results": head}, ensure_ascii=False)
    # Open the one result: everything up to its closing brace, then the streamed lists.
    opening = text[: -len("]}}")] + result[:-1]
    yield opening.encode("utf-8")
    yield from _array("observations", _observations(source))
    yield from _array("findings", _findings(source, target_ids))
    yield b"}]}}\n"


def _array(key: str, items: Iterator[dict[str, Any]]) -> Iterator[bytes]:
    """`,"key":[` one item per line `]`, or nothing at all for no item (OSCAL lists are never empty)."""
    first = True
    for item in items:
        prefix = f',\n"{key}":[\n' if first else ",\n"
        first = False
        yield (prefix + json.dumps(item, ensure_ascii=False)).encode("utf-8")
    if not first:
        yield b"\n]"


def _boundary_words(boundary: list[str] | None) -> str:
    return "every asset" if boundary is None else f"the boundary of {len(boundary)} asset(s)"
