"""The file formats Attestgraph imports from other tools, and the one way any of them is run.

Every importer turns one file into one all-or-nothing, audited write, the same from the CLI
(`attestgraph import --nessus|--cyclonedx|--openlineage FILE`), the REST upload route
(`POST /api/imports/{format}`) and the demo's seed folder (seeds/demo/imports/). Repeating an
import changes nothing the first did not (idempotent). An importer is named here as
`module:function` and loaded on first use, so a format's parser library is only imported when
that format is.
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, cast

import yaml

from graph.access.audit import AuditDraft, audited
from graph.errors import InvalidInputError
from graph.store import GraphStore

# Refused before parsing: a file this large is not a scan, a BOM or a lineage batch we expect.
MAX_IMPORT_BYTES = 50 * 1024 * 1024


class ImportFormat(StrEnum):
    NESSUS = "nessus"
    CYCLONEDX = "cyclonedx"
    OPENLINEAGE = "openlineage"


@dataclass(frozen=True)
class ImportOptions:
    control: str | None = None  # the control the file is recorded as evidence for, where the format allows
    create_assets: bool = False  # make the assets no identifier matched (kind inferred) instead of reporting them
    shift: timedelta = timedelta(0)  # moves every instant read from the file (the demo's rebase to today)
    source_name: str = ""  # the file's name as given (reports and evidence titles), never a path to open


@dataclass(frozen=True)
class ImportReport:
    """What one import did: counts by what was written, and what it could not place."""

    format: ImportFormat
    counts: dict[str, int] = field(default_factory=dict)  # e.g. {"findings_new": 3, "findings_fixed": 1}
    unmatched: list[str] = field(default_factory=list)  # identifier keys no asset holds (not created)
    created_assets: list[str] = field(default_factory=list)
    evidence: str | None = None  # the evidence item recorded, if any
    not_covered: list[str] = field(default_factory=list)  # assets seen that the evidence may not speak for
    written: bool = True  # False when the file changed nothing (a repeated import)

    def as_json(self) -> dict[str, Any]:
        return {
            "format": self.format.value,
            "counts": dict(sorted(self.counts.items())),
            "unmatched": self.unmatched,
            "created_assets": self.created_assets,
            "evidence": self.evidence,
            "not_covered": self.not_covered,
            "written": self.written,
        }

    def summary_line(self) -> str:
        counts = ", ".join(f"{name.replace('_', ' ')} {value}" for name, value in sorted(self.counts.items()))
        parts = [f"imported {self.format.value}: {counts or 'nothing new'}"]
        if self.evidence:
            parts.append(f"evidence {self.evidence}")
        if self.created_assets:
            parts.append(f"{len(self.created_assets)} assets created")
        if self.not_covered:
            parts.append(f"not covered (outside the control's scope): {', '.join(self.not_covered[:10])}")
        if self.unmatched:
            parts.append(f"{len(self.unmatched)} identifiers matched no asset: {', '.join(self.unmatched[:10])}")
        return "; ".join(parts)


# store, the file's bytes, options -> report. The importer writes at most once (inside `audited`).
Importer = Callable[[GraphStore, bytes, ImportOptions], ImportReport]

IMPORTERS: dict[ImportFormat, str] = {
    ImportFormat.OPENLINEAGE: "graph.imports.openlineage:import_openlineage",
    ImportFormat.CYCLONEDX: "graph.imports.cyclonedx:import_cyclonedx",
    ImportFormat.NESSUS: "graph.imports.nessus_apply:import_nessus",
}


def file_sha256(data: bytes) -> str:
    """The SHA-256 of an imported file's bytes: the evidence item's `sha256`, and what the audit
    entry keeps of the upload (a 50 MB file is hashed, never copied into a JSON text first)."""
    return hashlib.sha256(data).hexdigest()


def importer(fmt: ImportFormat) -> Importer:
    target = IMPORTERS.get(fmt)
    if target is None:
        raise InvalidInputError.one("format", f"'{fmt.value}' imports are not available in this build")
    module, name = target.split(":")
    return cast(Importer, getattr(importlib.import_module(module), name))


def parse_format(text: str, field_name: str = "format") -> ImportFormat:
    try:
        return ImportFormat(text)
    except ValueError:
        known = ", ".join(f.value for f in ImportFormat)
        reason = f"'{text[:50]}' is not a format Attestgraph imports ({known})"
        raise InvalidInputError.one(field_name, reason) from None


def run_import(
    store: GraphStore, fmt: ImportFormat, data: bytes, options: ImportOptions, draft: AuditDraft
) -> ImportReport:
    """Import `data` as `fmt` in one write that commits `draft`'s audit entry with it."""
    if len(data) > MAX_IMPORT_BYTES:
        raise InvalidInputError.one("file", f"is {len(data)} bytes; imports are limited to {MAX_IMPORT_BYTES}")
    if not data.strip():
        raise InvalidInputError.one("file", "is empty")
    run = importer(fmt)
    with audited(draft):
        return run(store, data, options)


@dataclass(frozen=True)
class PlannedImport:
    """One file of a seed folder's `imports/imports.yaml` manifest and how to import it."""

    path: Path
    format: ImportFormat
    control: str | None = None
    create_assets: bool = False


def demo_import_files(folder: Path) -> list[PlannedImport]:
    """The imports a seed folder lists in `imports/imports.yaml`, in its order (a list of
    `{file, format, control?, create_assets?}`); none when it has no such manifest."""
    manifest = folder / "imports" / "imports.yaml"
    if not manifest.is_file():
        return []
    entries = yaml.safe_load(manifest.read_text(encoding="utf-8")) or []
    if not isinstance(entries, list):
        raise InvalidInputError.one(str(manifest), "must be a list of {file, format, control?, create_assets?}")
    planned = []
    for index, entry in enumerate(entries):
        where = f"{manifest}: [{index}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
            raise InvalidInputError.one(where, "needs `file` (a name in the same folder) and `format`")
        path = manifest.parent / entry["file"]
        if path.parent != manifest.parent or not path.is_file():
            raise InvalidInputError.one(f"{where}.file", f"'{entry['file']}' is not a file beside the manifest")
        planned.append(
            PlannedImport(
                path=path,
                format=parse_format(str(entry.get("format", "")), f"{where}.format"),
                control=entry.get("control"),
                create_assets=bool(entry.get("create_assets", False)),
            )
        )
    return planned
