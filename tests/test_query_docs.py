"""The query functions' docstrings: each public one has Parameters, Returns and Examples, and
every example runs, as written, on the small graph described in graph/queries/__init__.py."""

from __future__ import annotations

import doctest
import importlib
import inspect
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

import pytest

from graph.bundle import Bundle
from graph.queries.coverage import coverage
from graph.queries.results import ChangeRequest
from graph.stores.embedded import EmbeddedStore

# By module path: graph.queries re-exports functions under the names of their modules.
QUERY_MODULES: list[ModuleType] = [
    importlib.import_module(f"graph.queries.{name}")
    for name in (
        "blast_radius",
        "coverage",
        "crosswalk",
        "engagement",
        "evidence_gaps",
        "exceptions",
        "findings",
        "impact",
        "missing_evidence",
        "population",
        "sampling",
        "scope",
        "threats",
        "vendor_lapse",
    )
]
SECTIONS = ("Parameters\n    ----------", "Returns\n    -------", "Examples\n    --------")

# The example graph of graph/queries/__init__.py.
EXAMPLE: dict[str, Any] = {
    "frameworks": [{"id": "soc2", "name": "SOC 2"}, {"id": "iso42001", "name": "ISO/IEC 42001"}],
    "criteria": [
        {"id": "soc2:CC6.1", "ref": "CC6.1", "title": "Logical access", "framework": "soc2"},
        {"id": "soc2:CC7.2", "ref": "CC7.2", "title": "Monitoring", "framework": "soc2"},
        {"id": "iso42001:A.6.2.4", "ref": "A.6.2.4", "title": "AI system verification", "framework": "iso42001"},
    ],
    "controls": [
        {"id": "AC-01", "title": "Access reviews", "frequency": "monthly"},
        {"id": "MON-02", "title": "Inference monitoring", "frequency": "monthly"},
    ],
    "assets": [
        {"id": "ds-transcripts", "kind": "dataset", "name": "Support transcripts"},
        {"id": "mdl-chat", "kind": "model", "name": "Chat model"},
        {"id": "ep-chat", "kind": "endpoint", "name": "Chat API"},
    ],
    "threats": [{"id": "AML.T0024", "name": "Exfiltration via inference API", "asset_kinds": ["endpoint"]}],
    "evidence": [
        {
            "id": "ev-1",
            "title": "October access review",
            "control": "AC-01",
            "collected_at": "2026-11-01T00:00:00Z",
            "status": "accepted",
        }
    ],
    "satisfies": [{"source": "AC-01", "target": "soc2:CC6.1"}, {"source": "MON-02", "target": "soc2:CC7.2"}],
    "applies_to": [{"source": "AC-01", "target": "mdl-chat"}, {"source": "MON-02", "target": "ep-chat"}],
    "depends_on": [
        {"source": "mdl-chat", "target": "ds-transcripts", "kind": "trained_on"},
        {"source": "ep-chat", "target": "mdl-chat", "kind": "serves"},
    ],
    "mitigates": [{"source": "MON-02", "target": "AML.T0024"}],
    "findings": [
        {
            "id": "fnd-1",
            "asset": "ep-chat",
            "severity": "critical",
            "plugin": "156032",
            "name": "Apache Log4j Remote Code Execution",
            "port": 443,
            "protocol": "tcp",
            "cves": ["CVE-2021-44228"],
            "cvss3": 10.0,
            "first_seen": "2026-11-01T00:00:00Z",
            "last_seen": "2026-11-10T00:00:00Z",
        },
        {
            "id": "fnd-2",
            "asset": "ep-chat",
            "severity": "medium",
            "plugin": "42873",
            "name": "SSL Medium Strength Cipher Suites Supported",
            "port": 443,
            "protocol": "tcp",
            "first_seen": "2026-10-01T00:00:00Z",
            "last_seen": "2026-10-20T00:00:00Z",
            "status": "fixed",
            "fixed_at": "2026-11-01T00:00:00Z",
        },
        {
            "id": "fnd-3",
            "asset": "mdl-chat",
            "severity": "high",
            "plugin": "10001",
            "name": "Model server debug endpoint exposed",
            "first_seen": "2026-11-05T00:00:00Z",
            "last_seen": "2026-11-10T00:00:00Z",
        },
    ],
    "mappings": [
        {
            "source": "soc2:CC6.1",
            "target": "iso42001:A.6.2.4",
            "relationship": "intersects_with",
            "strength": 6,
            "rationale": "Access control is part of verifying the system.",
        }
    ],
}


def public_functions(module: ModuleType) -> list[str]:
    return [
        name
        for name, value in vars(module).items()
        if inspect.isfunction(value) and value.__module__ == module.__name__ and not name.startswith("_")
    ]


@pytest.mark.parametrize("module", QUERY_MODULES, ids=lambda m: m.__name__.rpartition(".")[2])
def test_every_public_query_function_documents_parameters_result_and_an_example(module: ModuleType) -> None:
    undocumented = {
        name: [s.partition("\n")[0] for s in SECTIONS if s not in (getattr(module, name).__doc__ or "")]
        for name in public_functions(module)
    }
    assert not {name: lacking for name, lacking in undocumented.items() if lacking}


@pytest.mark.parametrize("module", QUERY_MODULES, ids=lambda m: m.__name__.rpartition(".")[2])
def test_the_examples_run_as_written(module: ModuleType) -> None:
    tests = [t for t in doctest.DocTestFinder().find(module) if t.examples]
    assert tests, f"{module.__name__} has no example"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in tests:
        store = EmbeddedStore(None)  # each docstring starts from the example graph (record_change writes)
        store.write(Bundle.model_validate(EXAMPLE))
        test.globs.update(
            store=store,
            at=datetime(2026, 11, 15, tzinfo=UTC),
            datetime=datetime,
            UTC=UTC,
            ChangeRequest=ChangeRequest,
            coverage=coverage,
        )
        try:
            runner.run(test)
        finally:
            store.close()
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} example(s) of {module.__name__} did not give what they show"
