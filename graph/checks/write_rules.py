"""Rules a bundle must follow given what the store holds, checked by both stores on every write
(API, bundle loads, CLI, imports) after `graph.checks.references.check_bundle`, before a byte is written:

- no recorded instant lies more than `MAX_CLOCK_SKEW` past the server's clock: evidence
  `collected_at` and `period_end`, an asset's `changed_at`, a change's `at`, a review's `at` (a
  future record would count, or refuse to go stale, before it happened);
- an evidence item supersedes only an item of its own control (a correction of another control's
  evidence would silently remove that control's proof);
- `covers` names only assets the evidence's control applies to (DESIGN.md "Evidence scope");
- nobody reviews an item they recorded (DESIGN.md "Evidence review");
- a carved-out control relies on at least one vendor (DESIGN.md "Carved-out control");
- an engagement's categories are categories of its framework (graph/checks/engagement_rules.py);
- an audit exception names its control's evidence, corrects one of its own engagement and
  control, and its control is in the engagement's scope (graph/checks/exception_rules.py);
- an asset identifier names one asset (graph/checks/identifier_rules.py);
- a finding written again only moves forward (graph/checks/finding_rules.py).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Protocol

from graph.bundle import Bundle
from graph.checks.engagement_rules import category_problems
from graph.checks.exception_rules import exception_problems
from graph.checks.finding_rules import finding_problems
from graph.checks.identifier_rules import identifier_problems
from graph.errors import FieldProblem, ForbiddenError, InvalidInputError
from graph.model import MAX_CLOCK_SKEW, Control, ControlStatus, Evidence, Label, NodeModel, Rel, now_utc
from graph.store import GraphStore


class StoredGraph(Protocol):
    """The two reads the rules need; every `GraphStore` has them."""

    def get_nodes(self, label: Label, ids: Collection[str]) -> dict[str, NodeModel]: ...

    def related(self, rel: Rel, ids: Collection[str], *, reverse: bool = False) -> dict[str, list[str]]: ...


def check_write_rules(bundle: Bundle, stored: GraphStore, now: datetime | None = None) -> None:
    """Raise `InvalidInputError` (every problem, each naming its field) or `ForbiddenError`."""
    problems = future_problems(bundle, now if now is not None else now_utc())
    evidence = _evidence_involved(bundle, stored)
    problems += supersede_problems(bundle, evidence)
    problems += scope_problems(bundle, evidence, stored)
    problems += carve_out_problems(bundle, stored)
    problems += category_problems(bundle, stored)
    problems += exception_problems(bundle, stored)
    problems += identifier_problems(bundle, stored)
    problems += finding_problems(bundle, stored)
    if problems:
        raise InvalidInputError(problems)
    for index, review in enumerate(bundle.reviews):
        item = evidence.get(review.evidence)
        if item is not None and item.recorded_by is not None and item.recorded_by == review.reviewer:
            raise ForbiddenError(
                f"reviews[{index}].reviewer: {review.reviewer} recorded evidence '{review.evidence}'; "
                "a reviewer is never the actor that recorded the item"
            )


def future_problems(bundle: Bundle, now: datetime) -> list[FieldProblem]:
    latest = now + MAX_CLOCK_SKEW
    found = [
        *((f"evidence[{i}].collected_at", e.collected_at) for i, e in enumerate(bundle.evidence)),
        # An observation period ends at most the skew past collection: with both at the limit it
        # would reach twice the skew past the clock, which no monitor can have observed.
        *((f"evidence[{i}].period_end", e.period_end) for i, e in enumerate(bundle.evidence)),
        *((f"assets[{i}].changed_at", a.changed_at) for i, a in enumerate(bundle.assets)),
        *((f"reviews[{i}].at", r.at) for i, r in enumerate(bundle.reviews)),
        *((f"changes[{i}].at", c.at) for i, c in enumerate(bundle.changes)),
        *((f"audit_exceptions[{i}].found_at", e.found_at) for i, e in enumerate(bundle.audit_exceptions)),
        *((f"remediations[{i}].closed_at", r.closed_at) for i, r in enumerate(bundle.remediations)),
        # A scan's instants: a finding seen (or fixed) in the future would count before it happened.
        *((f"findings[{i}].last_seen", f.last_seen) for i, f in enumerate(bundle.findings)),
        *((f"findings[{i}].fixed_at", f.fixed_at) for i, f in enumerate(bundle.findings)),
    ]
    return [
        FieldProblem(
            field,
            f"{moment.isoformat()} lies in the future: at most {int(MAX_CLOCK_SKEW.total_seconds() // 60)} "
            f"minutes past the server's clock ({now.isoformat(timespec='seconds')}) is accepted",
        )
        for field, moment in found
        if moment is not None and moment > latest
    ]


def _evidence_involved(bundle: Bundle, stored: StoredGraph) -> dict[str, Evidence]:
    """The bundle's evidence, and the stored items it supersedes, scopes or reviews."""
    in_bundle = {e.id: e for e in bundle.evidence}
    wanted = {e.supersedes for e in bundle.evidence if e.supersedes is not None}
    wanted |= {link.source for link in bundle.covers} | {r.evidence for r in bundle.reviews}
    wanted -= in_bundle.keys()
    found = stored.get_nodes(Label.EVIDENCE, wanted) if wanted else {}
    return {**{i: n for i, n in found.items() if isinstance(n, Evidence)}, **in_bundle}


