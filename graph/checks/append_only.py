"""Append-only records other than evidence (today: samples): recorded once, never edited.

The rule is evidence's (graph/checks/evidence_immutability.py) without scope or supersession:
an id recorded again with the same content is a retry and writes nothing (its first recording,
who and when, stays); with any other content the whole write is refused, naming the field.
Both stores call these inside the transaction that writes the bundle.
"""

from __future__ import annotations

from collections.abc import Mapping

from graph.bundle import Bundle
from graph.checks.evidence_immutability import EvidenceConflict
from graph.model import Sample

# How a sample was recorded, not what it says: a retry may differ here.
SAMPLE_RECORDING_FIELDS = frozenset({"drawn_at", "drawn_by"})
SAMPLE_CONTENT_FIELDS = tuple(name for name in Sample.model_fields if name not in SAMPLE_RECORDING_FIELDS)


def check_samples_append_only(bundle: Bundle, recorded: Mapping[str, Sample]) -> None:
    """Raise a `ConflictError` (an `EvidenceConflict`: same shape, field and reason) unless every
    sample of the bundle already recorded says exactly what it said. `recorded`: the stored
    samples among the bundle's ids."""
    for index, sample in enumerate(bundle.samples):
        old = recorded.get(sample.id)
        if old is None:
            continue
        for name in SAMPLE_CONTENT_FIELDS:
            if getattr(old, name) != getattr(sample, name):
                raise EvidenceConflict(
                    f"samples[{index}].{name}",
                    f"sample '{sample.id}' is already recorded with another {name}; a sample is never edited "
                    "(draw again with redraw and a reason: the old one stays)",
                )


def without_recorded_samples(bundle: Bundle, recorded: Mapping[str, Sample]) -> Bundle:
    """The bundle minus the samples it repeats (once checked): a retry writes nothing over them."""
    if not any(s.id in recorded for s in bundle.samples):
        return bundle
    return bundle.model_copy(update={"samples": [s for s in bundle.samples if s.id not in recorded]})
