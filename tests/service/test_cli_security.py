"""The CLI's keys and audit commands, backup and restore, and the first admin key of `serve --demo`."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from graph.access.keys import parse_key
from graph.model import Label
from graph.seeds import SEEDS_DIR
from graph.stores.embedded import EmbeddedStore
from service.cli import app
from tests.service.conftest import free_port

runner = CliRunner()


def run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_keys_are_created_once_listed_without_secrets_and_revoked(tmp_path: Path) -> None:
    data = str(tmp_path)
    created = runner.invoke(app, ["keys", "create", "--role", "evidence-collector", "--name", "ci", "--data-dir", data])
    assert created.exit_code == 0, created.output
    key = created.stdout.strip().splitlines()[0]
    parsed = parse_key(key)
    assert parsed is not None
    key_id, secret = parsed
    listing = run("keys", "list", "--data-dir", data)
    assert key_id in listing and "evidence-collector" in listing and secret not in listing
    assert f"revoked {key_id}" in run("keys", "revoke", key_id, "--data-dir", data)
    store = EmbeddedStore(tmp_path / "attestgraph.sqlite3")
    try:
        record = store.access.get_key(key_id)
        assert record is not None and record.revoked_at is not None
        assert secret not in (tmp_path / "attestgraph.sqlite3").read_bytes().decode("latin-1")
        assert [e.operation for e in store.access.audit_entries(first=10)] == ["cli:keys.create", "cli:keys.revoke"]
    finally:
        store.close()
    bad = runner.invoke(app, ["keys", "revoke", "0" * 16, "--data-dir", data])
    assert bad.exit_code == 2 and "does not exist" in bad.output
    assert runner.invoke(app, ["keys", "create", "--role", "root", "--name", "x", "--data-dir", data]).exit_code == 2


def logged(tmp_path: Path, entries: int = 5) -> Path:
    for i in range(entries):
        run("keys", "create", "--role", "viewer", "--name", f"k{i}", "--data-dir", str(tmp_path))
    return tmp_path / "attestgraph.sqlite3"


def tamper(db: Path, sql: str) -> None:
    with sqlite3.connect(db) as connection:
        connection.execute(sql)


def verify_output(tmp_path: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["audit", "verify", "--data-dir", str(tmp_path)])
    return result.exit_code, result.output


def test_audit_verify_passes_an_intact_log_and_prints_its_head(tmp_path: Path) -> None:
    logged(tmp_path)
    code, output = verify_output(tmp_path)
    assert code == 0 and "ok: 5 entries" in output
    head = re.search(r"head: (\d+:[0-9a-f]{64})", output)
    assert head is not None
    again = runner.invoke(app, ["audit", "verify", "--data-dir", str(tmp_path), "--expect-head", head.group(1)])
    assert again.exit_code == 0


def test_audit_verify_finds_an_edited_entry(tmp_path: Path) -> None:
    db = logged(tmp_path)
    tamper(db, 'UPDATE audit_log SET data = replace(data, \'"outcome":"ok"\', \'"outcome":"error"\') WHERE seq = 3')
    code, output = verify_output(tmp_path)
    assert code == 1 and "seq 3" in output and "edited" in output


def test_audit_verify_finds_a_removed_entry(tmp_path: Path) -> None:
    db = logged(tmp_path)
    tamper(db, "DELETE FROM audit_log WHERE seq = 2")
    code, output = verify_output(tmp_path)
    assert code == 1 and "removed" in output


def test_audit_verify_finds_reordered_entries(tmp_path: Path) -> None:
    db = logged(tmp_path)
    with sqlite3.connect(db) as connection:
        rows = dict(connection.execute("SELECT seq, data FROM audit_log WHERE seq IN (2, 3)").fetchall())
        swapped = {2: rows[3].replace('"seq":3', '"seq":2'), 3: rows[2].replace('"seq":2', '"seq":3')}
        for seq, data in swapped.items():
            connection.execute("UPDATE audit_log SET data = ? WHERE seq = ?", (data, seq))
    code, output = verify_output(tmp_path)
    assert code == 1 and "seq 2" in output


def test_audit_verify_finds_entries_cut_off_the_end_given_the_recorded_head(tmp_path: Path) -> None:
    db = logged(tmp_path)
    head = re.search(r"head: (\d+:[0-9a-f]{64})", verify_output(tmp_path)[1])
    assert head is not None
    tamper(db, "DELETE FROM audit_log WHERE seq = 5")
    assert verify_output(tmp_path)[0] == 0  # the chain alone cannot know
    result = runner.invoke(app, ["audit", "verify", "--data-dir", str(tmp_path), "--expect-head", head.group(1)])
    assert result.exit_code == 1 and "cut off" in result.output


def test_an_exported_log_verifies_offline_and_edits_to_it_are_found(tmp_path: Path) -> None:
    logged(tmp_path, 3)
    exported = tmp_path / "audit.jsonl"
    assert "wrote 3 entries" in run("audit", "export", str(exported), "--data-dir", str(tmp_path))
    assert runner.invoke(app, ["audit", "verify", "--file", str(exported)]).exit_code == 0
    lines = exported.read_text().splitlines()
    entry = json.loads(lines[1])
    entry["actor"] = "cli:someone-else"
    lines[1] = json.dumps(entry)
    exported.write_text("\n".join(lines) + "\n")
    result = runner.invoke(app, ["audit", "verify", "--file", str(exported)])
    assert result.exit_code == 1 and "seq 2" in result.output


def test_export_then_import_restores_the_whole_graph_exactly_and_audits_the_import(tmp_path: Path) -> None:
    source, target = tmp_path / "source", tmp_path / "target"
    run("load", str(SEEDS_DIR), "--data-dir", str(source))
    backup = tmp_path / "backup.json"
    run("export", str(backup), "--data-dir", str(source))
    run("import", str(backup), "--data-dir", str(target))
    again = tmp_path / "again.json"
    run("export", str(again), "--data-dir", str(target))
    assert again.read_text() == backup.read_text()
    store = EmbeddedStore(target / "attestgraph.sqlite3")
    try:
        assert [e.operation for e in store.access.audit_entries(first=10)] == ["cli:load"]
    finally:
        store.close()
    # Importing the same backup again changes nothing: recorded evidence is repeated exactly.
    run("import", str(backup), "--data-dir", str(target))
    run("export", str(again), "--data-dir", str(target))
    assert again.read_text() == backup.read_text()


def test_a_load_that_would_rewrite_recorded_evidence_is_refused(tmp_path: Path) -> None:
    bundle = tmp_path / "b.yaml"
    bundle.write_text(
        "controls:\n  - {id: k, title: K}\n"
        "evidence:\n  - {id: e, title: E, control: k, collected_at: '2026-06-01T00:00:00Z', status: pending,"
        f" sha256: {'a' * 64}}}\n"
    )
    run("load", str(bundle), "--data-dir", str(tmp_path))
    bundle.write_text(bundle.read_text().replace("pending", "accepted"))
    result = runner.invoke(app, ["load", str(bundle), "--data-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "evidence[0].status" in result.output and "supersedes" in result.output


def _serve_demo(data_dir: Path, env: dict[str, str]) -> tuple[subprocess.Popen[str], list[str], str, str]:
    """`serve --demo` on a free port, ready: the process, its command, the key it printed and its
    URL. Another test's server may take the port between `free_port` and the bind (xdist): this
    one then exits, and is started again on another port with a fresh data dir."""
    for attempt in range(3):
        folder = data_dir / f"start-{attempt}"
        port = free_port()
        command = [sys.executable, "-m", "service", "serve", "--demo", "--data-dir", str(folder), "--port", str(port)]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True)
        key = None
        deadline = time.monotonic() + 60
        assert process.stdout is not None
        while key is None and time.monotonic() < deadline:
            line = process.stdout.readline()
            found = re.search(r"(ag_[0-9a-f]{16}_[A-Za-z0-9_-]{43})", line)
            key = found.group(1) if found else None
        assert key is not None, "serve --demo printed no key"
        url = f"http://127.0.0.1:{port}"
        auth = {"Authorization": f"Bearer {key}"}
        while time.monotonic() < deadline and process.poll() is None:
            try:  # until this server answers with its key (another's answers 401, then this one exits)
                if httpx.post(f"{url}/graphql", json={"query": "{ me { roles } }"}, headers=auth).status_code == 200:
                    return process, command, key, url
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        if process.poll() is None:  # out of time: the test's assertions say what it answers
            return process, command, key, url
        process.wait(timeout=10)
    raise AssertionError("serve --demo exited three times")


def test_serve_demo_prints_a_first_admin_key_once_and_it_works(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "ATTESTGRAPH_BOOTSTRAP_ADMIN_KEY"}
    process, command, key, url = _serve_demo(tmp_path, env)
    try:
        body = httpx.post(
            f"{url}/graphql", json={"query": "{ me { roles } }"}, headers={"Authorization": f"Bearer {key}"}
        ).json()
        assert body == {"data": {"me": {"roles": ["ADMIN"]}}}
        assert httpx.post(f"{url}/graphql", json={"query": "{ me { roles } }"}).status_code == 401
    finally:
        process.kill()
        process.wait(timeout=10)
    # A second start finds a key and prints none.
    port = free_port()
    command[-1] = str(port)
    second = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True)
    try:
        time.sleep(3)
    finally:
        second.kill()
        out, _ = second.communicate(timeout=10)
    assert "ag_" not in out


def test_serve_first_admin_key_prints_one_key_on_an_empty_store_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`serve --first-admin-key` (docker-compose.yml) without --demo: the store stays without a
    graph, an admin key is created and printed on the first start, and none on the next."""
    import uvicorn

    served: list[str] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **_: served.append(app))  # the start is what we test
    monkeypatch.delenv("ATTESTGRAPH_BOOTSTRAP_ADMIN_KEY", raising=False)
    command = ["serve", "--first-admin-key", "--data-dir", str(tmp_path)]
    first = CliRunner().invoke(app, command)
    assert first.exit_code == 0, first.output
    keys = re.findall(r"ag_[0-9a-f]{16}_[A-Za-z0-9_-]{43}", first.output)
    assert len(keys) == 1 and first.output.count("Created the first admin API key") == 1
    second = CliRunner().invoke(app, command)
    assert second.exit_code == 0 and "ag_" not in second.output
    assert len(served) == 2
    store = EmbeddedStore(tmp_path / "attestgraph.sqlite3")
    try:
        (stored,) = store.access.list_keys()
        assert keys[0].startswith(f"ag_{stored.id}_") and stored.name == "first admin (serve --first-admin-key)"
        assert store.count_nodes(Label.FRAMEWORK) == 0  # no demo without --demo
    finally:
        store.close()


