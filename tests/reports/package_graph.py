"""A small graph that exercises every part of the auditor's package (tests/reports/)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path
from typing import Any

from graph.store import GraphStore
from tests.graphs import GraphBuilder, day

TITLES = {
    "e-formula": '=HYPERLINK("http://evil.example/x","click")',
    "e-plus": "+1",
    "e-minus": "-2",
    "e-minus-sum": "-2+3",
    "e-at": "@x",
    "e-tab": "\tinvisible",
}


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def package_graph(kind: str = "type2") -> GraphBuilder:
    """fw: C1 by k1 (on m, in the boundary) with evidence whose titles look like formulas, and
    k-out (only on an asset outside the boundary: out of scope); C2 by k2, implemented with no
    evidence; C3 with no control of its own, judged through the crosswalk from other:O1 (by k1).
    C4 only by k-out: no control in scope. Evidence of k1 covering only the outside asset is out
    of scope; e-new supersedes e-old."""
    b = GraphBuilder().framework("fw").framework("other")
    b.criterion("C1").criterion("C2").criterion("C3").criterion("C4").criterion("O1", "other")
    b.asset("m").asset("db").asset("outside").depends("m", "db")
    b.control("k1", satisfies=["fw:C1", "other:O1"], applies_to=["m", "outside"])
    b.control("k2", satisfies=["fw:C2"], applies_to=["db"])
    b.control("k-out", satisfies=["fw:C1", "fw:C4"], applies_to=["outside"])
    b.maps("other:O1", "fw:C3", "equal")
    for n, (eid, title) in enumerate(TITLES.items()):
        b.evidence("k1", day(n), eid=eid)
        b.data["evidence"][-1].update(title=title, uri=f"https://evidence.test/{eid}", sha256=digest(eid))
    b.evidence("k1", day(1), eid="e-elsewhere", covers=["outside"])
    b.evidence("k1", day(2), eid="e-old")
    b.evidence("k1", day(3), eid="e-new")
    b.data["evidence"][-1]["supersedes"] = "e-old"
    b.evidence("k1", day(70), eid="e-later")  # after the engagement: not part of it
    b.evidence("k1", day(-10), eid="e-lead")  # before a type2 period, still valid at its start
    b.evidence("k1", day(-200), eid="e-ancient")  # long expired when a type2 period starts
    if kind == "type2":
        b.engagement("audit", kind="type2", period_start=day(0), period_end=day(62), assets=["m"])
    else:
        b.engagement("audit", kind="type1", as_of=day(10), assets=["m"])
    return b


def write_package_graph(store: GraphStore, kind: str = "type2") -> None:
    store.write(package_graph(kind).bundle())


def read_csv(path: Path) -> list[dict[str, str]]:
    """Rows as dicts; the raw bytes must be UTF-8 with CRLF line ends (RFC 4180)."""
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def verified_manifest(folder: Path) -> dict[str, Any]:
    """The manifest, after checking every file it names against its hash, read back from disk,
    and that it names every other file of the folder."""
    manifest: dict[str, Any] = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    named = {f["name"]: f["sha256"] for f in manifest["files"]}
    assert named.keys() == {p.name for p in folder.iterdir()} - {"manifest.json"}
    for name, sha in named.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == sha, name
    return manifest
