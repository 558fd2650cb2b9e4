"""OSCAL files in and out of a store: `export_oscal` writes a folder, `import_oscal` reads one file or a folder.

Both go through the `GraphStore` protocol only. An import is one `store.write`: all or nothing,
and every problem the write finds is named by the JSON path it came from.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from graph.bundle import Bundle
from graph.errors import FieldProblem, InvalidInputError
from graph.model import Criterion, Framework, Label, natural_key
from graph.oscal.catalog import CATALOG_ROOT, framework_catalog, oscal_ids, read_catalog
from graph.oscal.common import OscalImport
from graph.oscal.mapping import ROOT as MAPPING_ROOT
from graph.oscal.mapping import CatalogRef, ResolvedCatalog, crosswalk_collection, read_mapping_collection
from graph.store import GraphStore, WriteSummary

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class ExportSummary:
    catalogs: list[Path]
    collections: list[Path]


@dataclass(frozen=True)
class ImportSummary:
    kind: str
    written: WriteSummary
    framework: str | None
    frameworks: list[str]
    criteria: int
    mappings: int
    skipped: int


def catalog_file_name(framework_id: str) -> str:
    return f"{_UNSAFE.sub('_', framework_id)}.catalog.json"


def mapping_file_name(a: str, b: str) -> str:
    return f"{_UNSAFE.sub('_', a)}--{_UNSAFE.sub('_', b)}.mapping.json"


def export_oscal(store: GraphStore, directory: Path, *, now: datetime) -> ExportSummary:
    """Write each framework as an OSCAL catalog and the crosswalk between each pair of frameworks
    (and within one) that has one as an OSCAL mapping collection, into `directory` (created if missing)."""
    frameworks: list[Framework] = _all_frameworks(store)
    criteria: dict[str, list[Criterion]] = {f.id: store.framework_criteria(f.id) for f in frameworks}
    documents: list[tuple[Path, dict[str, Any]]] = []
    refs: dict[str, CatalogRef] = {}
    for framework in frameworks:
        name = catalog_file_name(framework.id)
        documents.append((directory / name, framework_catalog(framework, criteria[framework.id], last_modified=now)))
        refs[framework.id] = CatalogRef(framework=framework, href=name, oscal_ids=oscal_ids(criteria[framework.id]))
    catalogs = [path for path, _ in documents]
    collections = []
    for i, a in enumerate(frameworks):
        for b in frameworks[i:]:  # b is a: the crosswalk within one framework
            mappings = store.mappings_between(a.id, b.id)
            if not mappings:
                continue
            path = directory / mapping_file_name(a.id, b.id)
            documents.append((path, crosswalk_collection(refs[a.id], refs[b.id], mappings, last_modified=now)))
            collections.append(path)
    directory.mkdir(parents=True, exist_ok=True)
    for path, document in documents:  # every document is built before the first file is written
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return ExportSummary(catalogs=catalogs, collections=collections)


def _all_frameworks(store: GraphStore) -> list[Framework]:
    found: list[Framework] = []
    after: str | None = None
    while True:
        page = store.list_nodes(Label.FRAMEWORK, first=500, after=after)
        found.extend(n for n in page if isinstance(n, Framework))
        if len(page) < 500:
            return sorted(found, key=lambda f: natural_key(f.id))
        after = page[-1].id


def read_oscal(path: Path, framework_id: str | None = None) -> OscalImport:
    """Read an OSCAL catalog or mapping collection (JSON) as a bundle; nothing is written."""
    data = read_json(path)
    kind = _root(data, path)
    if kind == CATALOG_ROOT:
        return read_catalog(data, str(path), framework_id).imported
    if framework_id is not None:
        raise InvalidInputError.one("--framework-id", "applies to catalogs only; this file is a mapping collection")
    return read_mapping_collection(data, str(path), lambda href: _catalog_beside(path, href))


def read_oscal_folder(directory: Path) -> OscalImport:
    """Read every OSCAL file (`*.json`) of a folder, as `export_oscal` writes one, as one import:
    catalogs first, then mapping collections (which may name those catalogs), each kind in
    natural order of file name. Nothing is written; every file's problems are reported."""
    files = sorted((p for p in directory.glob("*.json") if p.is_file()), key=lambda p: natural_key(p.name))
    if not files:
        raise InvalidInputError.one(str(directory), "holds no OSCAL file (*.json)")
    read: list[OscalImport] = []
    problems: list[FieldProblem] = []
    for path in files:
        try:
            read.append(read_oscal(path))
        except InvalidInputError as error:
            problems += error.problems
    if problems:
        raise InvalidInputError(problems)
    read.sort(key=lambda i: i.kind != "catalog")  # stable: catalogs before mappings
    return merge_imports(read)


