"""The audit hash chain: canonical hashing, and `verify` finding every kind of tampering."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from graph.access.audit import GENESIS_HASH, AuditDraft, AuditEntry, canonical_json, digest, seal, verify


def chain(n: int) -> list[AuditEntry]:
    entries: list[AuditEntry] = []
    for i in range(n):
        draft = AuditDraft(
            at=datetime(2026, 6, 1, 12, i, tzinfo=UTC),
            actor=f"key:{i:016x}",
            role="editor",
            operation="Mutation.upsertAssets",
            input_digest=digest({"i": i}),
            outcome="ok",
        )
        entries.append(seal(draft, i + 1, entries[-1].hash if entries else GENESIS_HASH))
    return entries


def test_canonical_json_is_one_spelling_per_value() -> None:
    assert canonical_json({"b": 1, "a": [2, {"d": "é", "c": None}]}) == '{"a":[2,{"c":null,"d":"é"}],"b":1}'
    assert digest({"x": 1, "y": 2}) == digest({"y": 2, "x": 1})


def test_an_intact_chain_verifies_and_reports_its_head() -> None:
    entries = chain(5)
    result = verify(entries)
    assert result.ok and result.entries == 5
    assert (result.head_seq, result.head_hash) == (5, entries[-1].hash)
    assert entries[0].prev_hash == GENESIS_HASH
    assert verify([]).ok


def test_an_edited_entry_is_found() -> None:
    entries = chain(5)
    entries[2] = entries[2].model_copy(update={"outcome": "error: FORBIDDEN"})
    result = verify(entries)
    assert not result.ok
    assert (result.bad_index, result.bad_seq) == (2, 3)
    assert "edited" in result.reason


def test_an_edit_that_also_rehashes_the_entry_breaks_the_next_link() -> None:
    entries = chain(5)
    forged = seal(
        AuditDraft.model_validate(entries[2].model_dump(include=set(AuditDraft.model_fields)) | {"actor": "x"}),
        3,
        entries[1].hash,
    )
    entries[2] = forged
    result = verify(entries)
    assert (result.ok, result.bad_index) == (False, 3)
    assert "does not link" in result.reason


def test_a_removed_entry_is_found() -> None:
    entries = chain(5)
    del entries[1]
    result = verify(entries)
    assert (result.ok, result.bad_index, result.bad_seq) == (False, 1, 3)
    assert "removed" in result.reason


def test_reordered_entries_are_found() -> None:
    entries = chain(5)
    entries[1], entries[2] = entries[2], entries[1]
    result = verify(entries)
    assert (result.ok, result.bad_index) == (False, 1)


def test_a_renumbered_chain_still_fails_on_the_links() -> None:
    entries = chain(4)
    swapped = [
        entries[0],
        entries[2].model_copy(update={"seq": 2}),
        entries[1].model_copy(update={"seq": 3}),
        entries[3],
    ]
    result = verify(swapped)
    assert (result.ok, result.bad_index) == (False, 1)


@pytest.mark.parametrize("cut", [1, 2])
def test_entries_cut_off_the_end_are_found_against_a_recorded_head(cut: int) -> None:
    entries = chain(5)
    head = (entries[-1].seq, entries[-1].hash)
    assert verify(entries, expect_head=head).ok
    result = verify(entries[:-cut], expect_head=head)
    assert not result.ok and "cut off" in result.reason


def test_a_rewritten_head_is_found() -> None:
    entries = chain(3)
    result = verify(entries, expect_head=(3, "f" * 64))
    assert not result.ok and result.bad_index == 2
