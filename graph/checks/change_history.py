"""Writing an asset's change history: append-only, whichever store writes it.

`normalized` turns a bundle's `changed_at` shorthand into `Change` records, gives every record its
id and stamps `recorded_at` / `recorded_by`; the asset itself is then written without `changed_at`,
so upserting an asset never touches its history (no write can make stale evidence fresh again).
`new_changes` keeps the records not recorded yet and refuses, whole, a record that would edit one.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from graph.access.audit import pending_audit
from graph.bundle import Bundle
from graph.errors import ConflictError
from graph.model import Change, shorthand_change, with_id


def normalized(bundle: Bundle, now: datetime) -> Bundle:
    """The bundle with its assets' `changed_at` as changes, every change with an id and stamped.
    Unchanged (the same object) when it has neither."""
    if not bundle.changes and not any(a.changed_at is not None for a in bundle.assets):
        return bundle
    pending = pending_audit()
    actor = pending.draft.actor if pending is not None else None
    changes = [with_id(c) for c in bundle.changes]
    changes += [c for c in (shorthand_change(a) for a in bundle.assets) if c is not None]
    stamped = [
        c
        if c.recorded_at is not None and (c.recorded_by is not None or actor is None)  # already stamped: no copy
        else c.model_copy(
            update={
                "recorded_at": c.recorded_at if c.recorded_at is not None else now,
                "recorded_by": c.recorded_by if c.recorded_by is not None else actor,
            }
        )
        for c in changes
    ]
    assets = [a.model_copy(update={"changed_at": None}) if a.changed_at is not None else a for a in bundle.assets]
    return bundle.model_copy(update={"assets": assets, "changes": stamped})


def change_ids(bundle: Bundle) -> list[str]:
    return [c.id for c in bundle.changes if c.id is not None]


def new_changes(bundle: Bundle, recorded: Mapping[str, Change]) -> list[Change]:
    """The bundle's changes not recorded yet (each id once). A change whose id is recorded (or
    listed earlier) with other content is refused: a change is never edited, record a new one."""
    seen: dict[str, Change] = dict(recorded)
    fresh: list[Change] = []
    for index, change in enumerate(bundle.changes):
        assert change.id is not None  # `normalized` gave every change its id
        known = seen.get(change.id)
        if known is None:
            seen[change.id] = change
            fresh.append(change)
        elif known.content() != change.content():
            raise ConflictError(
                f"changes[{index}]: change '{change.id}' is already recorded with other content; "
                "a change is never edited: record a new one"
            )
    return fresh
