"""The audit log: an append-only hash chain of who did what, when, and how it ended.

Every entry holds the SHA-256 of the entry before it (`prev_hash`) and its own `hash`, the
SHA-256 of its canonical JSON (every field but `hash`, keys sorted, no spaces). Editing an
entry changes its hash; removing or reordering entries breaks a `prev_hash` link or the run of
`seq`: `verify` finds the first entry where either happens and says why.

The chain proves the order and content of what is there; it cannot know of entries cut off the
end. Record the head (`seq`, `hash`) somewhere else now and then (a ticket, a signed mail) and
pass it to `verify` as `expect_head` to detect truncation too.

Writes and their audit entry commit together: a store write made inside `audited(draft)` (on
the same thread or task) appends the draft's entry in the same transaction, so an acknowledged
write always has its entry and a write that failed or never committed has none.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from graph.model import UtcDatetime, now_utc

GENESIS_HASH = "0" * 64
_HEX64 = r"^[0-9a-f]{64}$"

Short = Annotated[str, Field(max_length=500)]


class AuditDraft(BaseModel):
    """What the caller knows about an entry; the store adds its place in the chain."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    at: UtcDatetime = Field(default_factory=now_utc)
    actor: Short
    role: Short
    operation: Short
    input_digest: Annotated[str, Field(pattern=_HEX64)]
    outcome: Short = "ok"
    # The X-Request-ID of the request that made the entry (service/observability/request_id.py);
    # None for the CLI and for entries written before it existed, and then left out of the hash.
    request_id: Annotated[str | None, Field(max_length=128)] = None


class AuditEntry(AuditDraft):
    """One link of the chain."""

    seq: Annotated[int, Field(ge=1)]
    prev_hash: Annotated[str, Field(pattern=_HEX64)]
    hash: Annotated[str, Field(pattern=_HEX64)]


