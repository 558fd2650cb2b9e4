"""Neo4j side of populations and samples: the population read and the append-only check of
samples, inside the write's transaction (graph/checks/append_only.py is the rule)."""

from __future__ import annotations

from neo4j import ManagedTransaction, Record

from graph.bundle import Bundle
from graph.checks.sample_records import (
    check_sample_chains,
    check_samples_append_only,
    sample_groups,
    without_recorded_samples,
)
from graph.model import Label, Rel, Sample, natural_key
from graph.queries.results import AcceptedItem
from graph.stores.neo4j.reads import ACCEPTED, CURRENT, get_nodes, seek
from graph.stores.neo4j.values import from_db, node_model

# Collected in the window, or observing part of it; `covers` empty: the item speaks for all assets.
ACCEPTED_EVIDENCE_ITEMS = (
    f"MATCH (c:{Label.CONTROL} {{id: $id}})<-[:{Rel.EVIDENCES}]-(e:{Label.EVIDENCE}) {seek('c', Label.CONTROL)} "
    f"WHERE e.status = '{ACCEPTED}' AND {CURRENT} AND (($start <= e.collected_at AND e.collected_at < $end) "
    "OR (e.period_start < $end AND $start < e.period_end)) "
    f"OPTIONAL MATCH (e)-[:{Rel.COVERS}]->(a:{Label.ASSET}) "
    "RETURN e.id AS id, e.collected_at AS collected_at, e.period_start AS period_start, "
    "e.period_end AS period_end, collect(a.id) AS covers"
)


def accepted_items(records: list[Record]) -> list[AcceptedItem]:
    items = [
        AcceptedItem(
            evidence_id=r["id"],
            collected_at=from_db(r["collected_at"]),
            period_start=from_db(r["period_start"]),
            period_end=from_db(r["period_end"]),
            covers=sorted(r["covers"]),
        )
        for r in records
    ]
    return sorted(items, key=lambda item: (item.collected_at, natural_key(item.evidence_id)))


# SET takes each engagement's write lock: concurrent draws for one engagement go one after the
# other, so the second sees the first's sample (check_sample_chains).
_LOCK_ENGAGEMENTS = (
    f"UNWIND $ids AS id MATCH (g:{Label.ENGAGEMENT} {{id: id}}) {seek('g', Label.ENGAGEMENT)} "
    "SET g._lock = true REMOVE g._lock"
)
_GROUP_SAMPLES = (
    f"UNWIND $groups AS pair MATCH (s:{Label.SAMPLE}) WHERE s.engagement = pair[0] AND s.control = pair[1] "
    "RETURN properties(s) AS props"
)


def _samples(records: list[Record]) -> list[Sample]:
    found = [node_model(Label.SAMPLE, dict(record["props"])) for record in records]
    return [s for s in found if isinstance(s, Sample)]


def check_in_transaction(tx: ManagedTransaction, bundle: Bundle, stored: set[str]) -> Bundle:
    """Refuse (rolling back) a sample recorded again with other content, or a second draw of one
    engagement and control; return the bundle without the samples it repeats. `stored`: the
    bundle's sample ids the database holds."""
    if not bundle.samples:
        return bundle
    groups = sample_groups(bundle)
    tx.run(_LOCK_ENGAGEMENTS, ids=sorted({engagement for engagement, _ in groups})).consume()
    check_sample_chains(bundle, _samples(list(tx.run(_GROUP_SAMPLES, groups=[list(g) for g in groups]))))
    ids = sorted({s.id for s in bundle.samples} & stored)
    recorded = {s.id: s for s in _samples(list(tx.run(get_nodes(Label.SAMPLE), ids=ids)))} if ids else {}
    check_samples_append_only(bundle, recorded)
    return without_recorded_samples(bundle, recorded)
