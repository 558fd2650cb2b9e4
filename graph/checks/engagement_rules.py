"""An engagement's categories are categories its framework's criteria have (DESIGN.md
"Engagement (an audit)"): a misspelt category would silently scope the audit to nothing."""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

from graph.bundle import Bundle
from graph.errors import FieldProblem
from graph.model import Criterion, Label, NodeModel, Rel


class StoredGraph(Protocol):
    def get_nodes(self, label: Label, ids: Collection[str]) -> dict[str, NodeModel]: ...

    def related(self, rel: Rel, ids: Collection[str], *, reverse: bool = False) -> dict[str, list[str]]: ...


def category_problems(bundle: Bundle, stored: StoredGraph) -> list[FieldProblem]:
    if not bundle.engagements:
        return []
    frameworks = {e.framework for e in bundle.engagements}
    members = stored.related(Rel.PART_OF, frameworks, reverse=True)
    criteria: dict[str, Criterion] = {
        c.id: c
        for c in stored.get_nodes(Label.CRITERION, {i for ids in members.values() for i in ids}).values()
        if isinstance(c, Criterion)
    }
    criteria.update({c.id: c for c in bundle.criteria})  # the bundle's version is the one written
    categories: dict[str, set[str]] = {f: set() for f in frameworks}
    for c in criteria.values():
        if c.framework in categories and c.category:
            categories[c.framework].add(c.category)
    problems: list[FieldProblem] = []
    for i, engagement in enumerate(bundle.engagements):
        known = categories[engagement.framework]
        for j, category in enumerate(engagement.categories):
            if category not in known:
                problems.append(
                    FieldProblem(
                        f"engagements[{i}].categories[{j}]",
                        f"no criterion of framework '{engagement.framework}' has category '{category}'"
                        f" (it has: {', '.join(sorted(known)) or 'none'})",
                    )
                )
    return problems
