"""Neo4j side of populations and samples: the population read and the append-only check of
samples, inside the write's transaction (graph/checks/append_only.py is the rule)."""

from __future__ import annotations

from neo4j import ManagedTransaction, Record

from graph.bundle import Bundle
from graph.checks.append_only import check_samples_append_only, without_recorded_samples
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


def check_in_transaction(tx: ManagedTransaction, bundle: Bundle, stored: set[str]) -> Bundle:
    """Refuse (rolling back) a sample recorded again with other content; return the bundle
    without the samples it repeats. `stored`: the bundle's sample ids the database holds."""
    ids = sorted({s.id for s in bundle.samples} & stored)
    if not ids:
        return bundle
    recorded: dict[str, Sample] = {}
    for record in tx.run(get_nodes(Label.SAMPLE), ids=ids):
        sample = node_model(Label.SAMPLE, dict(record["props"]))
        assert isinstance(sample, Sample)
        recorded[sample.id] = sample
    check_samples_append_only(bundle, recorded)
    return without_recorded_samples(bundle, recorded)
