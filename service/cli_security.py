"""`attestgraph keys ...` and `attestgraph audit ...`: key management and the audit log.

The CLI works on the store directly, as the operator who runs the service does: its actions
are audited as `cli:<OS user>` with role admin, in the same transaction as their change.
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Annotated, Any, NoReturn, Optional

import typer

from graph.access.audit import AuditDraft, StoredAuditRow, audited, digest, read_all, verify
from graph.access.keys import Role, new_key
from graph.errors import AttestgraphError
from graph.model import now_utc
from graph.store import GraphStore
from service.settings import Settings

keys_app = typer.Typer(help="API keys: create (shown once), list, revoke.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit log: verify the hash chain, export it.", no_args_is_help=True)

DataDir = Annotated[Optional[Path], typer.Option(help="Embedded store folder (default: ./data).")]  # noqa: UP045


def cli_draft(operation: str, payload: Any) -> AuditDraft:
    return AuditDraft(
        actor=f"cli:{_user()}", role=Role.ADMIN.value, operation=f"cli:{operation}", input_digest=digest(payload)
    )


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _open(data_dir: Path | None, *, read_only: bool = False) -> GraphStore:
    """The configured store; a writing open fails (exit 1) while another process holds the data dir."""
    try:
        return Settings.from_env(data_dir=data_dir).open_store(read_only=read_only)
    except AttestgraphError as error:
        _fail(str(error))


def _fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def create_key(store: GraphStore, role: Role, name: str) -> str:
    """Create and store a key (audited); the full key string, to be shown once."""
    record, secret = new_key(role, name)
    with audited(cli_draft("keys.create", {"role": role.value, "name": name, "id": record.id})):
        store.access.put_key(record)
    return secret


@keys_app.command("create")
def keys_create(
    role: Annotated[Role, typer.Option(help="What the key may do (see docs/security.md).")],
    name: Annotated[str, typer.Option(help="Who or what holds it, e.g. 'ci-evidence-uploader'.")],
    data_dir: DataDir = None,
) -> None:
    """Create a key and print it once: only its hash is stored."""
    store = _open(data_dir)
    try:
        secret = create_key(store, role, name)
    except (AttestgraphError, ValueError) as error:
        _fail(str(error), 2)
    finally:
        store.close()
    typer.echo(secret)
    typer.echo(f"created a {role.value} key named '{name}'; it is shown this once, store it now", err=True)


@keys_app.command("list")
def keys_list(data_dir: DataDir = None) -> None:
    """Every key (never its secret), revoked ones included."""
    store = _open(data_dir, read_only=True)
    try:
        keys = store.access.list_keys()
    finally:
        store.close()
    typer.echo(f"{'ID':<16}  {'ROLE':<18}  {'CREATED':<20}  {'REVOKED':<20}  NAME")
    for key in keys:
        revoked = key.revoked_at.strftime("%Y-%m-%dT%H:%M:%SZ") if key.revoked_at else "-"
        created = key.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        typer.echo(f"{key.id:<16}  {key.role.value:<18}  {created:<20}  {revoked:<20}  {key.name}")


@keys_app.command("revoke")
def keys_revoke(
    key_id: Annotated[str, typer.Argument(help="The key's id (the 16 hex digits after ag_).")],
    data_dir: DataDir = None,
) -> None:
    """Revoke a key now (it stays on record). A running server stops accepting it within seconds."""
    store = _open(data_dir)
    try:
        with audited(cli_draft("keys.revoke", {"id": key_id})):
            key = store.access.revoke_key(key_id, now_utc())
    except AttestgraphError as error:
        _fail(str(error), 2)
    finally:
        store.close()
    typer.echo(f"revoked {key.id} ({key.name}, {key.role.value})")


def _rows_from_file(path: Path) -> list[StoredAuditRow]:
    """An exported log's lines, unparsed: a damaged line is reported by `verify` at its seq (as
    far as it can be read, else the one after the line before it), never a traceback."""
    rows: list[StoredAuditRow] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            seq = _seq_of(line)
            rows.append(StoredAuditRow(seq if seq is not None else (rows[-1].seq + 1 if rows else 1), None, line))
    return rows


def _seq_of(line: str) -> int | None:
    try:
        seq = json.loads(line).get("seq")
    except (ValueError, AttributeError, RecursionError):
        return None
    return seq if isinstance(seq, int) and not isinstance(seq, bool) else None


@audit_app.command("verify")
def audit_verify(
    data_dir: DataDir = None,
    file: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(help="Verify an exported log (JSON lines) instead of the store's."),
    ] = None,
    expect_head: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="SEQ:HASH of a head recorded earlier: also detects entries cut off the end."),
    ] = None,
) -> None:
    """Walk the hash chain; exit 1 naming the first edited, removed or reordered entry."""
    head: tuple[int, str] | None = None
    if expect_head is not None:
        seq, _, hash_ = expect_head.partition(":")
        if not seq.isdigit() or len(hash_) != 64:
            _fail("--expect-head must read SEQ:HASH (the head that a verify printed earlier)", 2)
        head = (int(seq), hash_)
    try:
        if file is not None:
            result = verify(_rows_from_file(file), head)
        else:
            store = _open(data_dir, read_only=True)
            try:
                result = verify(read_all(lambda first, after: store.access.audit_rows(first=first, after=after)), head)
            finally:
                store.close()
    except (AttestgraphError, OSError, UnicodeDecodeError) as error:
        _fail(str(error), 2)
    if not result.ok:
        typer.echo(f"TAMPERED: entry #{result.bad_index} (seq {result.bad_seq}): {result.reason}")
        typer.echo(f"the chain is intact up to seq {result.head_seq} (hash {result.head_hash})")
        raise typer.Exit(1)
    typer.echo(f"ok: {result.entries} entries, the chain is intact")
    typer.echo(f"head: {result.head_seq}:{result.head_hash}  (record it elsewhere; pass it as --expect-head later)")


@audit_app.command("export")
def audit_export(
    output: Annotated[Path, typer.Argument(help="File to write: one JSON entry per line.")],
    data_dir: DataDir = None,
) -> None:
    """Write the whole log as JSON lines (verify it anywhere with `audit verify --file`)."""
    store = _open(data_dir, read_only=True)
    count = 0
    try:
        with output.open("w", encoding="utf-8") as out:
            for entry in read_all(lambda first, after: store.access.audit_entries(first=first, after=after)):
                out.write(json.dumps(entry.model_dump(mode="json"), sort_keys=True) + "\n")
                count += 1
    finally:
        store.close()
    typer.echo(f"wrote {count} entries to {output}")
