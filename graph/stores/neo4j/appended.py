"""Appended records in a write: changes normalized and records stamped before the transaction
(graph/checks/change_history.py, graph/checks/append_only.py); repeated records checked inside
it, against what the transaction sees, not an earlier snapshot."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from neo4j import ManagedTransaction

from graph.bundle import Bundle
from graph.checks import change_history
from graph.checks.append_only import stamped
from graph.checks.append_only import without_repeats as checked
from graph.model import Label, NodeModel
from graph.stores.neo4j import reads, writes
from graph.stores.neo4j.values import node_model


def nodes_in(tx: ManagedTransaction, label: Label, ids: Collection[str]) -> dict[str, NodeModel]:
    """The stored nodes of `label` among `ids`, read in `tx`."""
    if not ids:
        return {}
    found = (node_model(label, record["props"]) for record in tx.run(reads.get_nodes(label), ids=sorted(set(ids))))
    return {node.id: node for node in found}


def without_repeats(tx: ManagedTransaction, bundle: Bundle) -> Bundle:
    """`graph.checks.append_only.without_repeats` against what `tx` reads."""
    return checked(bundle, lambda label, ids: nodes_in(tx, label, ids))


def normalized(bundle: Bundle, now: datetime) -> Bundle:
    """The bundle's changes as records and every appended record stamped (`now`, the caller)."""
    return stamped(change_history.normalized(bundle, now), now)


def planned(
    tx: ManagedTransaction, bundle: Bundle, written: Bundle, plan: writes.WritePlan
) -> tuple[Bundle, writes.WritePlan]:
    """What to write of `bundle` (`written`: its evidence as recorded) once repeated records are
    dropped, and its plan: `plan` while nothing changed, else planned again."""
    written = without_repeats(tx, written)
    return written, plan if written is bundle else writes.plan_write(written)
