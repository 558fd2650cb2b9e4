"""Reference checks a bundle must pass before any store writes a byte of it.

Both stores call `check_bundle`, giving it one batched existence lookup, so a dangling reference
or a duplicate id is refused the same way everywhere, with the path of the offending field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from graph.bundle import LINK_LISTS, NODE_LISTS, Bundle
from graph.errors import FieldProblem, InvalidInputError
from graph.model import EDGE_ENDPOINTS, NODE_EDGE_FIELDS, Label, Rel

# Which ids of a label exist in the store, among those asked.
ExistingIds = Callable[[Label, set[str]], set[str]]


def edge_references(bundle: Bundle) -> Iterator[tuple[str, Rel, str, str]]:
    """(path, relationship, source id, target id) of every relationship in the bundle."""
    for list_name, label in NODE_LISTS.items():
        for index, node in enumerate(getattr(bundle, list_name)):
            for field, rel in NODE_EDGE_FIELDS.get(label, {}).items():
                target = getattr(node, field)
                if target is not None:
                    yield f"{list_name}[{index}].{field}", rel, node.id, target
    for list_name, rel in LINK_LISTS.items():
        for index, link in enumerate(getattr(bundle, list_name)):
            yield f"{list_name}[{index}]", rel, link.source, link.target
    for index, dep in enumerate(bundle.depends_on):
        yield f"depends_on[{index}]", Rel.DEPENDS_ON, dep.source, dep.target
    for index, m in enumerate(bundle.mappings):
        yield f"mappings[{index}]", Rel.MAPS_TO, m.source, m.target


def check_bundle(bundle: Bundle, existing: ExistingIds) -> None:
    """Raise `InvalidInputError` listing every duplicate id and unresolved reference."""
    problems: list[FieldProblem] = []
    in_bundle: dict[Label, set[str]] = {label: set() for label in Label}
    for list_name, label in NODE_LISTS.items():
        first_seen: dict[str, int] = {}
        for index, node in enumerate(getattr(bundle, list_name)):
            if node.id in first_seen:
                problems.append(
                    FieldProblem(
                        f"{list_name}[{index}].id",
                        f"duplicate id '{node.id}' (also at {list_name}[{first_seen[node.id]}])",
                    )
                )
            else:
                first_seen[node.id] = index
            in_bundle[label].add(node.id)

    wanted: dict[Label, set[str]] = {label: set() for label in Label}
    references = list(edge_references(bundle))
    for _path, rel, source, target in references:
        source_label, target_label = EDGE_ENDPOINTS[rel]
        wanted[source_label].add(source)
        wanted[target_label].add(target)
    known = {label: in_bundle[label] | _lookup(existing, label, wanted[label] - in_bundle[label]) for label in Label}

    for path, rel, source, target in references:
        source_label, target_label = EDGE_ENDPOINTS[rel]
        is_field = path.rsplit(".", 1)[-1] in ("framework", "parent", "control", "supersedes")
        if source == target and rel in (Rel.DEPENDS_ON, Rel.MAPS_TO, Rel.CHILD_OF, Rel.SUPERSEDES):
            problems.append(FieldProblem(path, f"'{source}' cannot be linked to itself by {rel.value}"))
            continue
        if not is_field and source not in known[source_label]:
            problems.append(FieldProblem(f"{path}.source", f"{source_label.value} '{source}' does not exist"))
        if target not in known[target_label]:
            field = path if is_field else f"{path}.target"
            problems.append(FieldProblem(field, f"{target_label.value} '{target}' does not exist"))
    if problems:
        raise InvalidInputError(problems)


def _lookup(existing: ExistingIds, label: Label, ids: set[str]) -> set[str]:
    return existing(label, ids) if ids else set()


def node_properties(node: Any) -> dict[str, Any]:
    """A node's own properties as JSON-ready values (edge fields included; stores keep both)."""
    data: dict[str, Any] = node.model_dump(mode="json")
    return data
