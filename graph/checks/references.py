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
    wanted[Label.EVIDENCE].update(review.evidence for review in bundle.reviews)
    wanted[Label.ASSET].update(c.asset for c in bundle.changes)
    scope_references = [*engagement_references(bundle), *record_references(bundle)]
    for _path, label, target in scope_references:
        wanted[label].add(target)
    known = {label: in_bundle[label] | _lookup(existing, label, wanted[label] - in_bundle[label]) for label in Label}

    for path, rel, source, target in references:
        source_label, target_label = EDGE_ENDPOINTS[rel]
        is_field = path.rsplit(".", 1)[-1] in ("framework", "parent", "control", "supersedes", "asset")
        if source == target and rel in (Rel.DEPENDS_ON, Rel.MAPS_TO, Rel.CHILD_OF, Rel.SUPERSEDES):
            problems.append(FieldProblem(path, f"'{source}' cannot be linked to itself by {rel.value}"))
            continue
        if not is_field and source not in known[source_label]:
            problems.append(FieldProblem(f"{path}.source", f"{source_label.value} '{source}' does not exist"))
        if target not in known[target_label]:
            field = path if is_field else f"{path}.target"
            problems.append(FieldProblem(field, f"{target_label.value} '{target}' does not exist"))
    for index, review in enumerate(bundle.reviews):
        if review.evidence not in known[Label.EVIDENCE]:
            problems.append(FieldProblem(f"reviews[{index}].evidence", f"Evidence '{review.evidence}' does not exist"))
    for index, change in enumerate(bundle.changes):
        # A change belongs to an asset's history, so its asset must exist (bundle or store).
        # `propagated_from` is provenance, not a live edge: the asset a change came from may have
        # been deleted since (deleteAsset keeps the other assets' histories), and an export must
        # load back, so it is not looked up.
        if change.asset not in known[Label.ASSET]:
            problems.append(FieldProblem(f"changes[{index}].asset", f"Asset '{change.asset}' does not exist"))
    for path, label, target in scope_references:
        if target not in known[label]:
            problems.append(FieldProblem(path, f"{label.value} '{target}' does not exist"))
    problems += duplicate_mapping_problems(bundle)
    problems += hierarchy_problems(bundle)
    if problems:
        raise InvalidInputError(problems)


def engagement_references(bundle: Bundle) -> Iterator[tuple[str, Label, str]]:
    """(path, label, id) of every node an engagement or a sample names: stored as properties,
    checked as edges."""
    for index, engagement in enumerate(bundle.engagements):
        yield f"engagements[{index}].framework", Label.FRAMEWORK, engagement.framework
        for j, asset in enumerate(engagement.assets):
            yield f"engagements[{index}].assets[{j}]", Label.ASSET, asset
    for index, sample in enumerate(bundle.samples):
        yield f"samples[{index}].engagement", Label.ENGAGEMENT, sample.engagement
        yield f"samples[{index}].control", Label.CONTROL, sample.control
        if sample.redraw_of is not None:
            yield f"samples[{index}].redraw_of", Label.SAMPLE, sample.redraw_of


def record_references(bundle: Bundle) -> Iterator[tuple[str, Label, str]]:
    """(path, label, id) of every node an audit exception or remediation names (properties too)."""
    for index, exc in enumerate(bundle.audit_exceptions):
        yield f"audit_exceptions[{index}].engagement", Label.ENGAGEMENT, exc.engagement
        yield f"audit_exceptions[{index}].control", Label.CONTROL, exc.control
        if exc.evidence is not None:
            yield f"audit_exceptions[{index}].evidence", Label.EVIDENCE, exc.evidence
        if exc.supersedes is not None:
            yield f"audit_exceptions[{index}].supersedes", Label.AUDIT_EXCEPTION, exc.supersedes
    for index, rem in enumerate(bundle.remediations):
        yield f"remediations[{index}].exception", Label.AUDIT_EXCEPTION, rem.exception
        for j, evidence in enumerate(rem.evidence):
            yield f"remediations[{index}].evidence[{j}]", Label.EVIDENCE, evidence


def duplicate_mapping_problems(bundle: Bundle) -> list[FieldProblem]:
    """One mapping per ordered pair of criteria: a second one would silently replace the first
    (the graph holds one MAPS_TO edge per pair), and a load would count both."""
    problems: list[FieldProblem] = []
    first_seen: dict[tuple[str, str], int] = {}
    for index, m in enumerate(bundle.mappings):
        pair = (m.source, m.target)
        if pair in first_seen:
            problems.append(
                FieldProblem(
                    f"mappings[{index}]",
                    f"a second mapping from '{m.source}' to '{m.target}' (also at mappings[{first_seen[pair]}]); "
                    "keep one",
                )
            )
        else:
            first_seen[pair] = index
    return problems


def hierarchy_problems(bundle: Bundle) -> list[FieldProblem]:
    """A criterion's parent belongs to the same framework, and CHILD_OF never loops back.

    Checked among the bundle's own criteria (all of them when validating seed files); a parent
    that is only in the store is checked for existence above, not for its framework."""
    problems: list[FieldProblem] = []
    by_id = {c.id: c for c in bundle.criteria}
    index = {c.id: i for i, c in reversed(list(enumerate(bundle.criteria)))}
    for i, c in enumerate(bundle.criteria):
        parent = by_id.get(c.parent) if c.parent is not None else None
        if parent is not None and parent.framework != c.framework:
            problems.append(
                FieldProblem(
                    f"criteria[{i}].parent",
                    f"Criterion '{parent.id}' belongs to framework '{parent.framework}', not '{c.framework}'",
                )
            )
    state: dict[str, bool] = {}  # True while on the chain being followed, False once known to end
    for c in bundle.criteria:
        chain: list[str] = []
        current: str | None = c.id
        while current is not None and current in by_id and current not in state:
            state[current] = True
            chain.append(current)
            parent_id = by_id[current].parent
            current = parent_id if parent_id != current else None  # a self-link is reported above
        if current is not None and state.get(current) is True:
            cycle = chain[chain.index(current) :]
            start = min(range(len(cycle)), key=lambda k: index[cycle[k]])
            loop = [*cycle[start:], *cycle[:start], cycle[start]]
            problems.append(FieldProblem(f"criteria[{index[loop[0]]}].parent", f"CHILD_OF cycle: {' -> '.join(loop)}"))
        for node in chain:
            state[node] = False
    return problems


def _lookup(existing: ExistingIds, label: Label, ids: set[str]) -> set[str]:
    return existing(label, ids) if ids else set()


def node_properties(node: Any) -> dict[str, Any]:
    """A node's own properties as JSON-ready values (edge fields included; stores keep both)."""
    data: dict[str, Any] = node.model_dump(mode="json")
    return data
