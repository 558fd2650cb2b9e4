"""Evidence in Neo4j: the immutability rule of `graph.checks.evidence_immutability`, checked inside the write's
transaction after taking the write locks of every evidence node involved, so a concurrent
write of the same id (or a second correction of the same item) waits and then sees the first;
and reviews, appended as `(:EvidenceReview)-[:REVIEWS]->(:Evidence)` nodes (never edited), whose
latest sets the evidence node's `status` in the same transaction."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from neo4j import ManagedTransaction

from graph.bundle import Bundle
from graph.checks.evidence_immutability import (
    RecordedEvidence,
    as_recorded,
    check_immutable,
    supersede_targets,
    touched_ids,
)
from graph.model import Evidence, EvidenceReview, Label, Rel
from graph.stores.neo4j.reads import seek
from graph.stores.neo4j.values import from_db, node_model, to_db

REVIEW = "EvidenceReview"  # a label of its own, outside the graph model's labels (not exported as nodes)
REVIEWS = "REVIEWS"

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
       [(e)<-[:{Rel.SUPERSEDES}]-(n:{Label.EVIDENCE}) | n.id] AS supersededBy,
       EXISTS {{ (e)<-[:{REVIEWS}]-(:{REVIEW}) }} AS reviewed
"""

# Appends one review unless the same one is recorded already (a retry, an export loaded back);
# `seq` keeps the order of recording among an item's reviews. SET takes the item's write lock
# first, so concurrent reviews of one item count its reviews one after the other.
_APPEND = f"""
MATCH (e:{Label.EVIDENCE} {{id: $review.evidence}}) {seek("e", Label.EVIDENCE)}
SET e._lock = true
REMOVE e._lock
WITH e
WHERE NOT EXISTS {{
    MATCH (e)<-[:{REVIEWS}]-(r:{REVIEW})
    WHERE r.decision = $review.decision AND r.note = $review.note AND r.reviewer = $review.reviewer
      AND r.at = $review.at
}}
CALL (e) {{ OPTIONAL MATCH (e)<-[:{REVIEWS}]-(r:{REVIEW}) RETURN count(r) AS seq }}
CREATE (:{REVIEW} {{evidence: $review.evidence, decision: $review.decision, note: $review.note,
                   reviewer: $review.reviewer, at: $review.at, seq: seq}})-[:{REVIEWS}]->(e)
"""

# The status of each item is its latest review's (by `at`, then order of recording).
_APPLY_LATEST = f"""
UNWIND $ids AS id
MATCH (e:{Label.EVIDENCE} {{id: id}}) {seek("e", Label.EVIDENCE)}
CALL (e) {{
    MATCH (e)<-[:{REVIEWS}]-(r:{REVIEW})
    RETURN r.decision AS decision ORDER BY r.at DESC, r.seq DESC LIMIT 1
}}
SET e.status = decision
"""

_READ = f"""
UNWIND $ids AS id
MATCH (e:{Label.EVIDENCE} {{id: id}}) {seek("e", Label.EVIDENCE)}
MATCH (e)<-[:{REVIEWS}]-(r:{REVIEW})
RETURN id, properties(r) AS props ORDER BY id, r.seq
"""

EXPORT_REVIEWS = (
    f"MATCH (r:{REVIEW})-[:{REVIEWS}]->(:{Label.EVIDENCE}) RETURN properties(r) AS props ORDER BY r.evidence, r.seq"
)


def check_in_transaction(tx: ManagedTransaction, bundle: Bundle, stored: set[str]) -> Bundle:
    """Raise `EvidenceConflict` (rolling the transaction back) unless the bundle only adds evidence;
    return the bundle with the items it repeats as stored (`graph.checks.evidence_immutability.as_recorded`).
    `stored`: which of the bundle's evidence ids the database holds (read in this transaction)."""
    items = {e.id for e in bundle.evidence}
    others = set(touched_ids(bundle)) | set(supersede_targets(bundle))
    recorded: dict[str, RecordedEvidence] = {}
    superseded_by: dict[str, list[str]] = {}
    # Sorted: concurrent writers take the locks in one order.
    for record in tx.run(_LOCK, ids=sorted((items & stored) | (others - items))):
        evidence = _add(recorded, record["props"], record["covers"], record["reviewed"])
        superseded_by[evidence.id] = record["supersededBy"]
    check_immutable(bundle, recorded, superseded_by)
    return as_recorded(bundle, {i: r for i, r in recorded.items() if i in items})


def _add(
    recorded: dict[str, RecordedEvidence], props: dict[str, object], covers: list[str], reviewed: bool
) -> Evidence:
    evidence = node_model(Label.EVIDENCE, dict(props))
    assert isinstance(evidence, Evidence)
    recorded[evidence.id] = RecordedEvidence(evidence=evidence, covers=frozenset(covers), reviewed=reviewed)
    return evidence


def write_reviews(tx: ManagedTransaction, bundle: Bundle, stored: set[str]) -> None:
    """Append the bundle's reviews, then give every evidence item the bundle reviewed or wrote
    again the status of its latest review (writing a stored item sets its recorded status again).
    `stored`: the bundle's evidence ids the database held before this write."""
    for review in bundle.reviews:
        tx.run(_APPEND, review={k: to_db(v) for k, v in review}).consume()
    ids = sorted({r.evidence for r in bundle.reviews} | {e.id for e in bundle.evidence if e.id in stored})
    if ids:
        tx.run(_APPLY_LATEST, ids=ids).consume()


def review_of(props: dict[str, Any]) -> EvidenceReview:
    return EvidenceReview.model_validate({k: from_db(v) for k, v in props.items() if k in EvidenceReview.model_fields})


def reviews_by_evidence(records: Collection[Any]) -> dict[str, list[EvidenceReview]]:
    """Rows of `READ_REVIEWS` as each item's reviews, in the order they were recorded."""
    found: dict[str, list[EvidenceReview]] = {}
    for record in records:
        found.setdefault(record["id"], []).append(review_of(record["props"]))
    return found


READ_REVIEWS = _READ