def supersede_problems(bundle: Bundle, evidence: dict[str, Evidence]) -> list[FieldProblem]:
    problems = []
    for index, item in enumerate(bundle.evidence):
        old = evidence.get(item.supersedes) if item.supersedes is not None else None
        if old is not None and old.control != item.control:
            problems.append(
                FieldProblem(
                    f"evidence[{index}].supersedes",
                    f"'{old.id}' is evidence of control '{old.control}', and '{item.id}' of control "
                    f"'{item.control}': only an item of the same control may supersede it",
                )
            )
    return problems


def scope_problems(bundle: Bundle, evidence: dict[str, Evidence], stored: StoredGraph) -> list[FieldProblem]:
    # A stored item written again (a load, not the API: it may not change) keeps its COVERS edges.
    kept = {i: c for i, c in stored.related(Rel.COVERS, [e.id for e in bundle.evidence]).items() if c}
    if not bundle.covers and not kept:
        return []
    controls = {evidence[link.source].control for link in bundle.covers if link.source in evidence}
    controls |= {evidence[i].control for i in kept}
    applies = {c: set(assets) for c, assets in stored.related(Rel.APPLIES_TO, controls).items()}
    for link in bundle.applies_to:
        applies.setdefault(link.source, set()).add(link.target)
    problems = []
    for index, link in enumerate(bundle.covers):
        item = evidence.get(link.source)
        if item is None:
            continue  # a dangling reference: check_bundle reports it
        if link.target not in applies.get(item.control, set()):
            problems.append(
                FieldProblem(
                    f"covers[{index}]",
                    f"evidence '{item.id}' cannot cover asset '{link.target}': its control '{item.control}' "
                    "does not apply to that asset",
                )
            )
    for index, item in enumerate(bundle.evidence):
        outside = [a for a in kept.get(item.id, ()) if a not in applies.get(item.control, set())]
        if outside:
            problems.append(
                FieldProblem(
                    f"evidence[{index}].control",
                    f"evidence '{item.id}' covers asset '{outside[0]}', which control '{item.control}' "
                    "does not apply to",
                )
            )
    return problems


def carve_out_problems(bundle: Bundle, stored: StoredGraph) -> list[FieldProblem]:
    """A carved-out control's report comes from the vendors it relies on: without one it would
    count as implemented on nobody's word. (RELIES_ON edges are never deleted, so checking the
    controls written is enough.)"""
    carved = [(i, c.id) for i, c in enumerate(bundle.controls) if c.status is ControlStatus.CARVED_OUT]
    if not carved:
        return []
    linked = {link.source for link in bundle.relies_on}
    unlinked = [control_id for _, control_id in carved if control_id not in linked]
    stored_links = stored.related(Rel.RELIES_ON, unlinked) if unlinked else {}
    return [
        FieldProblem(
            f"controls[{index}].status",
            f"control '{control_id}' is carved_out but relies on no vendor: add a relies_on link to "
            "the vendor whose report stands in for its evidence",
        )
        for index, control_id in carved
        if control_id not in linked and not stored_links.get(control_id)
    ]


def may_record_accepted(admin: bool, control: Control | None) -> bool:
    """Whether a recorder may record evidence of `control` as accepted (DESIGN.md "Evidence
    review"): an admin may; an evidence-collector only for a control with `automated: true`, whose
    system-generated evidence needs no review. Everyone else records pending."""
    return admin or (control is not None and control.automated)
