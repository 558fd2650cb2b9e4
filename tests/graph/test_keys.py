"""API keys: shown once, stored as a hash, found by id, compared in constant time."""

from __future__ import annotations

import pytest

from graph.access.keys import Role, key_from_string, matches, new_key, parse_key


def test_a_new_key_reads_ag_id_secret_and_its_record_holds_only_the_hash() -> None:
    record, full = new_key(Role.EDITOR, "ci")
    parsed = parse_key(full)
    assert parsed is not None
    key_id, secret = parsed
    assert full == f"ag_{key_id}_{secret}" and record.id == key_id
    assert secret not in record.model_dump_json()
    assert matches(record, secret)
    assert not matches(record, secret[:-1] + ("A" if secret[-1] != "A" else "B"))


def test_two_keys_never_share_id_or_secret() -> None:
    keys = [new_key(Role.VIEWER, "k")[1] for _ in range(50)]
    assert len({parse_key(k) for k in keys}) == 50


def test_a_revoked_key_never_matches() -> None:
    record, full = new_key(Role.ADMIN, "admin")
    parsed = parse_key(full)
    assert parsed is not None
    revoked = record.model_copy(update={"revoked_at": record.created_at})
    assert not matches(revoked, parsed[1])


@pytest.mark.parametrize("text", ["", "ag_", "ag_zz_secret", "Bearer ag_0123", "ag_0123456789abcdef_short"])
def test_malformed_keys_do_not_parse(text: str) -> None:
    assert parse_key(text) is None


def test_an_operator_supplied_key_is_stored_hashed() -> None:
    _, full = new_key(Role.ADMIN, "x")
    record = key_from_string(full, Role.ADMIN, "bootstrap")
    parsed = parse_key(full)
    assert parsed is not None and matches(record, parsed[1])
    with pytest.raises(ValueError, match="ag_"):
        key_from_string("not-a-key", Role.ADMIN, "bootstrap")
