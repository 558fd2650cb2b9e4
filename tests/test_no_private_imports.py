"""Our code uses strawberry's, graphql-core's and networkx's public API only (DESIGN.md, Conventions).

Private names change without notice between releases; code that reaches for them pins the library
to one minor release (as service/graphql/execution.py once did). This fails on any import of a
private name or module from them, and on the private attributes and internals we once used.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHECKED = ("graph", "service", "bench")
LIBRARIES = r"(?:strawberry|graphql|networkx)"

# `from strawberry.x import a, _b` (one line or parenthesized), `import graphql._x`, `from networkx._x import y`.
FROM_IMPORT = re.compile(rf"^\s*from\s+({LIBRARIES}(?:\.\w+)*)\s+import\s+(\([^)]*\)|[^\n]*)", re.MULTILINE)
PLAIN_IMPORT = re.compile(rf"^\s*import\s+({LIBRARIES}(?:\.\w+)*)", re.MULTILINE)
# Private attributes of these libraries' objects: networkx's adjacency, Strawberry's graphql-core
# schema. (`self._pred` is our own attribute, not networkx's.)
PRIVATE_ATTRIBUTE = re.compile(r"(?<!\bself)\.(_pred|_succ|_adj|_node|_schema)\b")
# Public-looking names that are Strawberry's and graphql-core's execution internals.
INTERNALS = re.compile(r"\b(StrawberryGraphQLCoreExecutionContext|DEFINITION_BACKREF|collect_subfields)\b")


def private_uses(text: str) -> list[str]:
    found: list[str] = []
    for match in FROM_IMPORT.finditer(text):
        module, names = match.group(1), match.group(2)
        if any(part.startswith("_") for part in module.split(".")):
            found.append(f"from {module} import")
        found.extend(
            f"from {module} import {name}"
            for name in re.findall(r"\b\w+\b", names.split("#")[0])
            if name.startswith("_") and name != "__future__"
        )
    found.extend(
        f"import {m.group(1)}"
        for m in PLAIN_IMPORT.finditer(text)
        if any(p.startswith("_") for p in m.group(1).split("."))
    )
    found.extend(m.group(0) for m in PRIVATE_ATTRIBUTE.finditer(text))
    found.extend(m.group(0) for m in INTERNALS.finditer(text))
    return found


def test_no_private_names_of_strawberry_graphql_or_networkx_are_used() -> None:
    offences = [
        f"{path.relative_to(ROOT)}: {use}"
        for folder in CHECKED
        for path in sorted((ROOT / folder).rglob("*.py"))
        for use in private_uses(path.read_text(encoding="utf-8"))
    ]
    assert offences == []


@pytest.mark.parametrize(
    "text",
    [
        "from strawberry.schema.schema import _run_validation",
        "from graphql.execution.collect_fields import (\n    FieldDetails,\n    _collect,\n)",
        "import networkx._private",
        "from strawberry.extensions._impl import x",
        "pred = self._graph._pred",
        "schema = context.schema._schema",
        "from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext",
        "x = GraphQLCoreConverter.DEFINITION_BACKREF",
    ],
)
def test_the_check_catches_each_kind_of_private_use(text: str) -> None:
    assert private_uses(text)


def test_the_check_lets_public_uses_and_our_own_attributes_pass() -> None:
    text = "from __future__ import annotations\nfrom graphql import GraphQLError\nself._pred = {}\nG.pred[n]\n"
    assert private_uses(text) == []
