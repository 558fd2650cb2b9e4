"""The `attestgraph` command: serve, load, import, export, validate, report."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from graph.access.audit import audited
from graph.bundle import bundle_json_schema, dump_bundle, read_bundle_file
from graph.checks.file_loads import require_digests
from graph.checks.references import check_bundle
from graph.errors import AttestgraphError, FieldProblem, InvalidInputError
from graph.model import now_utc
from graph.seeds import DEMO_REFERENCE, read_seed_files, rebase_dates
from service.cli_errors import fail
from service.cli_report import report
from service.cli_samples import sample
from service.cli_security import audit_app, cli_draft, keys_app
from service.cli_serve import serve
from service.mcp.stdio import mcp
from service.settings import Settings

app = typer.Typer(help="Attestgraph: a compliance knowledge graph for AI systems.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
app.add_typer(audit_app, name="audit")
app.command()(serve)
app.command()(report)
app.command()(sample)
app.command()(mcp)

MAX_ROWS = 1_000_000  # `exceptions` prints every row: an engagement has tens

DataDir = Annotated[Optional[Path], typer.Option(help="Embedded store folder (default: ./data).")]  # noqa: UP045


@app.command()
def load(
    paths: Annotated[list[Path], typer.Argument(help="Bundle files or folders of them (YAML or JSON).")],
    data_dir: DataDir = None,
    rebase_demo: Annotated[bool, typer.Option(help="Shift dates so the demo's reference day falls on today.")] = False,
    each_file: Annotated[
        bool,
        typer.Option(
            help="Bulk load: write each file as its own all-or-nothing write, in name order (a file may "
            "refer to what earlier files hold). A failure stops the load; the files before it stay loaded."
        ),
    ] = False,
    bulk: Annotated[
        bool,
        typer.Option(
            help="Neo4j only: import into the empty database of the server the project starts itself "
            "(tools/neo4j), stopping and starting it; far faster than the online load. Refused if the "
            "database holds anything. A remote server is loaded without it."
        ),
    ] = False,
    neo4j_home: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(help="With --bulk: the tools/neo4j server's data dir (default: NEO4J_HOME_DIR, or .neo4j-data)."),
    ] = None,
) -> None:
    """Load bundles into the configured store, all files as one all-or-nothing write."""
    settings = Settings.from_env(data_dir=data_dir)
    if bulk:
        if each_file:
            fail(InvalidInputError.one("--bulk", "loads every file in one import; leave out --each-file"))
        from service.cli_bulk import load_bulk

        load_bulk(settings, paths, rebase_demo, neo4j_home)
        return
    if each_file:
        _load_each_file(settings, paths, rebase_demo)
        return
    try:
        bundle, provenance = read_seed_files(*paths)
        if rebase_demo:
            bundle = rebase_dates(bundle, DEMO_REFERENCE, now_utc())
        try:
            require_digests(bundle)
        except InvalidInputError as error:
            raise provenance.locate(error) from None
        store = settings.open_store()
        try:
            # Recorded evidence is never rewritten, here as through the API; the load is audited.
            with audited(cli_draft("load", bundle.model_dump(mode="json"))):
                summary = store.write(bundle, immutable_evidence=True)
        except InvalidInputError as error:
            raise provenance.locate(error) from None
        finally:
            store.close()
    except AttestgraphError as error:
        fail(error)
    typer.echo(f"loaded {summary.nodes} nodes and {summary.edges} relationships into the {settings.store} store")


def _load_each_file(settings: Settings, paths: list[Path], rebase_demo: bool) -> None:
    """`load --each-file`: one write per file, so a graph of millions of items streams through in
    chunks (bench/README.md) instead of one transaction holding all of it."""
    from graph.seeds import bundle_files

    nodes = edges = done = 0
    try:
        files = [file for path in paths for file in bundle_files(path)]
        store = settings.open_store()
        try:
            for file in files:
                bundle = read_bundle_file(file)
                if rebase_demo:
                    bundle = rebase_dates(bundle, DEMO_REFERENCE, now_utc())
                try:
                    require_digests(bundle)
                except InvalidInputError as error:
                    raise InvalidInputError(
                        [FieldProblem(f"{file}: {p.field}", p.reason) for p in error.problems]
                    ) from None
                with audited(cli_draft("load", bundle.model_dump(mode="json"))):
                    summary = store.write(bundle, immutable_evidence=True)
                nodes, edges, done = nodes + summary.nodes, edges + summary.edges, done + 1
        finally:
            store.close()
    except AttestgraphError as error:
        if done:
            typer.echo(f"loaded {done} of {len(files)} files before the failure", err=True)
        fail(error)
    typer.echo(f"loaded {nodes} nodes and {edges} relationships from {done} files into the {settings.store} store")


@app.command()
def export(
    output: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Argument(help="Bundle file to write (.json, .yaml or .yml)."),
    ] = None,
    oscal: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            help="Instead: write each framework as an OSCAL catalog and each crosswalk as an OSCAL "
            "mapping collection into this folder."
        ),
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Write the whole graph as one bundle; `load` of it reproduces the graph exactly."""
    settings = Settings.from_env(data_dir=data_dir)
    if (output is None) == (oscal is None):
        fail(InvalidInputError.one("output", "give either a bundle file or --oscal DIR"))
    if oscal is not None:
        _export_oscal(settings, oscal)
        return
    assert output is not None
    if output.suffix not in (".json", ".yaml", ".yml"):
        fail(InvalidInputError.one("output", "must end in .json, .yaml or .yml"))
    try:
        store = settings.open_store(read_only=True)
        try:
            bundle = store.export()
        finally:
            store.close()
    except AttestgraphError as error:
        fail(error)
    dump_bundle(bundle, output)
    typer.echo(f"wrote {output}")


