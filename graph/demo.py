"""The demo org as `serve --demo` and `mcp --demo` load it: the seed bundles, then the files of
other tools in seeds/demo/imports/ imported as a user would (graph/imports/registry.py), every
date moved so the demo's reference day falls on today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from graph.access.audit import AuditDraft
from graph.imports.registry import ImportOptions, ImportReport, demo_import_files, file_sha256, run_import
from graph.seeds import DEMO_REFERENCE, SEEDS_DIR, load_seed_bundle, rebase_dates, rebase_shift
from graph.store import GraphStore

DEMO_ACTOR = "system:demo"


@dataclass(frozen=True)
class DemoLoad:
    nodes: int
    edges: int
    imports: list[ImportReport]


def load_demo(store: GraphStore, today: datetime) -> DemoLoad:
    """Write the seed catalog and demo org into `store`, then run the demo's imports (each its
    own audited write, as `attestgraph import` would)."""
    summary = store.write(rebase_dates(load_seed_bundle(SEEDS_DIR), DEMO_REFERENCE, today))
    shift = rebase_shift(DEMO_REFERENCE, today)
    reports = []
    for planned in demo_import_files(SEEDS_DIR / "demo"):
        data = planned.path.read_bytes()
        operation = f"demo:import --{planned.format.value} {planned.path.name}"
        draft = AuditDraft(actor=DEMO_ACTOR, role="admin", operation=operation, input_digest=file_sha256(data))
        options = ImportOptions(
            control=planned.control, create_assets=planned.create_assets, shift=shift, source_name=planned.path.name
        )
        reports.append(run_import(store, planned.format, data, options, draft))
    return DemoLoad(summary.nodes, summary.edges, reports)
