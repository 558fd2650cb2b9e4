"""Names, constraints and indexes of the Neo4j store, all derived from the enums of `graph.model`.

Query text is only ever assembled from these names (never from user input), so every label and
relationship type is checked once here to be a plain identifier.
"""

from __future__ import annotations

import re

from graph.model import EDGE_ENDPOINTS, AssetKind, Label, Rel

_DIGITS = re.compile(r"(\d+)")  # the same split as graph.model.natural_key
_IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")

# The secondary label an asset carries for its kind (`:Asset:Model`), so Cypher users can match on it.
KIND_LABELS: dict[AssetKind, str] = {kind: kind.value.capitalize() for kind in AssetKind}

# Internal property holding a string that orders like `natural_key(id)` (Cypher has no natural sort).
ORDER = "_order"

for _name in [*(label.value for label in Label), *(rel.value for rel in Rel), *KIND_LABELS.values()]:
    if not _IDENTIFIER.match(_name):  # pragma: no cover - guards the enums, not input
        raise AssertionError(f"{_name!r} cannot be used as a Cypher label or type")
if set(KIND_LABELS.values()) & {label.value for label in Label}:  # pragma: no cover
    raise AssertionError("an asset kind label collides with a node label")


def schema_statements() -> list[tuple[str, str]]:
    """(name, idempotent DDL): a uniqueness constraint on `id` (which is also the index every
    lookup by id uses) and a range index on the order key, per label."""
    statements = []
    for label in Label:
        unique, order = f"attestgraph_{label.value.lower()}_id", f"attestgraph_{label.value.lower()}_order"
        statements.append(
            (unique, f"CREATE CONSTRAINT {unique} IF NOT EXISTS FOR (n:{label.value}) REQUIRE n.id IS UNIQUE")
        )
        statements.append((order, f"CREATE INDEX {order} IF NOT EXISTS FOR (n:{label.value}) ON (n.{ORDER})"))
    return statements


def endpoints(rel: Rel) -> tuple[str, str]:
    source, target = EDGE_ENDPOINTS[rel]
    return source.value, target.value


# The order key: `natural_key(id)` encoded so that plain string order (what Cypher's ORDER BY and
# range indexes use) equals tuple order. Ids are ASCII from space (0x20) up (see model._ID_PATTERN),
# so the control characters below sort before any id character.
_TEXT, _NUMBER = "A", "B"  # a text part sorts before a number part at the same position
_TEXT_END = "\x1f"  # ends a text part: "ab" < "abc" must survive concatenation
_TIE = "\x1e"  # before the raw id, which breaks ties between ids of equal natural key (x1 / x01)


def _parts(text: str) -> str:
    encoded = []
    for part in _DIGITS.split(text):
        if not part:
            continue
        if part.isdigit():
            digits = part.lstrip("0") or "0"
            # Length first (fixed width), so a longer number sorts after a shorter one.
            encoded.append(f"{_NUMBER}{len(digits):03d}{digits}")
        else:
            encoded.append(f"{_TEXT}{part}{_TEXT_END}")
    return "".join(encoded)


def order_key(node_id: str) -> str:
    """The stored order key of `node_id`: natural order, ties broken by the id itself."""
    return f"{_parts(node_id)}{_TIE}{node_id}"


def after_key(node_id: str) -> str:
    """A bound above every order key whose natural key equals `natural_key(node_id)` and below every
    greater one, so `key > after_key(x)` means `natural_key(id) > natural_key(x)` exactly."""
    return f"{_parts(node_id)}{_TEXT_END}"