def merge_imports(imports: list[OscalImport]) -> OscalImport:
    """Several files' imports as one bundle (one all-or-nothing write), each path naming its file."""
    lists: dict[str, list[Any]] = {"frameworks": [], "criteria": [], "mappings": []}
    origins: dict[str, list[dict[str, str]]] = {name: [] for name in lists}
    skipped: list[str] = []
    frameworks: dict[str, str] = {}
    for one in imports:
        for name, items in lists.items():
            items.extend(getattr(one.bundle, name))
            paths = one.origins.get(name, [])
            origins[name] += [{k: one.where(v) for k, v in entry.items()} for entry in paths]
        skipped += [one.where(path) for path in one.skipped]
        for framework_id, path in one.frameworks.items():
            frameworks.setdefault(framework_id, one.where(path))
    return OscalImport(
        kind="folder",
        source="",
        bundle=Bundle(**lists),
        origins=origins,
        skipped=skipped,
        frameworks=frameworks,
    )


def import_oscal(store: GraphStore, path: Path, framework_id: str | None = None) -> ImportSummary:
    """Import one OSCAL file, or a folder of them, in one all-or-nothing write."""
    if path.is_dir():
        if framework_id is not None:
            raise InvalidInputError.one("--framework-id", "applies to one catalog file, not a folder")
        return write_import(store, read_oscal_folder(path))
    return write_import(store, read_oscal(path, framework_id))


def write_import(store: GraphStore, imported: OscalImport) -> ImportSummary:
    """Write what `read_oscal` read, in one all-or-nothing write; problems the write finds are
    named by the JSON path they came from. Mappings between frameworks that neither the import
    nor the store holds are refused with one problem naming those frameworks (not one per map)."""
    _require_frameworks(store, imported)
    try:
        written = store.write(imported.bundle, immutable_evidence=True)
    except InvalidInputError as error:
        raise imported.locate(error) from None
    bundle = imported.bundle
    return ImportSummary(
        kind=imported.kind,
        written=written,
        framework=bundle.frameworks[0].id if bundle.frameworks else None,
        frameworks=[f.id for f in bundle.frameworks],
        criteria=len(bundle.criteria),
        mappings=len(bundle.mappings),
        skipped=len(imported.skipped),
    )


def _require_frameworks(store: GraphStore, imported: OscalImport) -> None:
    named = {f for f in imported.frameworks if f not in {fw.id for fw in imported.bundle.frameworks}}
    missing = sorted(named - store.get_nodes(Label.FRAMEWORK, named).keys(), key=natural_key) if named else []
    if missing:
        listed = ", ".join(f"'{f}'" for f in missing)
        which = f"frameworks {listed}, which do" if len(missing) > 1 else f"framework {listed}, which does"
        raise InvalidInputError.one(
            imported.where(imported.frameworks[missing[0]]),
            f"the mappings need {which} not exist: import the catalogs first, or the whole folder with "
            "import --oscal DIR",
        )


def read_json(path: Path) -> object:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInputError.one(str(path), f"cannot be read: {error}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInputError.one(f"{path}:{error.lineno}", f"invalid JSON: {error.msg}") from None


def _root(data: object, path: Path) -> str:
    roots = [key for key in (CATALOG_ROOT, MAPPING_ROOT) if isinstance(data, dict) and key in data]
    if len(roots) == 1 and isinstance(data, dict) and len(data) == 1:
        return roots[0]
    found = ", ".join(sorted(data)) if isinstance(data, dict) else type(data).__name__
    raise InvalidInputError.one(
        f"{path}: (document)",
        f"an OSCAL document here has one root, 'catalog' or 'mapping-collection'; found {found or 'none'}",
    )


def _catalog_beside(mapping_file: Path, href: str) -> ResolvedCatalog | None:
    """The catalog a mapping resource names, if it is a local file beside the mapping file."""
    if "://" in href or href.startswith("#"):
        return None
    candidate = mapping_file.parent / href
    if not candidate.is_file():
        return None
    try:
        data = read_json(candidate)
        if not isinstance(data, dict) or CATALOG_ROOT not in data:
            return None
        read = read_catalog(data, str(candidate))
    except InvalidInputError:
        return None
    return ResolvedCatalog(framework_id=read.framework.id, criterion_of=read.criterion_of)


__all__ = [
    "ExportSummary",
    "ImportSummary",
    "export_oscal",
    "import_oscal",
    "read_oscal",
    "read_oscal_folder",
    "write_import",
]