def canonical_json(value: Any) -> str:
    """One spelling per value: sorted keys, no spaces, UTF-8 text, times as ISO-8601 in UTC."""
    return json.dumps(_plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return _plain(value.model_dump())
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_plain(v) for v in value]
        return sorted(items, key=canonical_json) if isinstance(value, set | frozenset) else items
    if isinstance(value, Enum):
        return _plain(value.value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return hashlib.sha256(value).hexdigest()
    if hasattr(value, "__dataclass_fields__"):
        return {name: _plain(getattr(value, name)) for name in value.__dataclass_fields__}
    return value


def digest(value: Any) -> str:
    """The SHA-256 of a value's canonical JSON: what an entry keeps of a mutation's input."""
    return hashlib.sha256(canonical_json(value).encode()).hexdigest()


# Fields added after entries were first written: hashed only when set, so an older entry (which
# lacks them) hashes as it did when it was sealed and `verify` still accepts it.
OPTIONAL_FIELDS = frozenset({"request_id"})


def entry_hash(draft: AuditDraft, seq: int, prev_hash: str) -> str:
    unset = {name for name in OPTIONAL_FIELDS if getattr(draft, name) is None}
    body = {**draft.model_dump(mode="json", exclude=unset), "seq": seq, "prev_hash": prev_hash}
    return hashlib.sha256(canonical_json(body).encode()).hexdigest()


def seal(draft: AuditDraft, seq: int, prev_hash: str) -> AuditEntry:
    """The entry that follows an entry numbered `seq - 1` whose hash is `prev_hash`."""
    return AuditEntry(**draft.model_dump(), seq=seq, prev_hash=prev_hash, hash=entry_hash(draft, seq, prev_hash))


def recomputed_hash(entry: AuditEntry) -> str:
    draft = AuditDraft.model_validate(entry.model_dump(include=set(AuditDraft.model_fields)))
    return entry_hash(draft, entry.seq, entry.prev_hash)


@dataclass(frozen=True)
class Verification:
    """The outcome of `verify`: `bad_index` is the 0-based position of the first bad entry."""

    ok: bool
    entries: int
    head_seq: int
    head_hash: str
    bad_index: int | None = None
    bad_seq: int | None = None
    reason: str = ""


@dataclass(frozen=True)
class StoredAuditRow:
    """An entry as a store keeps it, before it is trusted: `seq` is where the store files it (the
    key it is read in order of), `stored_hash` a hash the store keeps beside the entry (None if
    it keeps none), `data` the entry itself: JSON text, a mapping of its fields, or the entry."""

    seq: int
    stored_hash: str | None
    data: str | dict[str, Any] | AuditEntry


def _entry(row: StoredAuditRow) -> AuditEntry | str:
    """The row's entry, or why it cannot be read (it was damaged or cut short)."""
    if isinstance(row.data, AuditEntry):
        return row.data
    try:
        if isinstance(row.data, str):
            return AuditEntry.model_validate_json(row.data)
        return AuditEntry.model_validate(row.data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the entry"
        if first["type"] == "missing":
            return f"it is incomplete: '{where}' is missing"
        if first["type"].startswith("json"):
            return "it is unreadable: not a JSON object"
        return f"it is unreadable: '{where}': {first['msg']}"


def verify(entries: Iterable[AuditEntry | StoredAuditRow], expect_head: tuple[int, str] | None = None) -> Verification:
    """Walk the chain from its start; stop at the first entry that is unreadable, edited, removed
    or moved, and say which (a swap of two entries is told from a removal by looking ahead for
    the entry that belongs where the chain broke).

    `expect_head` = (seq, hash) of a head recorded earlier: that entry must still be in the
    chain, unchanged, so entries cut off the end since then are detected too.
    """
    prev_hash, prev_seq, count = GENESIS_HASH, 0, 0
    expected_seen = expect_head is None
    rows = iter(_row(item) for item in entries)
    for index, row in enumerate(rows):
        count = index + 1
        entry = _entry(row)
        if isinstance(entry, str):
            return Verification(False, count, prev_seq, prev_hash, index, row.seq, f"entry {row.seq}: {entry}")
        reason = ""
        if entry.seq != prev_seq + 1 or entry.prev_hash != prev_hash:
            reason = _break(entry, prev_seq, prev_hash, rows)
        elif recomputed_hash(entry) != entry.hash:
            reason = f"entry {entry.seq} was edited: its content does not match its hash"
        elif row.stored_hash is not None and row.stored_hash != entry.hash:
            reason = f"entry {entry.seq}: the hash stored beside it does not match its own (one of them was edited)"
        elif row.seq != entry.seq:
            reason = f"entry {entry.seq} is stored as entry {row.seq}: it was moved"
        elif expect_head is not None and entry.seq == expect_head[0]:
            if entry.hash != expect_head[1]:
                reason = f"entry {entry.seq} is not the head recorded earlier: the chain was rewritten"
            expected_seen = True
        if reason:
            return Verification(False, count, prev_seq, prev_hash, index, entry.seq, reason)
        prev_hash, prev_seq = entry.hash, entry.seq
    if not expected_seen:
        assert expect_head is not None
        return Verification(
            False,
            count,
            prev_seq,
            prev_hash,
            count,
            expect_head[0],
            f"the chain ends at entry {prev_seq}, before the head recorded earlier (entry {expect_head[0]}): "
            "entries were cut off the end",
        )
    return Verification(True, count, prev_seq, prev_hash)


def _row(item: AuditEntry | StoredAuditRow) -> StoredAuditRow:
    return item if isinstance(item, StoredAuditRow) else StoredAuditRow(item.seq, None, item)


def _break(entry: AuditEntry, prev_seq: int, prev_hash: str, later: Iterator[StoredAuditRow]) -> str:
    """Why `entry` does not follow entry `prev_seq` (hash `prev_hash`): the entry that should
    follow is further on (entries were swapped or moved), or it is nowhere (it was removed)."""
    for row in later:
        found = _entry(row)
        if isinstance(found, AuditEntry) and found.prev_hash == prev_hash and found.hash != entry.hash:
            if entry.prev_hash == found.hash:
                return f"entries {found.seq} and {entry.seq} were swapped: each stands where the other belongs"
            return f"entries were reordered: entry {found.seq}, which follows {prev_seq}, comes after {entry.seq}"
    if entry.seq > prev_seq + 1:
        missing = f"entry {prev_seq + 1}" if entry.seq == prev_seq + 2 else f"entries {prev_seq + 1} to {entry.seq - 1}"
        return f"entry {entry.seq} follows entry {prev_seq}: {missing} removed"
    if entry.seq <= prev_seq:
        return f"entry {entry.seq} follows entry {prev_seq}: an entry was duplicated or moved back"
    return (
        f"entry {entry.seq} does not link to the entry before it: an entry was removed and the rest "
        f"renumbered, or entry {prev_seq} was rewritten with its hash recomputed"
    )


# -- writes and their entry, in one transaction -----------------------------------------------------


@dataclass
class PendingAudit:
    """An entry waiting for the next store write; the store sets `entry` when it commits both."""

    draft: AuditDraft
    entry: AuditEntry | None = None


_PENDING: ContextVar[PendingAudit | None] = ContextVar("attestgraph_pending_audit", default=None)


@contextmanager
def audited(draft: AuditDraft) -> Iterator[PendingAudit]:
    """Make the first store write inside the block commit `draft`'s entry with it.

    The context travels into `asyncio.to_thread` workers (they copy the context), so the service
    opens the block around a resolver and the store sees it in the worker thread."""
    pending = PendingAudit(draft)
    token = _PENDING.set(pending)
    try:
        yield pending
    finally:
        _PENDING.reset(token)


@contextmanager
def not_audited() -> Iterator[None]:
    """Writes inside the block do not take the pending entry (an append of another entry)."""
    token = _PENDING.set(None)
    try:
        yield
    finally:
        _PENDING.reset(token)


def pending_audit() -> PendingAudit | None:
    """The entry the next write must commit with it, if any and not committed yet."""
    pending = _PENDING.get()
    return pending if pending is not None and pending.entry is None else None


Stored = TypeVar("Stored", AuditEntry, StoredAuditRow)


def read_all(fetch: Callable[[int, int | None], list[Stored]], page: int = 5_000) -> Iterator[Stored]:
    """Every entry (or stored row) in `seq` order, fetched a page at a time (`fetch(first, after_seq)`)."""
    after: int | None = None
    while True:
        entries = fetch(page, after)
        yield from entries
        if len(entries) < page:
            return
        after = entries[-1].seq
