"""Looking assets up by what other tools know them by (graph/model/identifiers.py)."""

from __future__ import annotations

import strawberry

from graph.imports.matching import parse_identifiers
from service.graphql.inputs import AssetIdentifierInput, check_batch
from service.graphql.loading import GqlInfo, load_nodes
from service.graphql.model_types import convert
from service.graphql.nodes import Asset, AssetIdentifier


@strawberry.type(description="One identifier looked up: as normalised, and the asset holding it (null: none).")
class IdentifierMatch:
    identifier: AssetIdentifier
    asset: Asset | None


@strawberry.type
class IdentifierQuery:
    @strawberry.field(
        description="The asset holding each identifier, in the order asked (one store call for the batch); a "
        "malformed identifier is refused, naming it and the reason."
    )
    async def assets_by_identifier(
        self, info: GqlInfo, identifiers: list[AssetIdentifierInput]
    ) -> list[IdentifierMatch]:
        check_batch("identifiers", identifiers)
        parsed = parse_identifiers([{"kind": i.kind.value, "value": i.value} for i in identifiers])
        holders = await info.context.call(info.context.store.assets_by_identifiers, [i.key for i in parsed])
        assets = {a.node.id: a for a in await load_nodes(info, Asset, sorted(set(holders.values())))}
        return [
            IdentifierMatch(
                identifier=convert(AssetIdentifier, i),
                asset=assets.get(holders.get(i.key, "")),
            )
            for i in parsed
        ]