# -- audit verify on damaged logs (issue 11, item 10): every finding at its seq, no traceback ----------


def tampered_at(tmp_path: Path, seq: int) -> str:
    code, output = verify_output(tmp_path)
    assert code == 1, output
    assert f"(seq {seq})" in output and "Traceback" not in output
    return output


@pytest.mark.parametrize(
    ("sql", "found"),
    [
        ("UPDATE audit_log SET data = 'not json at all' WHERE seq = 3", "unreadable"),
        ("UPDATE audit_log SET data = '[1, 2]' WHERE seq = 3", "unreadable"),
        ("UPDATE audit_log SET data = json_remove(data, '$.actor') WHERE seq = 3", "incomplete: 'actor' is missing"),
        ("UPDATE audit_log SET data = json_set(data, '$.seq', 'three') WHERE seq = 3", "unreadable: 'seq'"),
        ("UPDATE audit_log SET data = substr(data, 1, 40) WHERE seq = 3", "unreadable"),
    ],
)
def test_audit_verify_reports_an_unreadable_or_incomplete_entry_at_its_seq(
    tmp_path: Path, sql: str, found: str
) -> None:
    tamper(logged(tmp_path), sql)
    assert found in tampered_at(tmp_path, 3)


def test_audit_verify_checks_the_stored_hash_against_its_entry(tmp_path: Path) -> None:
    tamper(logged(tmp_path), f"UPDATE audit_log SET hash = '{'e' * 64}' WHERE seq = 4")
    assert "the hash stored beside it does not match" in tampered_at(tmp_path, 4)


