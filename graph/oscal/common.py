"""What the OSCAL catalog and mapping modules share: our namespace, properties, ids and error paths."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pydantic import ValidationError

from graph.bundle import ITEM_PATH, Bundle, field_path
from graph.errors import FieldProblem, InvalidInputError
from graph.oscal.models import Prop

# Attestgraph's own properties (framework id, criterion id, category, strength, rationale) live here.
NS = "https://attestgraph.dev/ns/oscal"
# The OSCAL release whose catalog and mapping-collection models we write (the mapping model first
# shipped in 1.2.0; compliance-trestle 5.2 implements 1.2.1).
OSCAL_VERSION = "1.2.1"
# The namespace OSCAL assumes for relationship values when a map names none.
OSCAL_NS = "http://csrc.nist.gov/ns/oscal"

_UUIDS = uuid.uuid5(uuid.NAMESPACE_URL, NS)
_PROP_VALUE = re.compile(r"^\S(.*\S)?$")
_LINE = re.compile(r"^[^\n]+$")
_NOT_TOKEN = re.compile(r"[^A-Za-z0-9_.\-]")


def stable_uuid(*parts: str) -> str:
    """A version-5 UUID derived from `parts`: the same thing exported twice keeps its UUID."""
    return str(uuid.uuid5(_UUIDS, "\x1f".join(parts)))


def is_prop_value(text: str) -> bool:
    """OSCAL property values are one line with no surrounding whitespace."""
    return bool(_PROP_VALUE.match(text))


def is_line(text: str) -> bool:
    """OSCAL markup-line values (titles) are one non-empty line."""
    return bool(_LINE.match(text))


def our_prop(name: str, value: str) -> dict[str, str]:
    return {"name": name, "ns": NS, "value": value}


def find_prop(props: Iterable[Prop], name: str, *, ours: bool) -> tuple[int, Prop] | None:
    """The first property called `name`: in our namespace if `ours`, else in OSCAL's (no ns)."""
    for index, p in enumerate(props):
        if p.name == name and ((p.ns == NS) if ours else (p.ns in (None, OSCAL_NS))):
            return index, p
    return None


def token(text: str) -> str:
    """`text` made into an OSCAL token (letters, digits, `_ . -`, not starting with a digit, `.` or `-`)."""
    cleaned = _NOT_TOKEN.sub("_", text)
    return cleaned if re.match(r"^[A-Za-z_]", cleaned) else f"_{cleaned}"


def slug(text: str, limit: int = 100) -> str:
    """A lower-case id from free text: `NIST SP 800-53 Rev 5` -> `nist-sp-800-53-rev-5`."""
    cleaned = re.sub(r"[^a-z0-9.]+", "-", text.lower()).strip("-.")
    return cleaned[:limit].rstrip("-.")


# How a catalog title shortens to a default framework id (README, "OSCAL"): common long words
# abbreviated, words that add nothing to an id dropped.
_ABBREVIATIONS = [
    (re.compile(r"\bspecial publication\b"), "sp"),
    (re.compile(r"\b(?:revision|rev)\.?\s*(\d+)(?:\.\d+)*"), r"rev\1"),
    (re.compile(r"\bimpact baseline\b"), ""),  # NIST's "MODERATE IMPACT BASELINE" -> "moderate"
]
_FILLER = {"the", "of", "for", "and"}


def short_id(title: str, limit: int = 60) -> str:
    """A short, readable framework id from a catalog title.

    `NIST Special Publication 800-53 Revision 5.1.1 MODERATE IMPACT BASELINE` ->
    `nist-sp-800-53-rev5-moderate`: lower case; "special publication" -> "sp"; "revision 5.1.1"
    -> "rev5" (the major revision; the version stays in the framework's `version`); "impact
    baseline" and the words the, of, for, and dropped; at most `limit` characters, cut at a word."""
    text = title.lower()
    for pattern, replacement in _ABBREVIATIONS:
        text = pattern.sub(replacement, text)
    words = [w for w in re.split(r"[^a-z0-9.]+", text) if w.strip(".") and w not in _FILLER]
    kept: list[str] = []
    for word in (w.strip(".") for w in words):
        if len("-".join([*kept, word])) > limit:
            break
        kept.append(word)
    return "-".join(kept) or slug(title, limit)


def validation_problems(error: ValidationError, prefix: str) -> list[FieldProblem]:
    """pydantic errors of an OSCAL document as JSON paths (`catalog.groups[0].title`)."""
    return [FieldProblem(f"{prefix}{field_path(item['loc'])}", item["msg"]) for item in error.errors()]


@dataclass
class OscalImport:
    """A bundle read from an OSCAL document, remembering the JSON path of each item it holds."""

    kind: str
    source: str
    bundle: Bundle
    # bundle list -> per item: field suffix ("" for the item itself, ".parent", ".target" …) -> JSON path
    origins: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    # framework id -> JSON path of the first resource naming it (mapping collections)
    frameworks: dict[str, str] = field(default_factory=dict)

    def where(self, path: str) -> str:
        """A JSON path as problems name it: after the file's name (a merged import's paths carry theirs)."""
        return f"{self.source}: {path}" if self.source else path

    def locate(self, error: InvalidInputError) -> InvalidInputError:
        """Rename problems found in the bundle (`mappings[3].target`) to the JSON path they came from."""
        located = []
        for problem in error.problems:
            match = ITEM_PATH.match(problem.field)
            paths = self.origins.get(match.group(1), []) if match else []
            index = int(match.group(2)) if match else -1
            if match and index < len(paths):
                suffix = problem.field[match.end() :]
                where = paths[index].get(suffix, paths[index][""])
                located.append(FieldProblem(self.where(where), problem.reason))
            else:
                located.append(FieldProblem(self.where(problem.field), problem.reason))
        return InvalidInputError(located)


def duplicate_problems(keys: Sequence[tuple[str, str]], what: str, source: str) -> list[FieldProblem]:
    """A problem for each (key, path) whose key was already seen."""
    first: dict[str, str] = {}
    problems = []
    for key, path in keys:
        if key in first:
            problems.append(FieldProblem(f"{source}: {path}", f"duplicate {what} '{key}' (also at {first[key]})"))
        else:
            first[key] = path
    return problems
