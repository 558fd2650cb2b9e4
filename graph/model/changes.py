"""`Change`: one recorded change of an asset, appended to its history and never edited.

`changed_at(a, T)` (DESIGN.md "Changes and staleness") is the latest `at` among a's changes with
`at <= T`. A bundle may carry an asset's `changed_at` as shorthand for one change at that instant;
`normalized_changes` turns the shorthand into records and gives each record without an id a
deterministic one, so loading the same bundle twice appends nothing.
"""

from __future__ import annotations

import hashlib
import uuid
from bisect import bisect_right
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from graph.model.nodes import Actor, Asset, NodeId, Text, UtcDatetime


class ChangeKind(StrEnum):
    RETRAIN = "retrain"
    REDEPLOY = "redeploy"
    CONFIG = "config"
    DATA = "data"
    INFRA = "infra"
    OTHER = "other"


class Change(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: NodeId | None = Field(
        default=None, description="Unique id; none: derived from (asset, at, propagated_from) when written."
    )
    asset: NodeId = Field(description="The asset that changed.")
    at: UtcDatetime = Field(description="When it changed (may be back-dated; never in the future).")
    kind: ChangeKind = Field(default=ChangeKind.OTHER, description="What sort of change it was.")
    note: Text | None = Field(default=None, description="What changed, in a few words.")
    propagated_from: NodeId | None = Field(
        default=None, description="The asset whose change this one follows (its blast radius), if any."
    )
    recorded_at: UtcDatetime | None = Field(default=None, description="When it was recorded; stamped by the server.")
    recorded_by: Actor | None = Field(default=None, description="Who recorded it; stamped by the server when known.")

    def content(self) -> tuple[object, ...]:
        """What a change says: a change recorded again must say exactly this (it is never edited)."""
        return (self.asset, self.at, self.kind, self.note, self.propagated_from)


def derived_change_id(asset: str, at: datetime, propagated_from: str | None) -> str:
    """The id of a change given without one: the same (asset, at, propagated_from) gives the same id."""
    key = f"{asset}\x00{at.isoformat()}\x00{propagated_from or ''}"
    return "chg-" + hashlib.sha256(key.encode()).hexdigest()[:32]


def new_change_id() -> str:
    """A fresh id for a change recorded through the API (two records at one instant stay two)."""
    return "chg-" + uuid.uuid4().hex


def with_id(change: Change) -> Change:
    if change.id is not None:
        return change
    return change.model_copy(update={"id": derived_change_id(change.asset, change.at, change.propagated_from)})


def shorthand_change(asset: Asset) -> Change | None:
    """The change an asset's `changed_at` stands for (kind other, derived id), if it has one."""
    if asset.changed_at is None:
        return None
    return with_id(Change(asset=asset.id, at=asset.changed_at))


def latest_at_or_before(instants: Sequence[int], at: int) -> int | None:
    """The latest of sorted `instants` that is <= `at` (None: none is)."""
    i = bisect_right(instants, at)
    return instants[i - 1] if i else None