def test_audit_verify_tells_two_swapped_entries_from_a_removed_one(tmp_path: Path) -> None:
    db = logged(tmp_path)
    with sqlite3.connect(db) as connection:  # entries 2 and 3 exchange places, each unedited
        rows = dict(connection.execute("SELECT seq, data FROM audit_log WHERE seq IN (2, 3)").fetchall())
        connection.execute("UPDATE audit_log SET data = ? WHERE seq = 2", (rows[3],))
        connection.execute("UPDATE audit_log SET data = ? WHERE seq = 3", (rows[2],))
    swapped = tampered_at(tmp_path, 3)
    assert "entries 2 and 3 were swapped" in swapped and "removed" not in swapped
    other = tmp_path / "other"
    tamper(logged(other), "DELETE FROM audit_log WHERE seq = 2")
    removed = tampered_at(other, 3)
    assert "entry 2 removed" in removed and "swapped" not in removed


def test_audit_verify_of_a_file_reports_a_damaged_line_at_its_seq(tmp_path: Path) -> None:
    logged(tmp_path, 3)
    exported = tmp_path / "audit.jsonl"
    run("audit", "export", str(exported), "--data-dir", str(tmp_path))
    lines = exported.read_text().splitlines()
    lines[1] = lines[1][:30]
    exported.write_text("\n".join(lines) + "\n")
    result = runner.invoke(app, ["audit", "verify", "--file", str(exported)])
    assert result.exit_code == 1 and "(seq 2)" in result.output and "unreadable" in result.output
