"""SQLite's own refusals of what DESIGN.md forbids for evidence, whoever writes the file.

Recorded evidence is never rewritten or deleted, its links never change, reviews are only
appended, and no item is superseded twice; an asset's changes are appended, never edited, and
go only with their asset (triggers and unique indexes, made at every writable
open so an existing data dir gets the current field list)."""

from __future__ import annotations

import sqlite3

from graph.errors import ConflictError
from graph.model import Evidence, Rel

# Evidence fields a later write may change (a review sets `status`); every other field of a
# recorded item is its content. A field added to `Evidence` is content unless listed here.
MUTABLE_EVIDENCE_FIELDS = frozenset({"status"})


def evidence_guards() -> str:
    """Triggers and indexes that make SQLite itself refuse to rewrite or drop recorded evidence
    and to let two items supersede one, whatever code (or person) writes the file. Dropped and
    made again at every writable open, so an existing data dir gets the current field list."""
    content = [name for name in Evidence.model_fields if name not in MUTABLE_EVIDENCE_FIELDS and name != "id"]
    changed = " OR ".join(
        f"json_extract(NEW.data, '$.{name}') IS NOT json_extract(OLD.data, '$.{name}')" for name in content
    )
    evidence_edges = ", ".join(f"'{rel.value}'" for rel in (Rel.EVIDENCES, Rel.COVERS, Rel.SUPERSEDES))
    refuse = "SELECT RAISE(ABORT, 'evidence is immutable: record a correction that supersedes it')"
    return f"""
DROP TRIGGER IF EXISTS evidence_content_is_immutable;
CREATE TRIGGER evidence_content_is_immutable BEFORE UPDATE ON nodes
WHEN (OLD.label = 'Evidence' OR NEW.label = 'Evidence')
    AND (NEW.label IS NOT OLD.label OR NEW.id IS NOT OLD.id OR {changed})
BEGIN {refuse}; END;
DROP TRIGGER IF EXISTS evidence_is_never_deleted;
CREATE TRIGGER evidence_is_never_deleted BEFORE DELETE ON nodes WHEN OLD.label = 'Evidence'
BEGIN {refuse}; END;
DROP TRIGGER IF EXISTS evidence_links_are_immutable;
CREATE TRIGGER evidence_links_are_immutable BEFORE UPDATE ON edges
WHEN (OLD.type IN ({evidence_edges}) OR NEW.type IN ({evidence_edges}))
    AND (NEW.type IS NOT OLD.type OR NEW.source IS NOT OLD.source OR NEW.target IS NOT OLD.target
         OR NEW.data IS NOT OLD.data)
BEGIN {refuse}; END;
DROP TRIGGER IF EXISTS evidence_links_are_never_deleted;
CREATE TRIGGER evidence_links_are_never_deleted BEFORE DELETE ON edges WHEN OLD.type IN ({evidence_edges})
BEGIN {refuse}; END;
DROP TRIGGER IF EXISTS evidence_reviews_are_append_only;
CREATE TRIGGER evidence_reviews_are_append_only BEFORE UPDATE ON evidence_reviews
BEGIN SELECT RAISE(ABORT, 'a review is never rewritten: record a new review'); END;
DROP TRIGGER IF EXISTS evidence_reviews_are_never_deleted;
CREATE TRIGGER evidence_reviews_are_never_deleted BEFORE DELETE ON evidence_reviews
BEGIN SELECT RAISE(ABORT, 'a review is never deleted: record a new review'); END;
DROP TRIGGER IF EXISTS asset_changes_are_append_only;
CREATE TRIGGER asset_changes_are_append_only BEFORE UPDATE ON asset_changes
BEGIN SELECT RAISE(ABORT, 'change is never edited: record a new change'); END;
DROP TRIGGER IF EXISTS asset_changes_go_only_with_their_asset;
CREATE TRIGGER asset_changes_go_only_with_their_asset BEFORE DELETE ON asset_changes
WHEN EXISTS (SELECT 1 FROM nodes WHERE label = 'Asset' AND id = OLD.asset)
BEGIN SELECT RAISE(ABORT, 'change is never deleted while its asset exists'); END;
CREATE UNIQUE INDEX IF NOT EXISTS one_correction_per_evidence ON edges (target) WHERE type = 'SUPERSEDES';
CREATE UNIQUE INDEX IF NOT EXISTS one_correction_per_evidence_node
    ON nodes (json_extract(data, '$.supersedes')) WHERE label = 'Evidence';
"""


def guard_refusal(error: sqlite3.IntegrityError) -> Exception:
    """A refusal of `evidence_guards` as the conflict it is; any other integrity error as is."""
    text = str(error)
    if text.startswith("evidence is immutable"):
        return ConflictError(f"evidence: {text}")
    if text.startswith("change is never"):
        return ConflictError(f"changes: a {text}")
    if "one_correction_per_evidence" in text or text == "UNIQUE constraint failed: edges.target":
        return ConflictError(
            "evidence.supersedes: the evidence it names is already superseded; supersede that one instead"
        )
    return error
