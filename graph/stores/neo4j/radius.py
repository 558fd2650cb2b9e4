"""Cypher of the blast radius: dependents, the neighbourhood, and both in one statement.

`blast_radius(max_depth)` answers the store need of the same name in one round trip: it reads
the graph version (memo.py) first and, unless it is the version the caller already holds an
answer under (`$epoch`, `$n`), goes on to the dependents and what hangs off them. A remembered
answer thus costs one cheap statement and a new one a single statement, never a separate
version read.
"""

from __future__ import annotations

from typing import Any

from neo4j import Record

from graph.model import Label, Rel
from graph.queries.results import Neighbourhood, Radius
from graph.stores.common import natural_order
from graph.stores.neo4j import memo
from graph.stores.neo4j.reads import CURRENT, seek
from graph.stores.neo4j.schema import ORDER


def _hops(max_depth: int | None) -> str:
    # Cypher takes no parameter for the bound, so it is formatted from a checked int.
    if max_depth is not None and (not isinstance(max_depth, int) or max_depth < 1):
        raise ValueError("max_depth must be an int >= 1 here")
    return "1.." if max_depth is None else f"1..{int(max_depth)}"


def dependents(max_depth: int | None) -> str:
    """Shortest DEPENDS_ON distance of every asset that reaches `$id`.

    `min(length(p))` over a variable-length pattern is planned as a pruning breadth-first
    expansion (VarLengthExpand(Pruning,BFS)): each node is visited once, so dense cyclic graphs
    cost O(edges) instead of an explosion of paths, unlike a SHORTEST 1 quantified path pattern
    (figures in bench/README.md).
    """
    return (
        f"MATCH (t:{Label.ASSET} {{id: $id}}) {seek('t', Label.ASSET)} "
        f"OPTIONAL MATCH p = (t)<-[:{Rel.DEPENDS_ON}*{_hops(max_depth)}]-(x:{Label.ASSET}) WHERE x <> t "
        f"RETURN x.id AS id, x.{ORDER} AS key, min(length(p)) AS distance ORDER BY distance, key"
    )


# What hangs off a list of asset nodes `assets` (each once): CALL subqueries that add `controls`
# (nodes), `criteria`, `frameworks`, `vendors`, `unscoped` and `scoped` (ids) to the row. They
# walk outwards from the assets only: the cost is that of the neighbourhood, not of the graph
# (tests/stores/test_neo4j_profile.py holds it to that).
_AROUND = f"""
CALL (assets) {{
  UNWIND assets AS a
  MATCH (c:{Label.CONTROL})-[:{Rel.APPLIES_TO}]->(a)
  RETURN collect(DISTINCT c) AS controls
}}
CALL (controls) {{
  UNWIND controls AS c
  MATCH (c)-[:{Rel.SATISFIES}]->(k:{Label.CRITERION})
  OPTIONAL MATCH (k)-[:{Rel.PART_OF}]->(f:{Label.FRAMEWORK})
  RETURN collect(DISTINCT k.id) AS criteria, collect(DISTINCT f.id) AS frameworks
}}
CALL (assets) {{
  UNWIND assets AS a
  MATCH (a)-[:{Rel.PROVIDED_BY}]->(v:{Label.VENDOR})
  RETURN collect(DISTINCT v.id) AS vendors
}}
// Unscoped evidence of the controls, and scoped evidence reached from the assets it covers (never
// a scan of every scoped item of a control applying to thousands of assets). The two sets are
// disjoint; each is collected apart, as a UNION would carry `assets` on every row it keeps.
CALL (controls) {{
  UNWIND controls AS c
  MATCH (c)<-[:{Rel.EVIDENCES}]-(e:{Label.EVIDENCE})
  WHERE NOT EXISTS {{ (e)-[:{Rel.COVERS}]->() }} AND {CURRENT}
  RETURN collect(e.id) AS unscoped
}}
CALL (controls, assets) {{
  UNWIND assets AS a
  MATCH (a)<-[:{Rel.COVERS}]-(e:{Label.EVIDENCE})-[:{Rel.EVIDENCES}]->(c:{Label.CONTROL})
  WHERE c IN controls AND {CURRENT}
  RETURN collect(DISTINCT e.id) AS scoped
}}
"""
_AROUND_COLUMNS = "[c IN controls | c.id] AS controls, criteria, frameworks, vendors, unscoped + scoped AS evidence"

NEIGHBOURHOOD = f"""
UNWIND $ids AS id
MATCH (a:{Label.ASSET} {{id: id}}) {seek("a", Label.ASSET)}
WITH collect(DISTINCT a) AS assets
{_AROUND}
RETURN {_AROUND_COLUMNS}
"""


def blast_radius(max_depth: int | None) -> str:
    """The graph version, and unless it is `$epoch`/`$n` (`known`), whether `$id` exists (`found`),
    its dependents (`ids`, in order of distance then order key, at `distances`) and what hangs
    off it and them. Every subquery aggregates, so the statement returns exactly one row."""
    if max_depth == 0:
        reached = "WITH known, epoch, n, t, [] AS dependents, [] AS distances"
    else:  # CALL keeps the row's other columns
        reached = f"""CALL (t) {{
  OPTIONAL MATCH p = (t)<-[:{Rel.DEPENDS_ON}*{_hops(max_depth)}]-(x:{Label.ASSET}) WHERE x <> t
  WITH x, min(length(p)) AS distance ORDER BY distance, x.{ORDER}
  RETURN collect(x) AS dependents, collect(distance) AS distances
}}"""
    return f"""
{memo.MATCH_VERSION}
WITH epoch, n, coalesce(epoch = $epoch AND n = $n, false) AS known
OPTIONAL MATCH (t:{Label.ASSET} {{id: $id}}) {seek("t", Label.ASSET)} WHERE NOT known
{reached}
WITH known, epoch, n, t, dependents, distances, CASE WHEN t IS NULL THEN [] ELSE [t] + dependents END AS assets
{_AROUND}
RETURN known, epoch, n, t IS NOT NULL AS found, [x IN dependents | x.id] AS ids, distances, {_AROUND_COLUMNS}
"""


def known_params(version: memo.Version) -> dict[str, Any]:
    """`$epoch` and `$n` for `blast_radius`: the version an answer is remembered under, or nulls."""
    return {"epoch": None, "n": None} if version is None else {"epoch": version[0], "n": version[1]}


def neighbourhood_of(record: Record) -> Neighbourhood:
    return Neighbourhood.model_validate({name: natural_order(record[name]) for name in Neighbourhood.model_fields})


def radius_of(asset_id: str, record: Record) -> Radius:
    """The answer in a `blast_radius` row that found the asset."""
    distances = {asset_id: 0}
    distances.update(zip(record["ids"], record["distances"], strict=True))
    return Radius.model_construct(distances=distances, around=neighbourhood_of(record))
