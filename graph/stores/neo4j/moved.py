"""Which controls' count timelines a write moves, refreshed in the write's own transaction
(timelines.py): a bundle's (`Moved`, read partly before the write) and an asset's deletion."""

from __future__ import annotations

from collections.abc import Callable, Collection

from neo4j import ManagedTransaction

from graph.bundle import LINK_LISTS, NODE_LISTS, Bundle
from graph.stores.neo4j.accepted import mark_moved
from graph.stores.neo4j.timeline_changes import ChangesOnly
from graph.stores.neo4j.timeline_items import add_items, only_new_items
from graph.stores.neo4j.timeline_unscoped import add_unscoped
from graph.stores.neo4j.timelines import bundle_controls, controls_of, evidence_touched, refresh


class Moved:
    """The controls a bundle's write moves: made before the write (the stored controls of the
    items it rewrites, corrects, reviews or scopes), refreshed after it in the same transaction."""

    def __init__(self, tx: ManagedTransaction, bundle: Bundle, stored_evidence: Collection[str]) -> None:
        self.before = controls_of(tx, evidence_touched(bundle, stored_evidence), ())
        # A write of changes alone (recordChange) moves only the pairs of the changed assets.
        self.changes_only = ChangesOnly(tx, bundle) if only_changes(bundle) else None
        # New items alone (recordEvidence) move their controls' pairs only from their instants on.
        self.new_items = only_new_items(bundle, set(stored_evidence))

    def refresh(self, tx: ManagedTransaction, bundle: Bundle) -> None:
        after = controls_of(tx, (), {c.asset for c in bundle.changes})  # scopes as this write left them
        if self.changes_only is not None:
            after -= self.changes_only.moved(tx, after)
        named = bundle_controls(bundle)
        touched = self.before | after | named
        if self.new_items:  # unscoped ones by the rule per state code, the others by a refold from their instant
            touched -= add_unscoped(tx, bundle, touched)
            touched -= add_items(tx, bundle, touched)
        refresh(tx, touched)
        # After the refresh, which holds these controls' locks: no new lock order.
        mark_moved(tx, self.before | named)  # the controls whose accepted items may have moved


def only_changes(bundle: Bundle) -> bool:
    others = (*NODE_LISTS, *LINK_LISTS, "depends_on", "mappings", "reviews")
    return bool(bundle.changes) and not any(getattr(bundle, name) for name in others)


def around_delete(tx: ManagedTransaction, asset_id: str, delete: Callable[[ManagedTransaction, str], None]) -> None:
    """`delete` the asset, then refresh the controls that applied to it."""
    applying = controls_of(tx, (), [asset_id])
    delete(tx, asset_id)
    refresh(tx, applying)
