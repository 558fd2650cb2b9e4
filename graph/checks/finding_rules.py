"""A finding written again (a later scan) may only move forward (DESIGN.md "Findings"): checked by
both stores on every write, against the findings they hold.

- `first_seen` never moves: the finding was open from then on, and a question about an instant
  since then keeps its answer;
- `last_seen` never moves backwards (an older scan imported after a newer one says nothing new);
- a finding once `fixed` stays fixed at its `fixed_at` (a status and an instant about the past);
- it stays on the asset it was seen on (its id is derived from where the scanner saw it).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

from graph.bundle import Bundle
from graph.errors import FieldProblem
from graph.model import Finding, FindingStatus, Label, NodeModel


class StoredFindings(Protocol):
    def get_nodes(self, label: Label, ids: Collection[str]) -> dict[str, NodeModel]: ...


def finding_problems(bundle: Bundle, stored: StoredFindings) -> list[FieldProblem]:
    """One problem per field of a stored finding that the bundle would move the wrong way."""
    if not bundle.findings:
        return []
    found = stored.get_nodes(Label.FINDING, [f.id for f in bundle.findings])
    problems: list[FieldProblem] = []
    for index, new in enumerate(bundle.findings):
        old = found.get(new.id)
        if isinstance(old, Finding):
            problems += _moved(f"findings[{index}]", old, new)
    return problems


def _moved(path: str, old: Finding, new: Finding) -> list[FieldProblem]:
    problems = []
    if new.asset != old.asset:
        problems.append(
            FieldProblem(
                f"{path}.asset",
                f"finding '{old.id}' affects asset '{old.asset}', not '{new.asset}': a finding stays on the asset "
                "it was seen on",
            )
        )
    if new.first_seen != old.first_seen:
        problems.append(
            FieldProblem(
                f"{path}.first_seen",
                f"finding '{old.id}' was first seen at {old.first_seen.isoformat()}; first_seen never moves",
            )
        )
    if new.last_seen < old.last_seen:
        problems.append(
            FieldProblem(
                f"{path}.last_seen",
                f"{new.last_seen.isoformat()} is before the stored last_seen {old.last_seen.isoformat()} of finding "
                f"'{old.id}'; last_seen never moves backwards",
            )
        )
    if old.fixed_at is not None and new.status is FindingStatus.OPEN:
        problems.append(
            FieldProblem(
                f"{path}.status",
                f"finding '{old.id}' was fixed at {old.fixed_at.isoformat()}; a fixed finding is never reopened",
            )
        )
    elif old.fixed_at is not None and new.fixed_at != old.fixed_at:
        problems.append(
            FieldProblem(
                f"{path}.fixed_at",
                f"finding '{old.id}' was fixed at {old.fixed_at.isoformat()}; fixed_at never moves",
            )
        )
    return problems
