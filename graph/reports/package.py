"""The auditor's package of an engagement: its files, the manifest that seals them, and the two
ways out (a folder for the CLI, a streamed ZIP for HTTP), byte for byte the same files.

Adding a file is one entry in `FILES`: a name, a writer from the `PackageSource` to byte chunks,
and whether the engagement has one, with why not (the Type II gaps do not exist for a Type I
engagement; a POA&M needs an open exception). The manifest comes last: the SHA-256 of every other
file, computed as it streams, each file left out with its reason, the instant exceptions are
judged open and overdue at, and the audit log's head at export time, so the auditor can later
show the log was not cut after it.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from graph.model import EngagementKind
from graph.queries.engagement import engagement_report, get_engagement
from graph.reports.assessment_results import assessment_results
from graph.reports.csv_cells import iso_z
from graph.reports.exception_tables import exceptions_table, remediation_table
from graph.reports.poam import NO_OPEN_EXCEPTION, has_open_exceptions, poam
from graph.reports.sample_tables import populations_table, samples_table
from graph.reports.source import PackageSource
from graph.reports.tables import coverage_matrix, crosswalk_table, gaps_table
from graph.store import GraphStore

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class PackageFile:
    name: str
    write: Callable[[PackageSource], Iterator[bytes]]
    applies: Callable[[PackageSource], bool] = lambda _source: True
    absent_because: str = ""  # the manifest's reason when it does not apply


def _type2(source: PackageSource) -> bool:
    return source.report.engagement.kind is EngagementKind.TYPE2


TYPE1_ONLY = "A Type I engagement has no period: no intervals, populations or samples."

FILES: list[PackageFile] = [
    PackageFile("coverage-matrix.csv", coverage_matrix),
    PackageFile("gaps.csv", gaps_table, _type2, TYPE1_ONLY),
    PackageFile("crosswalk.csv", crosswalk_table),
    PackageFile("populations.csv", populations_table, _type2, TYPE1_ONLY),
    PackageFile("samples.csv", samples_table, _type2, TYPE1_ONLY),
    PackageFile("exceptions.csv", exceptions_table),
    PackageFile("remediation.csv", remediation_table),
    PackageFile("assessment-results.json", assessment_results),
    PackageFile("poam.json", poam, has_open_exceptions, NO_OPEN_EXCEPTION),
]


def package_source(
    store: GraphStore, engagement_id: str, generated_at: datetime, field: str = "engagement"
) -> PackageSource:
    """Read the engagement (`NotFoundError` naming `field` when there is none) and its report, as
    of `generated_at` for a Type II period still running."""
    engagement = get_engagement(store, engagement_id, field)
    return PackageSource(store, engagement_report(store, engagement, now=generated_at), generated_at)


def manifest(source: PackageSource, hashes: dict[str, str]) -> bytes:
    """`manifest.json`: what the package is of, and the SHA-256 of every other file in it."""
    head = source.store.access.audit_entries(first=1, newest_first=True)
    document: dict[str, Any] = {
        "engagement": source.report.engagement.id,
        "generated_at": iso_z(source.generated_at),
        "reference_instant": iso_z(source.report.reference_instant),
        "files": [{"name": name, "sha256": digest} for name, digest in hashes.items()],
        "omitted": [{"name": f.name, "reason": f.absent_because} for f in FILES if f.name not in hashes],
        # Exceptions are found and remediated in fieldwork, after the period: judged when the
        # package is made, not at the reference instant (graph/reports/exception_tables.py).
        "exceptions_judged_at": iso_z(source.generated_at),
        "audit_log_head": {"seq": head[0].seq, "hash": head[0].hash} if head else None,
    }
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _written(source: PackageSource, open_file: Callable[[str], AbstractContextManager[IO[bytes]]]) -> Iterator[str]:
    """Write every file that applies, then the manifest, pausing after each chunk (yielding the
    file's name) so a caller can pass on what was written so far."""
    hashes: dict[str, str] = {}
    for entry in FILES:
        if not entry.applies(source):
            continue
        sha = hashlib.sha256()
        with open_file(entry.name) as out:
            for chunk in entry.write(source):
                sha.update(chunk)
                out.write(chunk)
                yield entry.name
        hashes[entry.name] = sha.hexdigest()
    with open_file(MANIFEST) as out:
        out.write(manifest(source, hashes))
    yield MANIFEST


def write_folder(source: PackageSource, directory: Path) -> list[str]:
    """The package as files in `directory` (created if missing), the manifest written last."""
    directory.mkdir(parents=True, exist_ok=True)
    return list(dict.fromkeys(_written(source, lambda name: (directory / name).open("wb"))))


class _Chunks:
    """A write-only sink that hands back what was written since the last `take` (a ZIP written to
    it streams: zipfile writes data descriptors to a stream it cannot seek)."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def take(self) -> bytes:
        data, self._parts = b"".join(self._parts), []
        return data


def zip_stream(source: PackageSource) -> Iterator[bytes]:
    """The package as a ZIP, yielded as it is written; entries dated `generated_at`, so one graph
    and one `generated_at` give the same archive."""
    sink = _Chunks()
    stamp = source.generated_at.timetuple()[:6]

    with zipfile.ZipFile(sink, "w") as archive:

        def entry(name: str) -> IO[bytes]:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            return archive.open(info, "w")

        for _ in _written(source, entry):
            if chunk := sink.take():
                yield chunk
    yield sink.take()
