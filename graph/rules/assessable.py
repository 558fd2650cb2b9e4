"""Which criteria of a framework are assessable, and what a criterion that is not rolls up over.

DESIGN.md, "Hierarchy and assessable criteria": a criterion is assessable when it states a
requirement of its own; by default exactly the leaves (no CHILD_OF children), unless the
criterion says otherwise (`Criterion.assessable`, set by a catalog such as an OSCAL import of
NIST SP 800-53, where a base control with enhancements is a requirement too). Coverage counts
assessable criteria; one that is not rolls up over the assessable criteria below it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from graph.model import Criterion


@dataclass(frozen=True)
class Hierarchy:
    """One framework's criteria as a tree: each criterion's children and whether it is assessable."""

    children: Mapping[str, list[str]]
    assessable: frozenset[str]

    def is_assessable(self, criterion_id: str) -> bool:
        return criterion_id in self.assessable

    def assessable_below(self, criterion_id: str) -> list[str]:
        """The assessable criteria under `criterion_id` at any depth (itself excluded), including
        those under an assessable one (an 800-53 family covers its controls and their enhancements)."""
        found: list[str] = []
        stack, seen = [criterion_id], {criterion_id}
        while stack:
            for child in self.children.get(stack.pop(), []):
                if child in seen:
                    continue  # a CHILD_OF cycle would be bad data; never loop on it
                seen.add(child)
                if child in self.assessable:
                    found.append(child)
                stack.append(child)
        return found


def hierarchy(criteria: Iterable[Criterion]) -> Hierarchy:
    """The tree of one framework's criteria (a parent outside them is ignored)."""
    criteria = list(criteria)
    ids = {c.id for c in criteria}
    children: dict[str, list[str]] = defaultdict(list)
    for c in criteria:
        if c.parent is not None and c.parent in ids:
            children[c.parent].append(c.id)
    assessable = frozenset(
        c.id for c in criteria if (c.assessable if c.assessable is not None else c.id not in children)
    )
    return Hierarchy(children=dict(children), assessable=assessable)
