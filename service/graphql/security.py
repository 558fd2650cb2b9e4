"""The audit log, API keys and the caller, in GraphQL (who may call what: service/auth/roles.py)."""

from __future__ import annotations

import asyncio

import strawberry
from pydantic import ValidationError

from graph.access.audit import AuditEntry as AuditEntryModel
from graph.access.audit import read_all, verify
from graph.access.keys import ApiKey, Role, new_key
from graph.errors import InvalidInputError
from graph.model import now_utc
from service.graphql.loading import GqlInfo
from service.graphql.pagination import (
    Connection,
    Edge,
    decode_position,
    encode_cursor,
    fetched_connection,
    page_size,
)
from service.graphql.scalars import DateTime

strawberry.enum(Role, description="What a caller may do; see docs/security.md for the table.")


@strawberry.type(description="One link of the audit hash chain.")
class AuditEntry:
    seq: int
    at: DateTime
    actor: str
    role: str
    operation: str
    input_digest: str = strawberry.field(description="SHA-256 of the canonical JSON of the operation's input.")
    outcome: str = strawberry.field(description="ok, error: <code> or denied: <code>.")
    prev_hash: str
    hash: str
    request_id: str | None = strawberry.field(
        default=None, description="The X-Request-ID of the request that made it (null from the CLI and older entries)."
    )

    @classmethod
    def of(cls, entry: AuditEntryModel) -> AuditEntry:
        return cls(**entry.model_dump())


@strawberry.type
class AuditVerification:
    ok: bool
    entries: int
    head_seq: int = strawberry.field(description="Record (headSeq, headHash) elsewhere to detect truncation later.")
    head_hash: str
    bad_seq: int | None
    reason: str


@strawberry.type
class ApiKeyInfo:
    id: strawberry.ID
    name: str
    role: Role
    created_at: DateTime
    revoked_at: DateTime | None
    active: bool

    @classmethod
    def of(cls, key: ApiKey) -> ApiKeyInfo:
        return cls(
            id=strawberry.ID(key.id),
            name=key.name,
            role=key.role,
            created_at=key.created_at,
            revoked_at=key.revoked_at,
            active=key.active,
        )


@strawberry.type
class CreatedApiKey:
    key: ApiKeyInfo
    secret: str = strawberry.field(description="The full key, shown this once: only its hash is kept.")


@strawberry.type
class Me:
    actor: str
    roles: list[Role]


@strawberry.type
class SecurityQuery:
    @strawberry.field(description="The audit log, oldest first (or newest first); auditors and admins.")
    async def audit_log(
        self, info: GqlInfo, first: int | None = None, after: str | None = None, newest_first: bool = False
    ) -> Connection[AuditEntry]:
        size = page_size(first)
        after_seq = decode_position("seq", after) if after is not None else None
        store = info.context.store
        found = await info.context.call(
            store.access.audit_entries, first=size + 1, after=after_seq, newest_first=newest_first
        )
        total = await info.context.call(store.access.audit_count)
        edges = [Edge(node=AuditEntry.of(e), cursor=encode_cursor("seq", e.seq)) for e in found[:size]]
        return fetched_connection(edges, len(found), size, after, total)

    @strawberry.field(description="Walk the whole chain now: is any entry edited, removed or reordered?")
    async def audit_log_verification(self, info: GqlInfo) -> AuditVerification:
        store = info.context.store

        def run() -> AuditVerification:
            result = verify(read_all(lambda first, after: store.access.audit_rows(first=first, after=after)))
            return AuditVerification(
                ok=result.ok,
                entries=result.entries,
                head_seq=result.head_seq,
                head_hash=result.head_hash,
                bad_seq=result.bad_seq,
                reason=result.reason,
            )

        return await asyncio.to_thread(run)

    @strawberry.field(description="Every API key, revoked ones included (never their secrets).")
    async def api_keys(self, info: GqlInfo) -> list[ApiKeyInfo]:
        keys = await info.context.call(info.context.store.access.list_keys)
        return [ApiKeyInfo.of(k) for k in keys]

    @strawberry.field(description="Who the server takes you for.")
    def me(self, info: GqlInfo) -> Me:
        principal = info.context.principal
        roles = sorted(principal.roles, key=lambda r: r.value) if principal is not None else []
        return Me(actor=principal.actor if principal is not None else "(anonymous)", roles=roles)


@strawberry.type
class SecurityMutation:
    @strawberry.mutation(description="Create an API key; the answer holds its secret, shown this once.")
    async def create_api_key(self, info: GqlInfo, name: str, role: Role) -> CreatedApiKey:
        try:
            record, secret = new_key(role, name)
        except ValidationError as error:
            raise InvalidInputError.one("name", error.errors()[0]["msg"]) from None
        await info.context.call(info.context.store.access.put_key, record)
        return CreatedApiKey(key=ApiKeyInfo.of(record), secret=secret)

    @strawberry.mutation(description="Revoke an API key now; it stays on record.")
    async def revoke_api_key(self, info: GqlInfo, id: strawberry.ID) -> ApiKeyInfo:
        record = await info.context.call(info.context.store.access.revoke_key, str(id), now_utc())
        if info.context.authenticator is not None:
            info.context.authenticator.forget(record.id)
        return ApiKeyInfo.of(record)
