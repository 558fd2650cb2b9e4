"""Asset change histories in Neo4j: `(:Change)` nodes, appended in the write's transaction.

A change node carries its asset's id (indexed), not a relationship: the history is read per asset
and by id only. Each asset also keeps `change_times`, the instants of its changes, maintained in
the same transaction, so the reads compute `changed_at(a, T)` (the latest at or before T) from the
asset alone (reads.py). A change is never edited (`graph.checks.change_history.new_changes`, on
the changes recorded as this transaction reads them); it goes only with its asset (`DELETE_WITH`).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from neo4j import ManagedTransaction

from graph.bundle import Bundle
from graph.checks.change_history import change_ids, new_changes
from graph.model import Change, Label, with_id
from graph.stores.neo4j.values import epoch_pair, from_db, to_db

CHANGE = "Change"


def schema_statements() -> list[tuple[str, str]]:
    return [
        (
            "attestgraph_change_id",
            f"CREATE CONSTRAINT attestgraph_change_id IF NOT EXISTS FOR (c:{CHANGE}) REQUIRE c.id IS UNIQUE",
        ),
        (
            "attestgraph_change_asset",
            f"CREATE INDEX attestgraph_change_asset IF NOT EXISTS FOR (c:{CHANGE}) ON (c.asset)",
        ),
        # The changes inside a window of time (timeline_unscoped.py: a new item's validity).
        ("attestgraph_change_at", f"CREATE INDEX attestgraph_change_at IF NOT EXISTS FOR (c:{CHANGE}) ON (c.at)"),
    ]


RECORDED = f"UNWIND $ids AS id MATCH (c:{CHANGE} {{id: id}}) RETURN properties(c) AS props"

# Instants as [epoch seconds, nanoseconds] (values.epoch_pair): the driver's own conversion of a
# datetime parameter cost ~0.1 ms each, 0.7 s of a hub's recordChange at M (3,648 changes).
_INSTANT = "datetime({{epochSeconds: row.{0}[0], nanosecond: row.{0}[1]}})"
CREATE = f"""
UNWIND $rows AS row
CREATE (c:{CHANGE})
SET c = row.props, c.at = {_INSTANT.format("at")},
  c.recorded_at = CASE WHEN row.recorded_at IS NULL THEN null ELSE {_INSTANT.format("recorded_at")} END
"""

# The asset's instants, from its history, in time order (as the bulk path writes them): the one
# place `change_times` is written.
REFRESH_TIMES = f"""
UNWIND $assets AS id
MATCH (a:{Label.ASSET} {{id: id}})
CALL (a) {{ OPTIONAL MATCH (c:{CHANGE} {{asset: a.id}}) WITH c ORDER BY c.at RETURN collect(c.at) AS times }}
SET a.change_times = times
"""

DELETE_WITH = f"MATCH (c:{CHANGE} {{asset: $id}}) DETACH DELETE c"

COUNT = f"MATCH (c:{CHANGE} {{asset: $asset}}) RETURN count(c) AS n"

EXPORT = f"MATCH (c:{CHANGE}) RETURN properties(c) AS props"

PAGE = f"""
MATCH (c:{CHANGE} {{asset: $asset}})
OPTIONAL MATCH (cursor:{CHANGE} {{id: $after, asset: $asset}})
WITH c, cursor
WHERE $after IS NULL OR (cursor IS NOT NULL AND (c.at < cursor.at OR (c.at = cursor.at AND c.id < cursor.id)))
RETURN properties(c) AS props ORDER BY c.at DESC, c.id DESC LIMIT $first
"""

LATEST = f"""
UNWIND $ids AS id
MATCH (a:{Label.ASSET} {{id: id}})
WITH a, [t IN coalesce(a.change_times, []) WHERE t <= $at] AS past
WHERE size(past) > 0
RETURN a.id AS id, reduce(m = past[0], t IN past | CASE WHEN t > m THEN t ELSE m END) AS latest
"""

# Stores written before change histories: an asset's `changed_at` property becomes a change.
LEGACY = f"MATCH (a:{Label.ASSET}) WHERE a.changed_at IS NOT NULL RETURN a.id AS id, a.changed_at AS at"
LEGACY_ANY = f"MATCH (a:{Label.ASSET}) WHERE a.changed_at IS NOT NULL RETURN a.id AS id LIMIT 1"
UNSET_LEGACY = f"UNWIND $ids AS id MATCH (a:{Label.ASSET} {{id: id}}) REMOVE a.changed_at"


def change_of(props: dict[str, Any]) -> Change:
    return Change.model_validate({k: from_db(v) for k, v in props.items()})


_TIMES = ("at", "recorded_at")


def _row(change: Change) -> dict[str, Any]:
    props = {name: to_db(value) for name, value in change if value is not None and name not in _TIMES}
    recorded = change.recorded_at
    return {"props": props, "at": epoch_pair(change.at), "recorded_at": recorded and epoch_pair(recorded)}


def new_in_transaction(tx: ManagedTransaction, bundle: Bundle) -> list[Change]:
    """The bundle's changes not recorded yet, as this transaction reads them (an edited one:
    `ConflictError`, and the transaction with every other write of the bundle rolls back).
    Checked first in a write, as the embedded store does, so both name the same conflict."""
    if not bundle.changes:
        return []
    recorded = {c.id: c for c in (change_of(r["props"]) for r in tx.run(RECORDED, ids=change_ids(bundle)))}
    return new_changes(bundle, recorded)  # type: ignore[arg-type]


def write_changes(tx: ManagedTransaction, fresh: list[Change]) -> None:
    """Append `fresh` (from `new_in_transaction`) and refresh their assets' `change_times`."""
    if fresh:
        tx.run(CREATE, rows=[_row(c) for c in fresh]).consume()
        tx.run(REFRESH_TIMES, assets=sorted({c.asset for c in fresh})).consume()


def page(tx_read: Any, asset_id: str, first: int, after: str | None) -> list[Change]:
    return [change_of(r["props"]) for r in tx_read(PAGE, asset=asset_id, first=first, after=after)]


def latest(tx_read: Any, asset_ids: Collection[str], at: datetime) -> dict[str, datetime]:
    return {r["id"]: from_db(r["latest"]) for r in tx_read(LATEST, ids=list(asset_ids), at=to_db(at))}


def migrate(tx: ManagedTransaction) -> None:
    """Convert `Asset.changed_at` properties to changes (derived ids: running it again adds nothing)."""
    legacy = [(r["id"], from_db(r["at"])) for r in tx.run(LEGACY)]
    if not legacy:
        return
    legacy_changes = Bundle(changes=[with_id(Change(asset=i, at=at)) for i, at in legacy])
    write_changes(tx, new_in_transaction(tx, legacy_changes))
    tx.run(UNSET_LEGACY, ids=[i for i, _at in legacy]).consume()
