"""Samples: append-only records (graph/checks/append_only.py), held to one chain per engagement and control.

The rule is every record's (graph/checks/append_only.py) with a sample's own stamps:
an id recorded again with the same content is a retry and writes nothing (its first recording,
who and when, stays); with any other content the whole write is refused, naming the field.
Both stores call these inside the transaction that writes the bundle, which also holds the
samples of one engagement and control to one chain (`check_sample_chains`): one first draw, each
redraw replacing one sample; so two draws racing with different seeds cannot both be recorded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from graph.bundle import Bundle
from graph.checks.append_only import RecordConflict, first_difference
from graph.model import Sample

# How a sample was recorded, not what it says: a retry may differ here.
SAMPLE_RECORDING_FIELDS = frozenset({"drawn_at", "drawn_by"})
SAMPLE_CONTENT_FIELDS = tuple(name for name in Sample.model_fields if name not in SAMPLE_RECORDING_FIELDS)


def check_samples_append_only(bundle: Bundle, recorded: Mapping[str, Sample]) -> None:
    """Raise a `ConflictError` (a `RecordConflict`, naming the field) unless every
    sample of the bundle already recorded says exactly what it said. `recorded`: the stored
    samples among the bundle's ids."""
    for index, sample in enumerate(bundle.samples):
        old = recorded.get(sample.id)
        if old is None:
            continue
        name = first_difference(old, sample, SAMPLE_CONTENT_FIELDS)
        if name is not None:
            raise RecordConflict(
                f"samples[{index}].{name}",
                f"sample '{sample.id}' is already recorded with another {name}; a sample is never edited "
                "(draw again with redraw and a reason: the old one stays)",
            )


def without_recorded_samples(bundle: Bundle, recorded: Mapping[str, Sample]) -> Bundle:
    """The bundle minus the samples it repeats (once checked): a retry writes nothing over them."""
    if not any(s.id in recorded for s in bundle.samples):
        return bundle
    return bundle.model_copy(update={"samples": [s for s in bundle.samples if s.id not in recorded]})


def sample_groups(bundle: Bundle) -> list[tuple[str, str]]:
    """The (engagement, control) pairs the bundle's samples belong to, sorted."""
    return sorted({(s.engagement, s.control) for s in bundle.samples})


def check_sample_chains(bundle: Bundle, stored: Iterable[Sample]) -> None:
    """Raise a `ConflictError` naming the bundle's sample that would record a second first draw,
    or a second redraw of one sample, of an engagement and control. `stored`: the recorded samples
    of `sample_groups(bundle)` (read in the write's transaction, after locking them)."""
    roots: dict[tuple[str, str], str] = {}
    replaced: dict[str, str] = {}
    for sample in stored:
        if sample.redraw_of is None:
            roots[(sample.engagement, sample.control)] = sample.id
        else:
            replaced[sample.redraw_of] = sample.id
    recorded = {s.id for s in stored}
    for index, sample in enumerate(bundle.samples):
        if sample.id in recorded:
            continue
        group = (sample.engagement, sample.control)
        if sample.redraw_of is None:
            taken = roots.setdefault(group, sample.id)
            field, why = "seed", f"sample '{taken}' is already recorded"
        else:
            taken = replaced.setdefault(sample.redraw_of, sample.id)
            field, why = "redraw_of", f"sample '{sample.redraw_of}' is already redrawn by '{taken}'"
        if taken != sample.id:
            raise RecordConflict(
                f"samples[{index}].{field}",
                f"{why} for engagement '{sample.engagement}' and control '{sample.control}'; "
                "a sample is never silently redrawn (redraw its latest, with a reason)",
            )


def recorded_samples_removed(bundle: Bundle, held: Mapping[str, Sample]) -> Bundle:
    """Every rule above against a store that holds all its samples in memory (`held`, by id):
    the bundle without the samples it repeats, or a `ConflictError`."""
    if not bundle.samples:
        return bundle
    groups = set(sample_groups(bundle))
    check_sample_chains(bundle, [s for s in held.values() if (s.engagement, s.control) in groups])
    recorded = {s.id: held[s.id] for s in bundle.samples if s.id in held}
    check_samples_append_only(bundle, recorded)
    return without_recorded_samples(bundle, recorded)
