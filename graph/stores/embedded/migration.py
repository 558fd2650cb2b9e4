"""A data dir written before change histories: its assets' `changed_at` become `Change` records.

Run at every writable open, in one transaction: each asset row still holding `changed_at` gains
the change it stands for (kind other, derived id, so a repeat adds nothing) and loses the field.
A read-only open converts the same rows in memory instead (adjacency.py `put_node`).
"""

from __future__ import annotations

import sqlite3

from graph.model import Asset, Label, shorthand_change


def migrate_changed_at(db: sqlite3.Connection) -> None:
    rows = db.execute(
        "SELECT data FROM nodes WHERE label = ? AND json_extract(data, '$.changed_at') IS NOT NULL",
        (Label.ASSET.value,),
    ).fetchall()
    if not rows:
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        for (data,) in rows:
            asset = Asset.model_validate_json(data)
            change = shorthand_change(asset)
            assert change is not None
            db.execute(
                "INSERT OR IGNORE INTO asset_changes (id, asset, data) VALUES (?, ?, ?)",
                (change.id, change.asset, change.model_dump_json()),
            )
            kept = asset.model_copy(update={"changed_at": None})
            db.execute(
                "UPDATE nodes SET data = ? WHERE label = ? AND id = ?",
                (kept.model_dump_json(), Label.ASSET.value, asset.id),
            )
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
