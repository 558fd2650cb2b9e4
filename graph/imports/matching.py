"""The one way an importer finds the assets its file speaks of: by their identifiers.

`match_assets` looks every observed identifier up in one store call and returns the assets
matched and the identifiers nobody holds; with `create=True` it makes one asset per unmatched
identifier (its kind from the importer, else inferred: graph/imports/asset_kinds.py) in one
all-or-nothing write, recorded in the audit log with the write (graph/access/audit.py).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from graph.access.audit import AuditDraft, audited, pending_audit
from graph.bundle import Bundle
from graph.errors import ConflictError, FieldProblem, InvalidInputError
from graph.imports.asset_kinds import inferred_kind
from graph.model import Asset, AssetIdentifier, AssetKind, Label
from graph.store import GraphStore

_NOT_ID = re.compile(r"[^a-z0-9._-]+")


@dataclass(frozen=True)
class IdentifierMatch:
    matched: dict[str, str]  # identifier key -> the asset holding it (created ones included)
    unmatched: list[AssetIdentifier]  # held by no asset (empty when created)
    created: list[Asset]


def parse_identifiers(items: Sequence[Any], field: str = "identifiers") -> list[AssetIdentifier]:
    """Identifiers from `{kind, value}` mappings (or models); every malformed one refused, naming
    `field[i]` and the reason."""
    parsed, problems = [], []
    for index, item in enumerate(items):
        try:
            parsed.append(AssetIdentifier.model_validate(item))
        except ValidationError as error:
            reasons = "; ".join(e["msg"].removeprefix("Value error, ") for e in error.errors())
            problems.append(FieldProblem(f"{field}[{index}]", reasons))
    if problems:
        raise InvalidInputError(problems)
    return parsed


def match_assets(
    store: GraphStore,
    observed: Sequence[AssetIdentifier],
    *,
    create: bool = False,
    kinds: Mapping[str, AssetKind] | None = None,
    names: Mapping[str, str] | None = None,
    audit: AuditDraft | None = None,
) -> IdentifierMatch:
    """Match `observed` (each once, by key) to assets. `create`: make the missing assets, kind
    `kinds[key]` or inferred, name `names[key]` or the identifier's value; an identifier whose
    kind cannot be known is refused and nothing is written. The write commits `audit`'s entry,
    or the entry of the caller's `audited` block; creating without either is refused."""
    wanted = list({identifier.key: identifier for identifier in observed}.values())
    matched = store.assets_by_identifiers([i.key for i in wanted]) if wanted else {}
    missing = [i for i in wanted if i.key not in matched]
    if not create or not missing:
        return IdentifierMatch(matched, missing, [])
    if audit is None and pending_audit() is None:
        raise ValueError("creating assets is a write: pass `audit` or call inside `audited`")
    position = {identifier.key: i for i, identifier in reversed(list(enumerate(observed)))}
    assets = _new_assets(missing, position, kinds or {}, names or {})
    taken = store.get_nodes(Label.ASSET, [a.id for a in assets])
    if taken:  # an asset with that id holds other identifiers: never overwrite it
        raise ConflictError(f"assets: ids {', '.join(sorted(taken))} exist already; their identifiers differ")
    bundle = Bundle(assets=assets)
    if audit is not None:
        with audited(audit):
            store.write(bundle, immutable_evidence=True)
    else:
        store.write(bundle, immutable_evidence=True)
    created = {a.identifiers[0].key: a.id for a in assets}
    return IdentifierMatch({**matched, **created}, [], assets)


def planned_assets(
    store: GraphStore,
    missing: Sequence[AssetIdentifier],
    *,
    kinds: Mapping[str, AssetKind] | None = None,
    names: Mapping[str, str] | None = None,
) -> list[Asset]:
    """The assets `match_assets(create=True)` would make for `missing`, written by nobody: for an
    importer that writes them in its own single bundle. Same kinds, names, ids and refusals."""
    wanted = list({identifier.key: identifier for identifier in missing}.values())
    if not wanted:
        return []
    position = {identifier.key: i for i, identifier in reversed(list(enumerate(missing)))}
    assets = _new_assets(wanted, position, kinds or {}, names or {})
    taken = store.get_nodes(Label.ASSET, [a.id for a in assets])
    if taken:  # an asset with that id holds other identifiers: never overwrite it
        raise ConflictError(f"assets: ids {', '.join(sorted(taken))} exist already; their identifiers differ")
    return assets


def _new_assets(
    missing: list[AssetIdentifier], position: dict[str, int], kinds: Mapping[str, AssetKind], names: Mapping[str, str]
) -> list[Asset]:
    assets, problems = [], []
    for identifier in missing:
        kind = kinds.get(identifier.key) or inferred_kind(identifier)
        if kind is None:
            reason = f"the kind of asset '{identifier.key}' names cannot be inferred: give it"
            problems.append(FieldProblem(f"identifiers[{position[identifier.key]}].kind", reason))
            continue
        name = names.get(identifier.key) or identifier.value
        assets.append(Asset(id=new_asset_id(identifier), kind=kind, name=name[:500], identifiers=[identifier]))
    if problems:
        raise InvalidInputError(problems)
    return assets


def new_asset_id(identifier: AssetIdentifier) -> str:
    """A stable id for the asset an identifier makes: readable, and its key's hash keeps ids of
    values that read alike apart (the same identifier always makes the same id)."""
    readable = _NOT_ID.sub("-", identifier.value.lower()).strip("-._")[:60].rstrip("-._") or "asset"
    digest = hashlib.sha256(identifier.key.encode()).hexdigest()[:10]
    return f"{identifier.kind.value.replace('_', '-')}-{readable}-{digest}"  # ids allow no "_"


def planned_asset(identifiers: Sequence[AssetIdentifier], name: str, field: str) -> Asset:
    """The asset an import would create for one thing it saw under several identifiers (a host's
    name and IP), written by the caller in its own single bundle; its id and kind come from the
    first identifier, as `match_assets` makes them. A kind that cannot be inferred is refused,
    naming `field`."""
    kind = inferred_kind(identifiers[0])
    if kind is None:
        raise InvalidInputError.one(field, f"the kind of asset '{identifiers[0].key}' names cannot be inferred")
    return Asset(id=new_asset_id(identifiers[0]), kind=kind, name=name[:500], identifiers=list(identifiers))
