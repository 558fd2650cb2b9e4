"""The bundle: one JSON or YAML document holding any part of the graph.

Nodes are listed per label; relationships that a node has exactly one of (a criterion's
framework and parent, an evidence item's control) are fields of that node; every other
relationship has a list of its own. Export then load reproduces a graph exactly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from graph.errors import FieldProblem, InvalidInputError
from graph.model import (
    NODE_EDGE_FIELDS,
    Asset,
    AuditException,
    Change,
    Control,
    Criterion,
    Dependency,
    DependencyKind,
    Edge,
    Engagement,
    Evidence,
    EvidenceReview,
    Finding,
    Framework,
    Label,
    Link,
    Mapping,
    MappingRelationship,
    NodeModel,
    Rel,
    Remediation,
    Sample,
    Threat,
    Vendor,
    dependency_edge,
    mapping_edge,
    natural_key,
)

# "assets[3].kind" -> ("assets", "3"): the list and index a field path starts with.
ITEM_PATH = re.compile(r"^(\w+)\[(\d+)\]")

BUNDLE_FORMAT: Literal["attestgraph-bundle/1"] = "attestgraph-bundle/1"

# Bundle list name -> relationship type, for relationships without properties.
LINK_LISTS: dict[str, Rel] = {
    "satisfies": Rel.SATISFIES,
    "applies_to": Rel.APPLIES_TO,
    "provided_by": Rel.PROVIDED_BY,
    "relies_on": Rel.RELIES_ON,
    "covers": Rel.COVERS,
    "mitigates": Rel.MITIGATES,
}

# Bundle list name -> node label.
NODE_LISTS: dict[str, Label] = {
    "frameworks": Label.FRAMEWORK,
    "criteria": Label.CRITERION,
    "controls": Label.CONTROL,
    "assets": Label.ASSET,
    "vendors": Label.VENDOR,
    "threats": Label.THREAT,
    "evidence": Label.EVIDENCE,
    "engagements": Label.ENGAGEMENT,
    "samples": Label.SAMPLE,
    "audit_exceptions": Label.AUDIT_EXCEPTION,
    "remediations": Label.REMEDIATION,
    "findings": Label.FINDING,
}


class Bundle(BaseModel):
    """Any part of the graph, as one document. Every list is optional."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["attestgraph-bundle/1"] = Field(default=BUNDLE_FORMAT, description="Format tag and version.")
    frameworks: list[Framework] = Field(default_factory=list)
    criteria: list[Criterion] = Field(default_factory=list)
    controls: list[Control] = Field(default_factory=list)
    assets: list[Asset] = Field(default_factory=list)
    vendors: list[Vendor] = Field(default_factory=list)
    threats: list[Threat] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    engagements: list[Engagement] = Field(default_factory=list, description="Audits: a framework, a period, a scope.")
    samples: list[Sample] = Field(
        default_factory=list, description="Auditors' recorded samples of Type II populations (append-only)."
    )
    audit_exceptions: list[AuditException] = Field(
        default_factory=list, description="Exceptions an auditor found, appended, never edited (corrections supersede)."
    )
    remediations: list[Remediation] = Field(
        default_factory=list, description="Remediation of exceptions, appended: per exception the latest is current."
    )
    findings: list[Finding] = Field(
        default_factory=list, description="Scanner findings on assets (first_seen and a set fixed_at never move)."
    )
    satisfies: list[Link] = Field(default_factory=list, description="Control satisfies criterion.")
    applies_to: list[Link] = Field(default_factory=list, description="Control applies to asset.")
    depends_on: list[Dependency] = Field(default_factory=list, description="Asset depends on asset.")
    provided_by: list[Link] = Field(default_factory=list, description="Asset is provided by vendor.")
    relies_on: list[Link] = Field(default_factory=list, description="Control relies on vendor.")
    covers: list[Link] = Field(default_factory=list, description="Evidence speaks for this asset only.")
    mitigates: list[Link] = Field(default_factory=list, description="Control mitigates threat.")
    mappings: list[Mapping] = Field(default_factory=list, description="Crosswalk: criterion maps to criterion.")
    reviews: list[EvidenceReview] = Field(
        default_factory=list,
        description="Reviews of evidence, appended: per item, the latest (by `at`, then list order) sets its status.",
    )
    changes: list[Change] = Field(
        default_factory=list,
        description="Changes of assets, appended, never edited (an asset's `changed_at` is shorthand for one).",
    )

    def nodes(self) -> Iterator[tuple[Label, NodeModel]]:
        for list_name, label in NODE_LISTS.items():
            for node in getattr(self, list_name):
                yield label, node

    def edges(self) -> Iterator[Edge]:
        """Every relationship in the bundle, including those carried as node fields."""
        for label, node in self.nodes():
            for field, rel in NODE_EDGE_FIELDS.get(label, {}).items():
                target = getattr(node, field)
                if target is not None:
                    yield Edge(type=rel, source=node.id, target=target)
        for list_name, rel in LINK_LISTS.items():
            for link in getattr(self, list_name):
                yield Edge(type=rel, source=link.source, target=link.target)
        for dep in self.depends_on:
            yield dependency_edge(dep)
        for m in self.mappings:
            yield mapping_edge(m)

    def is_empty(self) -> bool:
        return not any(
            getattr(self, name) for name in (*NODE_LISTS, *LINK_LISTS, "depends_on", "mappings", "reviews", "changes")
        )

    def merged(self, other: Bundle) -> Bundle:
        data = self.model_dump()
        for name, value in other.model_dump().items():
            if isinstance(value, list):
                data[name] = data[name] + value
        return Bundle.model_validate(data)


