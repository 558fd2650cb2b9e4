"""The store layer's shape: the Neo4j store never imports the embedded store (or its evidence index),
and no module of the layer grows past ~400 lines.

What both stores share lives in graph/stores/common.py and graph/rules/evaluation.py, so a change inside
the embedded store cannot break the Neo4j store, and either can be split or replaced alone.
"""

from __future__ import annotations

import ast
from pathlib import Path

import graph.stores.neo4j

NEO4J_PACKAGE = Path(graph.stores.neo4j.__file__).parent
EMBEDDED_ONLY = ("graph.stores.embedded", "graph.stores.control_index")


def imported_modules(source: str) -> set[str]:
    """Every module a source imports, absolute: `from graph.stores import embedded` counts as
    `graph.stores.embedded` too (relative imports are resolved against the Neo4j package)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = "graph.stores.neo4j".rsplit(".", node.level - 1)[0]
                base = f"{parent}.{base}" if base else parent
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def embedded_imports(source: str) -> set[str]:
    return {
        module
        for module in imported_modules(source)
        if any(module == banned or module.startswith(f"{banned}.") for banned in EMBEDDED_ONLY)
    }


def test_no_module_of_the_neo4j_store_imports_the_embedded_store() -> None:
    modules = sorted(NEO4J_PACKAGE.rglob("*.py"))
    assert modules, NEO4J_PACKAGE
    offending = {
        str(path.relative_to(NEO4J_PACKAGE)): found
        for path in modules
        if (found := embedded_imports(path.read_text(encoding="utf-8")))
    }
    assert offending == {}


def test_the_check_sees_every_spelling_of_an_import() -> None:
    spellings = [
        "from graph.stores.embedded import check_where",
        "import graph.stores.embedded",
        "import graph.stores.embedded as embedded",
        "from graph.stores import embedded",
        "from graph.stores import control_index",
        "from graph.stores.control_index import to_micros",
        "from .. import embedded",
        "def later():\n    from graph.stores.embedded import EmbeddedStore",
    ]
    for source in spellings:
        assert embedded_imports(source), source
    assert not embedded_imports("from graph.stores.common import check_where\nfrom . import reads")


REPOSITORY = NEO4J_PACKAGE.parent.parent.parent
MODULES = sorted([*(REPOSITORY / "graph").rglob("*.py"), *(REPOSITORY / "service").rglob("*.py")])


def test_no_module_of_graph_or_service_grows_past_400_lines() -> None:
    """One concern per module (issue 12 item 5): a module past ~400 lines is split along its seams."""
    assert len(MODULES) > 50
    long = {str(path): n for path in MODULES if (n := len(path.read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}
