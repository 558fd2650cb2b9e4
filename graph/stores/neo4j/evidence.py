"""Evidence immutability in Neo4j: the rule of `graph.evidence`, checked inside the write's
transaction after taking the write locks of every evidence node involved, so a concurrent
write of the same id (or a second correction of the same item) waits and then sees the first."""

from __future__ import annotations

from neo4j import ManagedTransaction

from graph.bundle import Bundle
from graph.evidence import RecordedEvidence, check_immutable, supersede_targets, touched_ids
from graph.model import Evidence, Label, Rel
from graph.stores.neo4j.values import node_model

# Items of the bundle: MERGE locks the id (a concurrent creator waits), SET locks a stored node.
# A node created here holds only its id until the write that follows sets every property.
_LOCK_ITEMS = f"""
UNWIND $ids AS id
MERGE (e:{Label.EVIDENCE} {{id: id}})
ON CREATE SET e._created = true
SET e._lock = true
WITH e
REMOVE e._lock
RETURN e._created IS NOT NULL AS created, properties(e) AS props,
       [(e)-[:{Rel.COVERS}]->(a:{Label.ASSET}) | a.id] AS covers,
       [(e)<-[:{Rel.SUPERSEDES}]-(n:{Label.EVIDENCE}) | n.id] AS supersededBy
"""

# Stored evidence the bundle only links to (covers) or corrects (supersedes).
_LOCK_OTHERS = f"""
UNWIND $ids AS id
MATCH (e:{Label.EVIDENCE} {{id: id}})
SET e._lock = true
WITH e
REMOVE e._lock
RETURN properties(e) AS props, [(e)-[:{Rel.COVERS}]->(a:{Label.ASSET}) | a.id] AS covers,
       [(e)<-[:{Rel.SUPERSEDES}]-(n:{Label.EVIDENCE}) | n.id] AS supersededBy
"""


def check_in_transaction(tx: ManagedTransaction, bundle: Bundle) -> None:
    """Raise `EvidenceConflict` (rolling the transaction back) unless the bundle only adds evidence."""
    items = sorted({e.id for e in bundle.evidence})
    recorded: dict[str, RecordedEvidence] = {}
    superseded_by: dict[str, list[str]] = {}
    for record in tx.run(_LOCK_ITEMS, ids=items):
        if not record["created"]:
            evidence = _add(recorded, record["props"], record["covers"])
            superseded_by[evidence.id] = record["supersededBy"]
    others = sorted((set(touched_ids(bundle)) | set(supersede_targets(bundle))) - set(items))
    for record in tx.run(_LOCK_OTHERS, ids=others):
        evidence = _add(recorded, record["props"], record["covers"])
        superseded_by[evidence.id] = record["supersededBy"]
    check_immutable(bundle, recorded, superseded_by)


def _add(recorded: dict[str, RecordedEvidence], props: dict[str, object], covers: list[str]) -> Evidence:
    evidence = node_model(Label.EVIDENCE, dict(props))
    assert isinstance(evidence, Evidence)
    recorded[evidence.id] = RecordedEvidence(evidence=evidence, covers=frozenset(covers))
    return evidence
