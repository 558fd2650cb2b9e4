"""Names, constraints and indexes of the Neo4j store, all derived from the enums of `graph.model`.

Query text is only ever assembled from these names (never from user input), so every label and
relationship type is checked once here to be a plain identifier.
"""

from __future__ import annotations

import re

from graph.model import EDGE_ENDPOINTS, AssetKind, Label, Rel

_IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")

# The secondary label an asset carries for its kind (`:Asset:Model`), so Cypher users can match on it.
KIND_LABELS: dict[AssetKind, str] = {kind: kind.value.capitalize() for kind in AssetKind}

# Properties looked up by value beside the id, each with a range index of its own: a finding's
# asset (an asset's findings without following AFFECTS from every finding).
PROPERTY_INDEXES: dict[Label, tuple[str, ...]] = {Label.FINDING: ("asset",)}

# Internal property holding a string that orders like `natural_key(id)` (Cypher has no natural sort).
ORDER = "_order"

for _name in [*(label.value for label in Label), *(rel.value for rel in Rel), *KIND_LABELS.values()]:
    if not _IDENTIFIER.match(_name):  # pragma: no cover - guards the enums, not input
        raise AssertionError(f"{_name!r} cannot be used as a Cypher label or type")
if set(KIND_LABELS.values()) & {label.value for label in Label}:  # pragma: no cover
    raise AssertionError("an asset kind label collides with a node label")


def schema_statements() -> list[tuple[str, str]]:
    """(name, idempotent DDL): a uniqueness constraint on `id` (which is also the index every
    lookup by id uses) and a range index on the order key, per label; and `PROPERTY_INDEXES`."""
    statements = []
    for label in Label:
        unique, order = f"attestgraph_{label.value.lower()}_id", f"attestgraph_{label.value.lower()}_order"
        statements.append(
            (unique, f"CREATE CONSTRAINT {unique} IF NOT EXISTS FOR (n:{label.value}) REQUIRE n.id IS UNIQUE")
        )
        statements.append((order, f"CREATE INDEX {order} IF NOT EXISTS FOR (n:{label.value}) ON (n.{ORDER})"))
        for name in PROPERTY_INDEXES.get(label, ()):
            index = f"attestgraph_{label.value.lower()}_{name}"
            statements.append((index, f"CREATE INDEX {index} IF NOT EXISTS FOR (n:{label.value}) ON (n.{name})"))
    return statements


def endpoints(rel: Rel) -> tuple[str, str]:
    source, target = EDGE_ENDPOINTS[rel]
    return source.value, target.value
