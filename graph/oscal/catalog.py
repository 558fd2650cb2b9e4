"""A framework as an OSCAL catalog, and an OSCAL catalog as a framework.

Export: the framework is the catalog (metadata title = name, version, the publisher as the
`creator` party, the licence note as remarks); a criterion with children is a group and a leaf
criterion is a control, nested as CHILD_OF says. Each carries its ref as OSCAL's `label`
property and its description as a `statement` part (controls) or `overview` part (groups);
Attestgraph's own facts (framework id, criterion id, category) are properties in our namespace
(`graph.oscal.common.NS`), so importing an exported catalog reproduces the framework exactly.

Import: groups and controls become criteria, nested as in the catalog (a control's enhancements
are children of the control). For a catalog Attestgraph wrote, our properties are authoritative.
For any other catalog: the framework id is `--framework-id` or derived from the title; a
criterion's ref is its `label` property (the one without a class, else the first, else the
OSCAL id) and its id is `<framework id>:<ref>`; its description is its statement (or overview)
flattened to text, parameters rendered as `[Assignment: …]` / `[Selection: …]`; its category
is the title of the top-level group it sits in; every control is assessable (an 800-53 base
control with enhancements states a requirement of its own) and no group is. The default
framework id is `graph.oscal.common.short_id` of the title (`nist-sp-800-53-rev5-moderate`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from graph.bundle import Bundle
from graph.errors import FieldProblem, InvalidInputError
from graph.model import Criterion, Framework, natural_key
from graph.oscal.common import (
    NS,
    OSCAL_VERSION,
    OscalImport,
    duplicate_problems,
    find_prop,
    is_line,
    is_prop_value,
    our_prop,
    short_id,
    stable_uuid,
    token,
    validation_problems,
)
from graph.oscal.models import CatalogDocument, Control, Group, Metadata, Param
from graph.oscal.prose import all_params, cut, description

CATALOG_ROOT = "catalog"
MAX_TITLE = 500
MAX_CATEGORY = 200
MAX_PUBLISHER = 200
MAX_VERSION = 100


# ------------------------------------------------------------------------------------ export


def oscal_ids(criteria: list[Criterion]) -> dict[str, str]:
    """Criterion id -> OSCAL control/group id (its ref as a token, made unique in natural order).

    Mapping collections refer to controls by these ids, so both exports compute them here."""
    taken: set[str] = set()
    ids: dict[str, str] = {}
    for criterion in sorted(criteria, key=lambda c: (natural_key(c.ref), natural_key(c.id))):
        base = token(criterion.ref)
        candidate, n = base, 1
        while candidate in taken:
            n += 1
            candidate = f"{base}_{n}"
        taken.add(candidate)
        ids[criterion.id] = candidate
    return ids


def framework_catalog(framework: Framework, criteria: list[Criterion], *, last_modified: datetime) -> dict[str, Any]:
    """The OSCAL catalog document (JSON-ready) of one framework and its criteria."""
    problems = _unexportable(framework, criteria)
    ids = oscal_ids(criteria)
    members = {c.id for c in criteria}
    children: dict[str | None, list[Criterion]] = defaultdict(list)
    for c in criteria:
        children[c.parent if c.parent in members else None].append(c)
    for siblings in children.values():
        siblings.sort(key=lambda c: (natural_key(c.ref), natural_key(c.id)))

    reached: set[str] = set()

    def entry(c: Criterion) -> dict[str, Any]:
        reached.add(c.id)
        item: dict[str, Any] = {"id": ids[c.id], "title": c.title, "props": _criterion_props(c)}
        kids = children.get(c.id, [])
        if c.description:
            name, suffix = ("overview", "ovw") if kids else ("statement", "smt")  # NIST's part id style
            item["parts"] = [{"id": f"{ids[c.id]}_{suffix}", "name": name, "prose": c.description}]
        if kids:
            groups = [entry(k) for k in kids if k.id in children]
            controls = [entry(k) for k in kids if k.id not in children]
            if groups:
                item["groups"] = groups
            if controls:
                item["controls"] = controls
        return item

    roots = children.get(None, [])
    groups = [entry(c) for c in roots if c.id in children]
    controls = [entry(c) for c in roots if c.id not in children]
    for c in criteria:
        if c.id not in reached:
            problems.append(FieldProblem(f"criterion {c.id}.parent", "is part of a CHILD_OF cycle: fix the hierarchy"))
    if problems:
        raise InvalidInputError(problems)

    catalog: dict[str, Any] = {
        "uuid": stable_uuid("catalog", framework.id, last_modified.isoformat()),
        "metadata": _metadata(framework, last_modified),
    }
    if controls:
        catalog["controls"] = controls
    if groups:
        catalog["groups"] = groups
    return {CATALOG_ROOT: catalog}


def _metadata(framework: Framework, last_modified: datetime) -> dict[str, Any]:
    props = [our_prop("framework-id", framework.id)]
    if not framework.version:
        props.append(our_prop("version-unspecified", "true"))
    metadata: dict[str, Any] = {
        "title": framework.name,
        "last-modified": last_modified.isoformat().replace("+00:00", "Z"),
        "version": framework.version or "unspecified",
        "oscal-version": OSCAL_VERSION,
        "props": props,
    }
    if framework.publisher:
        party = stable_uuid("party", framework.publisher)
        metadata["roles"] = [{"id": "creator", "title": "Document Creator"}]
        metadata["parties"] = [{"uuid": party, "type": "organization", "name": framework.publisher}]
        metadata["responsible-parties"] = [{"role-id": "creator", "party-uuids": [party]}]
    if framework.license_note:
        metadata["remarks"] = framework.license_note
    return metadata


def _criterion_props(c: Criterion) -> list[dict[str, str]]:
    props = [{"name": "label", "value": c.ref}, our_prop("criterion-id", c.id)]
    if c.category:
        props.append(our_prop("category", c.category))
    if c.assessable is not None:
        props.append(our_prop("assessable", "true" if c.assessable else "false"))
    return props


def _unexportable(framework: Framework, criteria: list[Criterion]) -> list[FieldProblem]:
    """Values OSCAL cannot hold: titles are one line, property values one trimmed line."""
    problems = []
    checks: list[tuple[str, str, bool]] = [
        (f"framework {framework.id}.name", framework.name, is_line(framework.name)),
        (f"framework {framework.id}.version", framework.version, _optional_value(framework.version)),
        (f"framework {framework.id}.publisher", framework.publisher, _optional_value(framework.publisher)),
    ]
    for c in criteria:
        checks += [
            (f"criterion {c.id}.title", c.title, is_line(c.title)),
            (f"criterion {c.id}.ref", c.ref, is_prop_value(c.ref)),
            (f"criterion {c.id}.category", c.category, _optional_value(c.category)),
        ]
    for where, value, ok in checks:
        if not ok:
            reason = f"{value[:60]!r} cannot be written to OSCAL: it must be one line without surrounding spaces"
            problems.append(FieldProblem(where, reason))
    return problems


def _optional_value(text: str) -> bool:
    return not text or is_prop_value(text)


# ------------------------------------------------------------------------------------ import


@dataclass
class CatalogImport:
    """A catalog read as a framework, with what a mapping collection needs to refer to it."""

    imported: OscalImport
    framework: Framework
    # OSCAL control/group id -> criterion id
    criterion_of: dict[str, str]


def read_catalog(data: object, source: str, framework_id: str | None = None) -> CatalogImport:
    """Read an OSCAL catalog document as a framework and its criteria; `InvalidInputError`
    names the JSON path and reason of every problem, and nothing is returned half-read."""
    prefix = f"{source}: "
    try:
        catalog = CatalogDocument.model_validate(data).catalog
    except ValidationError as error:
        raise InvalidInputError(validation_problems(error, prefix)) from None
    own_id = _own_framework_id(catalog.metadata)
    framework = _framework(catalog.metadata, framework_id, own_id, prefix)
    reader = _Reader(framework, ours=own_id is not None and framework.id == own_id, prefix=prefix)
    reader.params = {p.id: p for p in all_params(catalog)}
    for i, g in enumerate(catalog.groups):
        reader.visit(g, f"{CATALOG_ROOT}.groups[{i}]", None, g.title)
    for i, c in enumerate(catalog.controls):
        reader.visit(c, f"{CATALOG_ROOT}.controls[{i}]", None, "")
    problems = reader.problems
    problems += duplicate_problems(reader.oscal_keys, "OSCAL id", source)
    problems += duplicate_problems(reader.criterion_keys, "criterion id", source)
    if problems:
        raise InvalidInputError(problems)
    imported = OscalImport(
        kind="catalog",
        source=source,
        bundle=Bundle(frameworks=[framework], criteria=reader.criteria),
        origins={"frameworks": [{"": f"{CATALOG_ROOT}.metadata"}], "criteria": reader.origins},
    )
    return CatalogImport(imported=imported, framework=framework, criterion_of=reader.criterion_of)


class _Reader:
    """Walks a catalog's groups and controls, parents before children, collecting criteria."""

    def __init__(self, framework: Framework, *, ours: bool, prefix: str) -> None:
        self.framework = framework
        self.ours = ours
        self.prefix = prefix
        self.params: dict[str, Param] = {}
        self.problems: list[FieldProblem] = []
        self.criteria: list[Criterion] = []
        self.origins: list[dict[str, str]] = []
        self.criterion_of: dict[str, str] = {}
        self.oscal_keys: list[tuple[str, str]] = []
        self.criterion_keys: list[tuple[str, str]] = []

    def visit(self, item: Group | Control, path: str, parent: str | None, top_title: str) -> None:
        criterion_id = self._criterion(item, path, parent, top_title)
        if criterion_id is None:
            return  # refused: its problem is reported, its subtree is not read
        if isinstance(item, Group):
            for i, g in enumerate(item.groups):
                self.visit(g, f"{path}.groups[{i}]", criterion_id, top_title)
        for i, c in enumerate(item.controls):
            self.visit(c, f"{path}.controls[{i}]", criterion_id, top_title)

    def _criterion(self, item: Group | Control, path: str, parent: str | None, top_title: str) -> str | None:
        if item.id is not None:
            self.oscal_keys.append((item.id, f"{path}.id"))
        ref, ref_path = _ref(item, path)
        own = find_prop(item.props, "criterion-id", ours=True) if self.ours else None
        criterion_id = own[1].value if own else f"{self.framework.id}:{ref}"
        id_path = f"{path}.props[{own[0]}].value" if own else ref_path
        self.criterion_keys.append((criterion_id, id_path))
        if self.ours:
            category_prop = find_prop(item.props, "category", ours=True)
            category = category_prop[1].value if category_prop else ""
            assessable_prop = find_prop(item.props, "assessable", ours=True)
            assessable = assessable_prop[1].value == "true" if assessable_prop else None
        else:
            category = cut(top_title, MAX_CATEGORY)
            # An OSCAL control states a requirement (a base 800-53 control with enhancements too);
            # a group only gathers them.
            assessable = isinstance(item, Control)
        try:
            criterion = Criterion(
                id=criterion_id,
                ref=ref,
                title=item.title if self.ours else cut(item.title, MAX_TITLE),
                framework=self.framework.id,
                category=category,
                description=description(item, self.params, exact=self.ours),
                parent=parent,
                assessable=assessable,
            )
        except ValidationError as error:
            for e in error.errors():
                name = str(e["loc"][0]) if e["loc"] else ""
                where = {"id": id_path, "ref": ref_path, "title": f"{path}.title"}.get(name, path)
                reason = f"{name}: {e['msg']}" if name else e["msg"]
                self.problems.append(FieldProblem(f"{self.prefix}{where}", reason))
            return None
        self.criteria.append(criterion)
        self.origins.append({"": path, ".parent": path, ".framework": f"{CATALOG_ROOT}.metadata"})
        if item.id is not None:
            self.criterion_of[item.id] = criterion_id
        return criterion_id


