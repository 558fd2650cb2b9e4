"""Evidence immutability in Neo4j: the rule of `graph.evidence`, checked inside the write's
transaction after taking the write locks of every evidence node involved, so a concurrent
write of the same id (or a second correction of the same item) waits and then sees the first."""

from __future__ import annotations

from neo4j import ManagedTransaction

from graph.bundle import Bundle
from graph.evidence import RecordedEvidence, check_immutable, supersede_targets, touched_ids
from graph.model import Evidence, Label, Rel
from graph.stores.neo4j.values import node_model

# Stored evidence the bundle repeats, links to (covers) or corrects (supersedes): SET takes its
# write lock, so a concurrent correction of the same item waits and then sees this one. Items
# that are new are not locked: a concurrent creator of the same id fails on the unique
# constraint instead, and the store runs the write again (when the id is stored).
_LOCK = f"""
UNWIND $ids AS id
MATCH (e:{Label.EVIDENCE} {{id: id}})
SET e._lock = true
WITH e
REMOVE e._lock
RETURN properties(e) AS props, [(e)-[:{Rel.COVERS}]->(a:{Label.ASSET}) | a.id] AS covers,
       [(e)<-[:{Rel.SUPERSEDES}]-(n:{Label.EVIDENCE}) | n.id] AS supersededBy
"""


def check_in_transaction(tx: ManagedTransaction, bundle: Bundle, stored: set[str]) -> None:
    """Raise `EvidenceConflict` (rolling the transaction back) unless the bundle only adds evidence.
    `stored`: which of the bundle's evidence ids the database holds (read in this transaction)."""
    items = {e.id for e in bundle.evidence}
    others = set(touched_ids(bundle)) | set(supersede_targets(bundle))
    recorded: dict[str, RecordedEvidence] = {}
    superseded_by: dict[str, list[str]] = {}
    # Sorted: concurrent writers take the locks in one order.
    for record in tx.run(_LOCK, ids=sorted((items & stored) | (others - items))):
        evidence = _add(recorded, record["props"], record["covers"])
        superseded_by[evidence.id] = record["supersededBy"]
    check_immutable(bundle, recorded, superseded_by)


def _add(recorded: dict[str, RecordedEvidence], props: dict[str, object], covers: list[str]) -> Evidence:
    evidence = node_model(Label.EVIDENCE, dict(props))
    assert isinstance(evidence, Evidence)
    recorded[evidence.id] = RecordedEvidence(evidence=evidence, covers=frozenset(covers))
    return evidence
