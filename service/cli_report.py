"""`attestgraph report ENGAGEMENT --out DIR`: the auditor's package of an engagement as files
(graph/reports/package.py), the same files the REST route zips.

Like every CLI command it works on the store directly with the operator's rights (`cli:<user>`,
admin); it only reads, so, like `export` and the route, it adds nothing to the audit log: the
manifest's audit-log head is the log as it stood when the package was made.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Optional

import typer

from graph.errors import AttestgraphError, InvalidInputError
from graph.model import now_utc
from graph.reports.package import FILES, MANIFEST, package_source, write_folder
from service.cli_errors import fail
from service.settings import Settings


def _check_out(out: Path, force: bool) -> None:
    """A new or empty folder, or with --force one whose earlier package files are removed first
    (so a Type I package written over a Type II one leaves no stale gaps.csv behind)."""
    if out.exists() and not out.is_dir():
        raise InvalidInputError.one("--out", f"{out} is a file, not a folder")
    if not out.exists() or not any(out.iterdir()):
        return
    if not force:
        raise InvalidInputError.one("--out", f"{out} is not empty (pass --force to write the package into it)")
    for name in [*(f.name for f in FILES), MANIFEST]:
        (out / name).unlink(missing_ok=True)


def report(
    engagement: Annotated[str, typer.Argument(help="The engagement's id.")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the package into (new or empty).")],
    force: Annotated[bool, typer.Option(help="Write into a folder that is not empty.")] = False,
    data_dir: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(help="Embedded store folder (default: ./data)."),
    ] = None,
    generated_at: Annotated[
        Optional[datetime],  # noqa: UP045
        typer.Option(hidden=True, help="Stamp the package as made at this UTC instant (tests, reproductions)."),
    ] = None,
) -> None:
    """Write an engagement's audit package: coverage matrix, Type II gaps, populations and samples,
    crosswalk, exceptions and remediation (CSV), OSCAL assessment results and POA&M, and a manifest
    with the SHA-256 of each file and the audit-log head."""
    stamp = generated_at.replace(tzinfo=UTC) if generated_at else None  # typer's datetimes are naive: UTC
    try:
        _check_out(out, force)
        store = Settings.from_env(data_dir=data_dir).open_store(read_only=True)
        try:
            source = package_source(store, engagement, stamp or now_utc().replace(microsecond=0), "ENGAGEMENT")
            names = write_folder(source, out)
        finally:
            store.close()
    except AttestgraphError as error:
        fail(error)
    typer.echo(f"wrote {len(names)} files to {out}: {', '.join(names)}")