def _own_framework_id(metadata: Metadata) -> str | None:
    found = find_prop(metadata.props, "framework-id", ours=True)
    return found[1].value if found else None


def _framework(metadata: Metadata, given: str | None, own_id: str | None, prefix: str) -> Framework:
    ours = own_id is not None and (given is None or given == own_id)
    framework_id = given or own_id or short_id(metadata.title)
    unspecified = find_prop(metadata.props, "version-unspecified", ours=True) is not None
    version = "" if (ours and unspecified) else metadata.version
    try:
        return Framework(
            id=framework_id,
            name=metadata.title if ours else cut(metadata.title, MAX_TITLE),
            version=version if ours else cut(version, MAX_VERSION),
            publisher=_publisher(metadata) if ours else cut(_publisher(metadata), MAX_PUBLISHER),
            license_note=metadata.remarks or "",
        )
    except ValidationError as error:
        problems = []
        for e in error.errors():
            name = str(e["loc"][0]) if e["loc"] else ""
            if name == "id":
                where = "--framework-id" if given else f"{prefix}{CATALOG_ROOT}.metadata.title"
                reason = f"framework id '{framework_id}' is not a valid id ({e['msg']})"
                if not given:
                    reason += "; give one with --framework-id"
                problems.append(FieldProblem(where, reason))
            else:
                problems.append(FieldProblem(f"{prefix}{CATALOG_ROOT}.metadata", f"{name}: {e['msg']}"))
        raise InvalidInputError(problems) from None


def _publisher(metadata: Metadata) -> str:
    names = {p.uuid: p.name for p in metadata.parties if p.name}
    for rp in metadata.responsible_parties:
        if rp.role_id == "creator":
            for party in rp.party_uuids:
                if party in names:
                    return names[party] or ""
    return ""


def _ref(item: Group | Control, path: str) -> tuple[str, str]:
    """The criterion ref of a group or control and the JSON path it was read from."""
    labels = [(i, p) for i, p in enumerate(item.props) if p.name == "label" and p.ns is None]
    plain = [(i, p) for i, p in labels if p.class_ is None]
    chosen = plain[0] if plain else (labels[0] if labels else None)
    if chosen is not None:
        return chosen[1].value, f"{path}.props[{chosen[0]}].value"
    if item.id is not None:
        return item.id, f"{path}.id"
    return item.title, f"{path}.title"


__all__ = ["NS", "CatalogImport", "framework_catalog", "oscal_ids", "read_catalog"]