def bundle_from_graph(
    nodes: Iterable[tuple[Label, NodeModel]],
    edges: Iterable[Edge],
    reviews: Iterable[EvidenceReview] = (),
    changes: Iterable[Change] = (),
) -> Bundle:
    """Build the canonical bundle (sorted by id) of a graph's nodes and edges; `reviews` in the
    order they were recorded (kept among reviews of one item at one instant); `changes` in natural
    order of asset, then by `at`, then id."""
    skip = ("format", "reviews", "changes")
    lists: dict[str, list[Any]] = {name: [] for name in Bundle.model_fields if name not in skip}
    label_list = {label: name for name, label in NODE_LISTS.items()}
    for label, node in nodes:
        lists[label_list[label]].append(node)
    rel_list = {rel: name for name, rel in LINK_LISTS.items()}
    for edge in edges:
        if edge.type in rel_list:
            lists[rel_list[edge.type]].append(Link(source=edge.source, target=edge.target))
        elif edge.type is Rel.DEPENDS_ON:
            lists["depends_on"].append(
                Dependency(source=edge.source, target=edge.target, kind=DependencyKind(edge.properties["kind"]))
            )
        elif edge.type is Rel.MAPS_TO:
            lists["mappings"].append(
                Mapping(
                    source=edge.source,
                    target=edge.target,
                    relationship=MappingRelationship(edge.properties["relationship"]),
                    strength=edge.properties["strength"],
                    rationale=edge.properties["rationale"],
                )
            )
        # PART_OF, CHILD_OF and EVIDENCES travel as node fields.
    for items in lists.values():
        items.sort(key=lambda item: (item.source, item.target) if not hasattr(item, "id") else (item.id, ""))
    ordered_changes = sorted(changes, key=lambda c: (natural_key(c.asset), c.at, c.id or ""))
    return Bundle(**lists, reviews=sorted(reviews, key=lambda r: (r.evidence, r.at)), changes=ordered_changes)


def bundle_json_schema() -> dict[str, Any]:
    return Bundle.model_json_schema()


def field_path(location: tuple[int | str, ...]) -> str:
    """('assets', 1, 'kind') -> 'assets[1].kind', the way every error in the project names a field."""
    path = ""
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _problems_from_validation(error: ValidationError, prefix: str) -> list[FieldProblem]:
    problems = []
    for item in error.errors():
        path = field_path(item["loc"])
        field = f"{prefix}{path}" if path else prefix.rstrip(".") or "(document)"
        problems.append(FieldProblem(field, item["msg"]))
    return problems


def parse_bundle(data: object, source: str = "") -> Bundle:
    """Validate a decoded document as a bundle; errors name `source` and the path inside it."""
    prefix = f"{source}: " if source else ""
    if not isinstance(data, dict):
        raise InvalidInputError.one(f"{prefix}(document)", "a bundle must be a mapping of lists")
    try:
        return Bundle.model_validate(data)
    except ValidationError as error:
        raise InvalidInputError(_problems_from_validation(error, prefix)) from None


TOO_DEEP = "nested too deeply: a bundle is a mapping of lists of flat items, a few levels deep"


class _LineLoader(yaml.SafeLoader):
    """A YAML loader that remembers where each list item starts, for error messages."""


def read_bundle_file(path: Path) -> Bundle:
    """Read one `.json`, `.yaml` or `.yml` bundle file, with errors naming the file and the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInputError.one(str(path), f"cannot be read: {error}") from None
    try:
        if path.suffix == ".json":
            data = json.loads(text)
        elif path.suffix in (".yaml", ".yml"):
            data = yaml.load(text, Loader=_LineLoader)
        else:
            raise InvalidInputError.one(str(path), "a bundle file must end in .json, .yaml or .yml")
    except RecursionError:
        # Both parsers recurse per level; a bundle is a few levels deep, so this is never data.
        raise InvalidInputError.one(str(path), TOO_DEEP) from None
    except json.JSONDecodeError as error:
        raise InvalidInputError.one(f"{path}:{error.lineno}", f"invalid JSON: {error.msg}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise InvalidInputError.one(where, f"invalid YAML: {getattr(error, 'problem', error)}") from None
    if data is None:
        data = {}
    try:
        return parse_bundle(data)
    except InvalidInputError as error:
        lines = item_lines(path)
        raise InvalidInputError(
            [FieldProblem(_with_line(path, p.field, lines), p.reason) for p in error.problems]
        ) from None


def item_lines(path: Path) -> dict[tuple[str, int], int]:
    """Map (top-level list, index) to the line where that item starts in a YAML file (empty for JSON)."""
    if path.suffix == ".json":
        return {}
    try:
        return _item_lines(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError):
        return {}


def _item_lines(text: str) -> dict[tuple[str, int], int]:
    """Map (top-level list, index) to the 1-based line where that item starts."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    lines: dict[tuple[str, int], int] = {}
    if not isinstance(node, yaml.MappingNode):
        return lines
    for key, value in node.value:
        if isinstance(value, yaml.SequenceNode):
            for index, item in enumerate(value.value):
                lines[(str(key.value), index)] = item.start_mark.line + 1
    return lines


def _with_line(path: Path, field: str, lines: dict[tuple[str, int], int]) -> str:
    match = ITEM_PATH.match(field)
    line = lines.get((match.group(1), int(match.group(2)))) if match else None
    return f"{path}:{line}: {field}" if line is not None else f"{path}: {field}"


def dump_bundle(bundle: Bundle, path: Path) -> None:
    data = bundle.model_dump(mode="json", exclude_defaults=False)
    if path.suffix == ".json":
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
