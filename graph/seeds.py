"""Seed files: every bundle under a folder, merged into one so references cross files."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from graph.bundle import Bundle, read_bundle_file
from graph.errors import InvalidInputError

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"
# The instant the demo org's dates were written around (seeds/demo/README.md).
DEMO_REFERENCE = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
BUNDLE_SUFFIXES = (".yaml", ".yml", ".json")


def bundle_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise InvalidInputError.one(str(path), "no such file or folder")
    return sorted(p for p in path.rglob("*") if p.suffix in BUNDLE_SUFFIXES and p.is_file())


def load_seed_bundle(*paths: Path) -> Bundle:
    """Read and merge every bundle file in `paths` (files or folders), reporting all bad files."""
    merged = Bundle()
    problems = []
    for path in paths:
        for file in bundle_files(path):
            try:
                merged = merged.merged(read_bundle_file(file))
            except InvalidInputError as error:
                problems.extend(error.problems)
    if problems:
        raise InvalidInputError(problems)
    return merged


def rebase_dates(bundle: Bundle, reference: datetime, today: datetime) -> Bundle:
    """Shift every date by whole days so `reference` falls on `today`: the demo stays mid-audit
    whenever it is started, instead of decaying into expired evidence."""
    shift = timedelta(days=(today.date() - reference.date()).days)
    if not shift:
        return bundle

    def moved(value: datetime | None) -> datetime | None:
        return value + shift if value is not None else None

    return bundle.model_copy(
        update={
            "assets": [a.model_copy(update={"changed_at": moved(a.changed_at)}) for a in bundle.assets],
            "vendors": [
                v.model_copy(update={"report_valid_until": moved(v.report_valid_until)}) for v in bundle.vendors
            ],
            "evidence": [
                e.model_copy(update={"collected_at": moved(e.collected_at), "valid_until": moved(e.valid_until)})
                for e in bundle.evidence
            ],
        }
    )
