"""What both stores need alike, so neither imports the other: checking `where` filters, the
protocol's orders (ids, mappings, stale evidence) and building a `Mapping` from a stored row.

Orders use `order_key` (natural order, ties broken by the id): the Neo4j store sorts by the same
key in Cypher, and sorting these strings is far cheaper than sorting `natural_key` tuples.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from collections.abc import Mapping as Row
from typing import Any, get_origin

from graph.errors import ConflictError, InvalidInputError
from graph.model import NODE_MODELS, Label, Mapping, MappingRelationship, id_of_order_key, order_key
from graph.queries.results import StaleEvidence


def check_where(label: Label, where: dict[str, str] | None) -> None:
    """Filters compare a node's scalar properties; anything else is a caller's mistake."""
    if not where:
        return
    fields = NODE_MODELS[label].model_fields
    for key in where:
        if key not in fields or key == "id" or get_origin(fields[key].annotation) is list:
            raise InvalidInputError.one(f"where.{key}", f"{label.value} has no filterable property '{key}'")


def natural_order(ids: Iterable[str]) -> list[str]:
    """Ids in natural order, ties broken by the id (CC1.2 before CC1.10; x01 before x1)."""
    return [id_of_order_key(key) for key in sorted(map(order_key, ids))]


def mapping_from_row(source: str, target: str, properties: Row[str, Any]) -> Mapping:
    """The `Mapping` a MAPS_TO relationship from `source` to `target` with `properties` stands for."""
    return Mapping(
        source=source,
        target=target,
        relationship=MappingRelationship(properties["relationship"]),
        strength=properties["strength"],
        rationale=properties["rationale"],
    )


def mappings_in_order(mappings: Iterable[Mapping]) -> list[Mapping]:
    """Each (source, target) once, ordered by it: a mapping reached from both of its ends is one."""
    unique = {(m.source, m.target): m for m in mappings}
    return [unique[key] for key in sorted(unique)]


# A row of `becoming_stale` before its answer: (evidence order key, asset order key, control, asset).
StaleRow = tuple[str, str, str, str]


def stale_in_order(found: Iterable[tuple[str, str, Iterable[str]]]) -> list[StaleEvidence]:
    """`becoming_stale`'s rows, given grouped as (evidence, control, assets), in the protocol's
    order (`stale_from_rows`). Each id's order key is made once."""
    keys: dict[str, str] = {}
    rows: list[StaleRow] = []
    for evidence_id, control_id, assets in found:
        evidence_key = order_key(evidence_id)
        for asset_id in set(assets):
            asset_key = keys.get(asset_id)
            if asset_key is None:
                asset_key = keys[asset_id] = order_key(asset_id)
            rows.append((evidence_key, asset_key, control_id, asset_id))
    return stale_from_rows(rows)


def stale_from_rows(rows: list[StaleRow]) -> list[StaleEvidence]:
    """The answer of `becoming_stale` in the protocol's order: by evidence, then asset, each
    natural (order keys sort as plain strings)."""
    rows.sort()
    return [
        StaleEvidence.model_construct(evidence_id=id_of_order_key(key), control_id=control_id, asset_id=asset_id)
        for key, _asset_key, control_id, asset_id in rows
    ]


def refuse_if_in_boundary(asset_id: str, engagements: Collection[str]) -> None:
    """An engagement names its boundary by asset id: deleting one would silently shrink an audit."""
    if engagements:
        names = sorted(engagements)
        raise ConflictError(
            f"asset: '{asset_id}' is in the boundary of engagement {', '.join(names[:5])}"
            f"{' and more' if len(names) > 5 else ''}; remove it from the engagement first"
        )


def refuse_if_affected(asset_id: str, findings: Collection[str]) -> None:
    """Findings are a scanner's record of the past, kept like evidence: deleting the asset they
    affect would leave them pointing nowhere (and an export that cannot load back)."""
    if findings:
        names = sorted(findings)
        raise ConflictError(
            f"asset: '{asset_id}' is affected by findings {', '.join(names[:5])}"
            f"{' and more' if len(names) > 5 else ''}; findings are kept, so the asset is too"
        )
