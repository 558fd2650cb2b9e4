"""Seed files: every bundle under a folder, merged into one so references cross files."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from graph.bundle import ITEM_PATH, Bundle, item_lines, read_bundle_file
from graph.errors import FieldProblem, InvalidInputError
from graph.package_data import shipped_dir

# Inside an installed wheel, or the checkout's seeds/ (graph/package_data.py).
SEEDS_DIR = shipped_dir("graph", "seeds", "seeds")
# The instant the demo org's dates were written around (seeds/demo/README.md).
DEMO_REFERENCE = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
BUNDLE_SUFFIXES = (".yaml", ".yml", ".json")


def bundle_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise InvalidInputError.one(str(path), "no such file or folder")
    # A seed folder's `imports/` holds other tools' files (graph/imports/registry.py), not bundles.
    return sorted(
        p
        for p in path.rglob("*")
        if p.suffix in BUNDLE_SUFFIXES and p.is_file() and "imports" not in p.relative_to(path).parts[:-1]
    )


@dataclass
class Provenance:
    """Where each item of a merged bundle came from, so problems found after merging name a file and line."""

    # list name -> per merged index: (file, index within that file, line of the item)
    origins: dict[str, list[tuple[Path, int, int | None]]] = field(default_factory=dict)

    def add(self, file: Path, bundle: Bundle) -> None:
        lines = item_lines(file)
        for name, items in bundle:
            if isinstance(items, list):
                self.origins.setdefault(name, []).extend((file, i, lines.get((name, i))) for i in range(len(items)))

    def locate(self, error: InvalidInputError) -> InvalidInputError:
        located = []
        for problem in error.problems:
            match = ITEM_PATH.match(problem.field)
            origins = self.origins.get(match.group(1), []) if match else []
            index = int(match.group(2)) if match else -1
            if match and index < len(origins):
                file, local, line = origins[index]
                where = f"{file}:{line}" if line else str(file)
                local_field = f"{match.group(1)}[{local}]{problem.field[match.end() :]}"
                located.append(FieldProblem(f"{where}: {local_field}", problem.reason))
            else:
                located.append(problem)
        return InvalidInputError(located)


def read_seed_files(*paths: Path) -> tuple[Bundle, Provenance]:
    """Read and merge every bundle file in `paths` (files or folders), reporting all bad files at once."""
    merged = Bundle()
    provenance = Provenance()
    problems = []
    for path in paths:
        for file in bundle_files(path):
            try:
                bundle = read_bundle_file(file)
            except InvalidInputError as error:
                problems.extend(error.problems)
                continue
            merged = merged.merged(bundle)
            provenance.add(file, bundle)
    if problems:
        raise InvalidInputError(problems)
    return merged, provenance


def load_seed_bundle(*paths: Path) -> Bundle:
    return read_seed_files(*paths)[0]


def rebase_shift(reference: datetime, today: datetime) -> timedelta:
    """How far `rebase_dates` moves every date: whole minutes, so `reference` lands at or before `today`."""
    return (today - reference) // timedelta(minutes=1) * timedelta(minutes=1)


def rebase_dates(bundle: Bundle, reference: datetime, today: datetime) -> Bundle:
    """Shift every date so `reference` falls on `today` (to the minute, never after it): the demo
    stays mid-audit whenever it is started, instead of decaying into expired evidence. A shift by
    whole days would put the reference day's evidence in the future whenever the demo is started
    earlier in the day than the reference's hour (seen: SOC 2 at 29 covered criteria, not 50)."""
    shift = rebase_shift(reference, today)
    if not shift:
        return bundle

    def moved(value: datetime | None) -> datetime | None:
        return value + shift if value is not None else None

    return bundle.model_copy(
        update={
            "assets": [a.model_copy(update={"changed_at": moved(a.changed_at)}) for a in bundle.assets],
            "changes": [c.model_copy(update={"at": c.at + shift}) for c in bundle.changes],
            "vendors": [
                v.model_copy(update={"report_valid_until": moved(v.report_valid_until)}) for v in bundle.vendors
            ],
            "evidence": [
                e.model_copy(
                    update={
                        "collected_at": moved(e.collected_at),
                        "valid_until": moved(e.valid_until),
                        "period_start": moved(e.period_start),
                        "period_end": moved(e.period_end),
                    }
                )
                for e in bundle.evidence
            ],
            "engagements": [
                g.model_copy(
                    update={
                        "as_of": moved(g.as_of),
                        "period_start": moved(g.period_start),
                        "period_end": moved(g.period_end),
                    }
                )
                for g in bundle.engagements
            ],
            "samples": [s.model_copy(update={"drawn_at": s.drawn_at + shift}) for s in bundle.samples],
            "audit_exceptions": [
                x.model_copy(update={"found_at": x.found_at + shift, "recorded_at": moved(x.recorded_at)})
                for x in bundle.audit_exceptions
            ],
            "remediations": [
                r.model_copy(
                    update={"due": r.due + shift, "closed_at": moved(r.closed_at), "recorded_at": moved(r.recorded_at)}
                )
                for r in bundle.remediations
            ],
            "findings": [
                f.model_copy(
                    update={
                        "first_seen": f.first_seen + shift,
                        "last_seen": f.last_seen + shift,
                        "fixed_at": moved(f.fixed_at),
                    }
                )
                for f in bundle.findings
            ],
        }
    )
