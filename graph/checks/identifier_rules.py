"""Asset identifiers are unique across assets (DESIGN.md "Asset"): a write that gives an identifier
to a second asset is refused, naming both assets and the identifier. Checked by both stores on
every write, under the store's lock (embedded) or backed by a uniqueness constraint on the
identifier nodes (Neo4j), which refuses a concurrent claim the check could not see."""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

from graph.bundle import Bundle
from graph.errors import FieldProblem


class IdentifierLookup(Protocol):
    def assets_by_identifiers(self, keys: Collection[str]) -> dict[str, str]: ...


def identifier_problems(bundle: Bundle, stored: IdentifierLookup) -> list[FieldProblem]:
    """Every identifier listed twice in the bundle or held by another stored asset."""
    problems: list[FieldProblem] = []
    claimed: dict[str, str] = {}  # key -> the bundle's asset that lists it first
    where: dict[str, str] = {}
    written = {asset.id for asset in bundle.assets}
    for i, asset in enumerate(bundle.assets):
        for j, identifier in enumerate(asset.identifiers):
            field, key = f"assets[{i}].identifiers[{j}]", identifier.key
            holder = claimed.setdefault(key, asset.id)
            if key in where:
                reason = "listed twice for this asset" if holder == asset.id else f"also given to asset '{holder}'"
                problems.append(FieldProblem(field, f"identifier '{key}' is {reason}: an identifier names one asset"))
            else:
                where[key] = field
    stored_holders = stored.assets_by_identifiers(list(claimed)) if claimed else {}
    for key, holder in stored_holders.items():
        claimant = claimed[key]
        # A holder this bundle rewrites gives it up (or lists it too: a duplicate, reported above).
        if holder != claimant and holder not in written:
            problems.append(
                FieldProblem(
                    where[key],
                    f"identifier '{key}' belongs to asset '{holder}'; asset '{claimant}' cannot claim it too",
                )
            )
    return problems
