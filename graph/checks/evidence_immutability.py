"""Evidence is immutable once recorded; a correction supersedes it and keeps it on record.

Both stores call `check_immutable` inside the transaction that writes the evidence, with what
they hold for the evidence ids the bundle touches, so the rule is written once:

- re-recording an evidence id with exactly the same properties and scope is a no-op (a retry:
  who recorded it and when stay those of the first recording; once reviewed, its status is the
  review's); with anything different it is a conflict naming the first field that differs;
- the scope of recorded evidence (its COVERS edges) cannot grow or shrink;
- `supersedes` names evidence that no other item supersedes yet (corrections form a chain,
  never a fork), and never forms a cycle.

What superseding means for the rules of DESIGN.md: a superseded item no longer counts for
anything (validity, staleness, missing evidence, period gaps, blast radius); it stays readable
by id, under its control and in exports, with `supersededBy` naming its correction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from graph.bundle import Bundle
from graph.checks.append_only import RecordConflict, first_difference, shown
from graph.model import Evidence


class EvidenceConflict(RecordConflict):
    """An attempt to change recorded evidence; names the field as the bundle spells it.

    `reason` may quote what is stored (a title, a digest, a scope, another item's id) for callers
    who may read it; `public_reason` says the same without quoting it, for callers who may not."""


@dataclass(frozen=True)
class RecordedEvidence:
    evidence: Evidence
    covers: frozenset[str]
    reviewed: bool = False  # then `evidence.status` is the latest review's, not the recorded one


# Not what was observed but how it was recorded (and, for status, reviewed): a retry differs here.
RECORDING_FIELDS = frozenset({"status", "recorded_by", "recorded_at"})
CONTENT_FIELDS = tuple(name for name in Evidence.model_fields if name not in RECORDING_FIELDS)


def as_recorded(bundle: Bundle, recorded: Mapping[str, RecordedEvidence]) -> Bundle:
    """The bundle with each item it repeats replaced by the item as stored (once `check_immutable`
    passed): writing it again keeps its recorder, time and reviewed status, and its edges."""
    if not any(e.id in recorded for e in bundle.evidence):
        return bundle
    items = [recorded[e.id].evidence if e.id in recorded else e for e in bundle.evidence]
    return bundle.model_copy(update={"evidence": items})


def without_recorded(bundle: Bundle, recorded: Mapping[str, RecordedEvidence]) -> Bundle:
    """The bundle minus the evidence items it repeats (once `check_immutable` passed): a retry
    writes nothing over a recorded item, so its recorder, time and reviews stay."""
    if not any(e.id in recorded for e in bundle.evidence):
        return bundle
    return bundle.model_copy(update={"evidence": [e for e in bundle.evidence if e.id not in recorded]})


def touched_ids(bundle: Bundle) -> list[str]:
    """Evidence ids whose recorded state the check needs: the bundle's items and covers sources."""
    return sorted({e.id for e in bundle.evidence} | {link.source for link in bundle.covers})


def supersede_targets(bundle: Bundle) -> list[str]:
    return sorted({e.supersedes for e in bundle.evidence if e.supersedes is not None})


def _correct(evidence_id: str) -> str:
    return f"evidence is immutable: record a correction with supersedes: '{evidence_id}'"


def check_immutable(
    bundle: Bundle, recorded: Mapping[str, RecordedEvidence], superseded_by: Mapping[str, Iterable[str]]
) -> None:
    """Raise `EvidenceConflict` unless the bundle only adds evidence (or repeats it exactly).

    `recorded`: the stored evidence among `touched_ids(bundle)`; `superseded_by`: for each of
    `supersede_targets(bundle)`, the ids of the stored evidence that already supersedes it."""
    scope: dict[str, set[str]] = {}
    listed = {e.id for e in bundle.evidence}
    for index, link in enumerate(bundle.covers):
        scope.setdefault(link.source, set()).add(link.target)
        if link.source in recorded and link.source not in listed and link.target not in recorded[link.source].covers:
            raise EvidenceConflict(
                f"covers[{index}]", f"evidence '{link.source}' is already recorded; its scope cannot change"
            )

    claimed: dict[str, str] = {}
    for index, item in enumerate(bundle.evidence):
        old = recorded.get(item.id)
        if old is not None:
            compared = CONTENT_FIELDS if old.reviewed else (*CONTENT_FIELDS, "status")
            name = first_difference(old.evidence, item, compared)
            if name is not None:
                raise EvidenceConflict(
                    f"evidence[{index}].{name}",
                    f"evidence '{item.id}' is already recorded with {name} = "
                    f"{shown(getattr(old.evidence, name))}; {_correct(item.id)}",
                    f"evidence '{item.id}' is already recorded with another {name}; {_correct(item.id)}",
                )
            if scope.get(item.id, set()) != set(old.covers):
                raise EvidenceConflict(
                    f"evidence[{index}].covers",
                    f"evidence '{item.id}' is already recorded covering {sorted(old.covers) or 'all its assets'}; "
                    + _correct(item.id),
                    f"evidence '{item.id}' is already recorded with another scope; {_correct(item.id)}",
                )
            continue
        target = item.supersedes
        if target is None:
            continue
        others = set(superseded_by.get(target, ())) - {item.id}
        if target in claimed:
            others.add(claimed[target])
        if others:
            raise EvidenceConflict(
                f"evidence[{index}].supersedes",
                f"evidence '{target}' is already superseded by '{sorted(others)[0]}'; supersede that one instead",
                f"evidence '{target}' is already superseded; supersede its latest correction instead",
            )
        claimed[target] = item.id
    _check_no_cycle(bundle)


def _check_no_cycle(bundle: Bundle) -> None:
    # Recorded evidence cannot change what it supersedes, so a cycle lies within the bundle.
    links = {e.id: e.supersedes for e in bundle.evidence if e.supersedes is not None}
    index_of = {e.id: i for i, e in enumerate(bundle.evidence)}
    for start in links:
        seen = {start}
        current = links.get(start)
        while current is not None and current in links:
            if current in seen:
                raise EvidenceConflict(
                    f"evidence[{index_of[start]}].supersedes", f"'{start}' would end up superseding itself"
                )
            seen.add(current)
            current = links.get(current)


def content_sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
