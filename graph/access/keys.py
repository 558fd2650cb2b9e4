"""API keys: random secrets shown once, kept only as SHA-256 hashes.

A key reads `ag_<key id>_<secret>`: the id (public, 16 hex digits) finds the stored record, the
secret (32 random bytes, URL-safe base64) proves possession. The stored hash is a plain SHA-256
of the secret: with 256 bits of entropy there is nothing to brute-force, so a slow password hash
would only cost time on every request. Comparison is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from graph.model import UtcDatetime, now_utc

KEY_PREFIX = "ag_"
_KEY_ID = re.compile(r"^[0-9a-f]{16}$")
_KEY = re.compile(r"^ag_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$")


class Role(StrEnum):
    """What a caller may do (the full table is `service.auth.roles.PERMISSIONS`)."""

    VIEWER = "viewer"
    EDITOR = "editor"
    EVIDENCE_COLLECTOR = "evidence-collector"
    AUDITOR = "auditor"
    ADMIN = "admin"


class ApiKey(BaseModel):
    """A stored key: never the secret, only its hash."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Annotated[str, Field(pattern=_KEY_ID.pattern)]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    role: Role
    hash: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    created_at: UtcDatetime
    revoked_at: UtcDatetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_key(role: Role, name: str) -> tuple[ApiKey, str]:
    """A fresh key record and the full key string (show it once; it is not stored)."""
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    record = ApiKey(id=key_id, name=name, role=role, hash=secret_hash(secret), created_at=now_utc())
    return record, f"{KEY_PREFIX}{key_id}_{secret}"


def key_from_string(full_key: str, role: Role, name: str) -> ApiKey:
    """The record of a key an operator supplies (e.g. ATTESTGRAPH_BOOTSTRAP_ADMIN_KEY)."""
    parsed = parse_key(full_key)
    if parsed is None:
        raise ValueError("an API key reads ag_<16 hex digits>_<43 URL-safe characters>")
    key_id, secret = parsed
    return ApiKey(id=key_id, name=name, role=role, hash=secret_hash(secret), created_at=now_utc())


def parse_key(full_key: str) -> tuple[str, str] | None:
    """(key id, secret) of a well-formed key string, else None."""
    match = _KEY.match(full_key)
    return (match.group(1), match.group(2)) if match else None


def looks_like_key(token: str) -> bool:
    return token.startswith(KEY_PREFIX)


def matches(record: ApiKey, secret: str) -> bool:
    """Whether `secret` is the key's secret (constant-time; a revoked key never matches)."""
    return record.active and hmac.compare_digest(record.hash, secret_hash(secret))
