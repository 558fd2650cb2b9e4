"""Export: the whole graph read back as a bundle, label by label and relationship by relationship."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from neo4j import Record

from graph.bundle import Bundle, bundle_from_graph
from graph.model import NODE_EDGE_FIELDS, Edge, Label, Rel
from graph.stores.neo4j import changes, reads
from graph.stores.neo4j import evidence as evidence_rules
from graph.stores.neo4j.values import from_db, node_model

# Relationships a bundle carries as node fields (a criterion's framework...): read with the node.
_FIELD_RELS = {rel for fields in NODE_EDGE_FIELDS.values() for rel in fields.values()}


def export_bundle(read: Callable[..., list[Record]]) -> Bundle:
    """Every node, relationship, review and change, through `read(query, **params)`."""
    nodes = [
        (label, node_model(label, record["props"])) for label in Label for record in read(reads.export_nodes(label))
    ]
    edges = [
        Edge(type=rel, source=r["source"], target=r["target"], properties=_properties(r["props"]))
        for rel in Rel
        if rel not in _FIELD_RELS
        for r in read(reads.export_edges(rel))
    ]
    reviews = [evidence_rules.review_of(r["props"]) for r in read(evidence_rules.EXPORT_REVIEWS)]
    history = [changes.change_of(r["props"]) for r in read(changes.EXPORT)]
    return bundle_from_graph(nodes, edges, reviews, history)


def _properties(props: dict[str, Any]) -> dict[str, Any]:
    return {k: from_db(v) for k, v in props.items()}