def _export_oscal(settings: Settings, directory: Path) -> None:
    from graph.oscal import export_oscal

    try:
        store = settings.open_store(read_only=True)
        try:
            summary = export_oscal(store, directory, now=now_utc())
        finally:
            store.close()
    except AttestgraphError as error:
        fail(error)
    catalogs, collections = len(summary.catalogs), len(summary.collections)
    typer.echo(f"wrote {catalogs} OSCAL catalogs and {collections} mapping collections to {directory}")


@app.command("import")
def import_(
    file: Annotated[
        Path,
        typer.Argument(
            help="A bundle file, or with --oscal an OSCAL catalog, a mapping collection or a folder of them."
        ),
    ],
    oscal: Annotated[
        bool,
        typer.Option(
            "--oscal",
            help="FILE is OSCAL JSON: a catalog (a framework), a mapping collection, or a folder of them "
            "(what export --oscal writes; catalogs are imported before mappings, in one write).",
        ),
    ] = False,
    framework_id: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            help="Id of the framework an OSCAL catalog becomes (default: ours if we wrote it, else short "
            "from its title, e.g. nist-sp-800-53-rev5-moderate)."
        ),
    ] = None,
    nessus: Annotated[bool, typer.Option("--nessus", help="FILE is a Nessus scan (.nessus v2).")] = False,
    cyclonedx: Annotated[bool, typer.Option("--cyclonedx", help="FILE is a CycloneDX BOM (JSON, 1.5-1.7).")] = False,
    openlineage: Annotated[
        bool, typer.Option("--openlineage", help="FILE holds OpenLineage run events (a JSON event, array or lines).")
    ] = False,
    control: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="The control the file is recorded as evidence for (a scan; a BOM for AI documentation)."),
    ] = None,
    create_assets: Annotated[
        bool, typer.Option(help="Create the assets no identifier matches (kind inferred) instead of listing them.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the import's report as JSON.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Import one file in one all-or-nothing write: a bundle (like `load`), OSCAL (--oscal), or another
    tool's file (--nessus, --cyclonedx, --openlineage), matched to assets by their identifiers."""
    from service.cli_import import chosen_format, import_tool_file

    tool_format = chosen_format(nessus, cyclonedx, openlineage, oscal)
    if tool_format is not None:
        if framework_id is not None:
            fail(InvalidInputError.one("--framework-id", "applies to OSCAL catalogs only (add --oscal)"))
        import_tool_file(Settings.from_env(data_dir=data_dir), tool_format, file, control, create_assets, as_json)
        return
    if control is not None or create_assets or as_json:
        fail(InvalidInputError.one("--control/--create-assets/--json", "apply to --nessus, --cyclonedx, --openlineage"))
    if not oscal:
        if framework_id is not None:
            fail(InvalidInputError.one("--framework-id", "applies to OSCAL catalogs only (add --oscal)"))
        load(paths=[file], data_dir=data_dir, rebase_demo=False)
        return
    from graph.oscal import read_oscal, read_oscal_folder, write_import

    settings = Settings.from_env(data_dir=data_dir)
    try:
        if file.is_dir():
            if framework_id is not None:
                raise InvalidInputError.one("--framework-id", "applies to one catalog file, not a folder")
            imported = read_oscal_folder(file)
        else:
            imported = read_oscal(file, framework_id)
        store = settings.open_store()
        try:
            with audited(cli_draft("import --oscal", imported.bundle.model_dump(mode="json"))):
                summary = write_import(store, imported)
        finally:
            store.close()
    except AttestgraphError as error:
        fail(error)
    if summary.kind == "folder":
        skipped = f" ({summary.skipped} no-relationship maps skipped)" if summary.skipped else ""
        typer.echo(
            f"imported {len(summary.frameworks)} frameworks ({', '.join(summary.frameworks)}) with "
            f"{summary.criteria} criteria and {summary.mappings} crosswalk mappings from {file}{skipped}"
        )
    elif summary.kind == "catalog":
        typer.echo(f"imported framework '{summary.framework}' with {summary.criteria} criteria from {file}")
    else:
        skipped = f" ({summary.skipped} no-relationship maps skipped)" if summary.skipped else ""
        typer.echo(f"imported {summary.mappings} crosswalk mappings from {file}{skipped}")


@app.command()
def exceptions(
    engagement: Annotated[str, typer.Argument(help="The engagement's id.")],
    open_only: Annotated[bool, typer.Option("--open", help="Only open exceptions.")] = False,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only overdue ones (open, past their due).")] = False,
    data_dir: DataDir = None,
) -> None:
    """Print an engagement's audit exceptions as JSON rows, one a line (found_at, then id), as of now."""
    from graph.queries.engagement import get_engagement
    from graph.queries.exceptions import ExceptionFilter, exception_row, list_exceptions

    settings = Settings.from_env(data_dir=data_dir)
    try:
        store = settings.open_store(read_only=True)
        try:
            get_engagement(store, engagement, "ENGAGEMENT")
            wanted = ExceptionFilter(engagement, open=True if open_only else None, overdue=True if overdue else None)
            page = list_exceptions(store, wanted, first=MAX_ROWS)
        finally:
            store.close()
    except AttestgraphError as error:
        fail(error)
    for state in page.rows:
        typer.echo(json.dumps(exception_row(state, page.at), ensure_ascii=False))


@app.command()
def validate(
    paths: Annotated[list[Path], typer.Argument(help="Bundle files or folders to check.")],
) -> None:
    """Check files against the schema and every reference among them, without loading anything."""
    try:
        bundle, provenance = read_seed_files(*paths)
        try:
            check_bundle(bundle, lambda _label, _ids: set())
            require_digests(bundle)  # what `load` would refuse too
        except InvalidInputError as error:
            raise provenance.locate(error) from None
    except AttestgraphError as error:
        fail(error)
    nodes = sum(1 for _ in bundle.nodes())
    edges = sum(1 for _ in bundle.edges())
    typer.echo(f"ok: {nodes} nodes and {edges} relationships, every reference resolves")


@app.command()
def schema(
    graphql: Annotated[
        bool, typer.Option("--graphql", help="Print the GraphQL API's SDL instead (docs/schema.graphql).")
    ] = False,
    openapi: Annotated[
        bool, typer.Option("--openapi", help="Print the REST routes' OpenAPI document instead (docs/openapi.json).")
    ] = False,
) -> None:
    """Print the JSON Schema of a bundle, with --graphql the GraphQL schema (SDL), with --openapi the REST routes."""
    if graphql and openapi:
        fail(InvalidInputError.one("--openapi", "prints one document: leave out --graphql"))
    if openapi:
        from service.app import create_app

        json.dump(create_app(Settings.from_env()).openapi(), sys.stdout, indent=2)
        sys.stdout.write("\n")
        return
    if graphql:
        from service.graphql.sdl import print_sdl

        sys.stdout.write(print_sdl())
        return
    json.dump(bundle_json_schema(), sys.stdout, indent=2)
    sys.stdout.write("\n")
