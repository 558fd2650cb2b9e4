"""Append-only records (audit exceptions, remediations): an id once recorded says what it said.

Written once for every record kind and both stores, as evidence immutability is
(graph/checks/evidence_immutability.py builds on `RecordConflict` and `first_difference`):

- `stamped` gives each record without `recorded_at` / `recorded_by` the server's instant (one
  microsecond apart in list order, so "latest by recorded_at" keeps the write order of a bundle,
  and survives export -> load) and the caller the audit log names;
- `without_repeats` refuses, whole, a record whose id is recorded with other content (naming the
  first field that differs) and drops the records repeated exactly: a retry is a no-op that keeps
  the first recording's stamps.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from datetime import datetime, timedelta

from pydantic import BaseModel

from graph.access.audit import pending_audit
from graph.bundle import Bundle
from graph.errors import ConflictError
from graph.model import Label, NodeModel

# Bundle list -> label of the records nobody edits; each record's stamps are how it was recorded.
RECORD_LISTS: dict[str, Label] = {"audit_exceptions": Label.AUDIT_EXCEPTION, "remediations": Label.REMEDIATION}
STAMPS = frozenset({"recorded_at", "recorded_by"})

# Which of `ids` of `label` are stored, as stored (a store's `get_nodes`, or the same inside a transaction).
StoredRecords = Callable[[Label, Collection[str]], Mapping[str, NodeModel]]


class RecordConflict(ConflictError):
    """An attempt to change a recorded item; names the field as the bundle spells it.

    `reason` may quote what is stored; `public_reason` says the same without quoting it, for
    callers who may not read it."""

    def __init__(self, field: str, reason: str, public_reason: str | None = None) -> None:
        self.field = field
        self.reason = reason
        self.public_reason = reason if public_reason is None else public_reason
        super().__init__(f"{field}: {reason}")

    def withholding_stored_values(self) -> RecordConflict:
        return type(self)(self.field, self.public_reason)


def first_difference(old: BaseModel, new: BaseModel, fields: Collection[str]) -> str | None:
    """The first of `fields` (in their order) whose values differ between two recordings."""
    return next((name for name in fields if getattr(old, name) != getattr(new, name)), None)


def shown(value: object) -> str:
    """A stored value quoted in a conflict message (shortened)."""
    text = str(getattr(value, "value", value))
    return f"'{text[:80]}'" if value is not None else "nothing"


def has_records(bundle: Bundle) -> bool:
    return any(getattr(bundle, name) for name in RECORD_LISTS)


def stamped(bundle: Bundle, now: datetime) -> Bundle:
    """The bundle with every record stamped (unchanged, the same object, when it has none)."""
    if not has_records(bundle):
        return bundle
    pending = pending_audit()
    actor = pending.draft.actor if pending is not None else None
    update: dict[str, list[NodeModel]] = {}
    tick = 0
    for name in RECORD_LISTS:
        items = []
        for item in getattr(bundle, name):
            stamps: dict[str, object] = {}
            if item.recorded_at is None:
                stamps["recorded_at"] = now + timedelta(microseconds=tick)
                tick += 1
            if item.recorded_by is None and actor is not None:
                stamps["recorded_by"] = actor
            items.append(item.model_copy(update=stamps) if stamps else item)
        update[name] = items
    return bundle.model_copy(update=update)


def without_repeats(bundle: Bundle, stored: StoredRecords) -> Bundle:
    """The bundle minus the records it repeats exactly; `RecordConflict` when one would edit a record."""
    if not has_records(bundle):
        return bundle
    update: dict[str, list[NodeModel]] = {}
    for name, label in RECORD_LISTS.items():
        items: list[NodeModel] = getattr(bundle, name)
        recorded = stored(label, [item.id for item in items]) if items else {}
        fields = [f for f in type(items[0]).model_fields if f not in STAMPS] if items else []
        kept = []
        for index, item in enumerate(items):
            old = recorded.get(item.id)
            if old is None:
                kept.append(item)
                continue
            differing = first_difference(old, item, fields)
            if differing is not None:
                kind = label.value
                raise RecordConflict(
                    f"{name}[{index}].{differing}",
                    f"{kind} '{item.id}' is already recorded with {differing} = {shown(getattr(old, differing))}; "
                    f"a {kind} record is never edited: record a new one",
                    f"{kind} '{item.id}' is already recorded with another {differing}; "
                    f"a {kind} record is never edited: record a new one",
                )
        update[name] = kept
    return bundle.model_copy(update=update)
