"""Asset identifiers in Neo4j: besides the asset's `identifiers` property (what reads and exports
return), one `(:Asset)-[:IDENTIFIED_BY]->(:Identifier {key})` node per identifier, whose uniqueness
constraint is the index every lookup uses and refuses two assets holding one key, even from
concurrent writes that each passed the check in graph/checks/identifier_rules.py."""

from __future__ import annotations

from collections.abc import Sequence

from neo4j import ManagedTransaction

from graph.bundle import Bundle
from graph.errors import FieldProblem, InvalidInputError
from graph.model import Label

IDENTIFIER = "Identifier"
IDENTIFIED_BY = "IDENTIFIED_BY"
CHUNK = 5_000  # rows per statement, as graph/stores/neo4j/writes.py: bounds one Bolt message


def schema_statements() -> list[tuple[str, str]]:
    name = "attestgraph_identifier_key"
    return [(name, f"CREATE CONSTRAINT {name} IF NOT EXISTS FOR (i:{IDENTIFIER}) REQUIRE i.key IS UNIQUE")]


LOOKUP = f"""
UNWIND $keys AS key
MATCH (a:{Label.ASSET})-[:{IDENTIFIED_BY}]->(:{IDENTIFIER} {{key: key}})
RETURN key, a.id AS asset
"""

# Keys of the bundle's assets held by an asset the bundle does not rewrite (committed since the
# write rules were checked, or in a retry after a concurrent claim).
_TAKEN = f"""
UNWIND $rows AS row UNWIND row.keys AS key
MATCH (other:{Label.ASSET})-[:{IDENTIFIED_BY}]->(:{IDENTIFIER} {{key: key}})
WHERE NOT other.id IN $written
RETURN row.id AS asset, key, other.id AS holder
"""

# Every asset written drops the identifier nodes it no longer lists, before any is claimed: a key
# may move from one asset of the bundle to another.
_DROP = f"""
UNWIND $rows AS row
MATCH (a:{Label.ASSET} {{id: row.id}})-[:{IDENTIFIED_BY}]->(i:{IDENTIFIER})
WHERE NOT i.key IN row.keys
DETACH DELETE i
"""

# CREATE, never MERGE: a MERGE would wait for a concurrent claim of the key to commit and then
# share its node; a CREATE fails on the constraint instead, the store runs the write again
# (Neo4jStore.write) and `_TAKEN` then names the holder.
_CLAIM = f"""
UNWIND $rows AS row
MATCH (a:{Label.ASSET} {{id: row.id}})
UNWIND row.keys AS key
WITH a, key WHERE NOT EXISTS {{ (a)-[:{IDENTIFIED_BY}]->(:{IDENTIFIER} {{key: key}}) }}
CREATE (a)-[:{IDENTIFIED_BY}]->(:{IDENTIFIER} {{key: key}})
"""

DELETE_OF_ASSET = f"MATCH (:{Label.ASSET} {{id: $id}})-[:{IDENTIFIED_BY}]->(i:{IDENTIFIER}) DETACH DELETE i"


def write_identifiers(tx: ManagedTransaction, bundle: Bundle) -> None:
    """Make the identifier nodes of the bundle's assets (written already) match their lists."""
    rows = [{"id": a.id, "keys": [i.key for i in a.identifiers]} for a in bundle.assets]
    if not rows:
        return
    written = [row["id"] for row in rows]
    claiming = [row for row in rows if row["keys"]]
    chunks = [claiming[i : i + CHUNK] for i in range(0, len(claiming), CHUNK)]
    taken = [record for chunk in chunks for record in tx.run(_TAKEN, rows=chunk, written=written)]
    if taken:
        raise InvalidInputError(_problems(bundle.assets, [(r["asset"], r["key"], r["holder"]) for r in taken]))
    for start in range(0, len(rows), CHUNK):
        tx.run(_DROP, rows=rows[start : start + CHUNK]).consume()
    for chunk in chunks:
        tx.run(_CLAIM, rows=chunk).consume()


def _problems(assets: Sequence[object], taken: list[tuple[str, str, str]]) -> list[FieldProblem]:
    index = {getattr(a, "id", None): i for i, a in enumerate(assets)}
    return [
        FieldProblem(
            f"assets[{index.get(asset, 0)}].identifiers",
            f"identifier '{key}' belongs to asset '{holder}'; asset '{asset}' cannot claim it too",
        )
        for asset, key, holder in taken
    ]
