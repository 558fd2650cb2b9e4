"""`attestgraph import --nessus|--cyclonedx|--openlineage FILE`: another tool's file in one
audited, all-or-nothing write (graph/imports/registry.py)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from graph.errors import AttestgraphError, InvalidInputError
from graph.imports.registry import ImportFormat, ImportOptions, file_sha256, run_import
from service.cli_errors import fail
from service.cli_security import cli_draft
from service.settings import Settings


def chosen_format(nessus: bool, cyclonedx: bool, openlineage: bool, oscal: bool) -> ImportFormat | None:
    """The tool format the flags name (none: a bundle or OSCAL); two at once is refused."""
    named = [
        f
        for f, on in (
            (ImportFormat.NESSUS, nessus),
            (ImportFormat.CYCLONEDX, cyclonedx),
            (ImportFormat.OPENLINEAGE, openlineage),
        )
        if on
    ]
    if len(named) + int(oscal) > 1:
        fail(InvalidInputError.one("--nessus/--cyclonedx/--openlineage/--oscal", "name one format per import"))
    return named[0] if named else None


def import_tool_file(
    settings: Settings, fmt: ImportFormat, file: Path, control: str | None, create_assets: bool, as_json: bool
) -> None:
    try:
        if not file.is_file():
            raise InvalidInputError.one("FILE", f"{file} is not a file")
        data = file.read_bytes()
        options = ImportOptions(control=control, create_assets=create_assets, source_name=file.name)
        store = settings.open_store()
        try:
            draft = cli_draft(
                f"import --{fmt.value}",
                {"file": file_sha256(data), "control": control, "create_assets": create_assets},
            )
            report = run_import(store, fmt, data, options, draft)
        finally:
            store.close()
    except AttestgraphError as error:
        fail(error)
    typer.echo(json.dumps(report.as_json(), indent=2) if as_json else report.summary_line())
