"""Turning a presented credential into a `Principal`: API keys here, OIDC tokens in oidc.py.

Key records are cached for a few seconds (`ATTESTGRAPH_KEY_CACHE_SECONDS`, default 5) so a
request does not cost a store round trip; a key revoked through the API stops working at once
in this process, and one revoked by the CLI or through another worker of `serve --workers N`
(another process) within that many seconds.
"""

from __future__ import annotations

import asyncio
import time

from graph.access.keys import ApiKey, Role, key_from_string, looks_like_key, matches, parse_key
from graph.errors import ConflictError
from graph.store import GraphStore
from service.auth.oidc import OidcVerifier
from service.auth.roles import Principal


class Authenticator:
    def __init__(self, store: GraphStore, oidc: OidcVerifier | None = None, cache_seconds: float = 5.0) -> None:
        self._store = store
        self._oidc = oidc
        self._ttl = cache_seconds
        self._cache: dict[str, tuple[ApiKey | None, float]] = {}

    async def authenticate(self, token: str) -> Principal | None:
        """The caller a credential proves, or None for anything invalid, expired or revoked."""
        if looks_like_key(token):
            return await self._api_key(token)
        if self._oidc is not None and token.count(".") == 2:
            return await asyncio.to_thread(self._oidc.verify, token)
        return None

    async def _api_key(self, token: str) -> Principal | None:
        parsed = parse_key(token)
        if parsed is None:
            return None
        key_id, secret = parsed
        record = await self._lookup(key_id)
        if record is None or not matches(record, secret):
            return None
        return Principal(actor=f"key:{record.id} ({record.name})", roles=frozenset({record.role}), rate_key=record.id)

    async def _lookup(self, key_id: str) -> ApiKey | None:
        now = time.monotonic()
        cached = self._cache.get(key_id)
        if cached is not None and cached[1] > now:
            return cached[0]
        record = await asyncio.to_thread(self._store.access.get_key, key_id)
        if len(self._cache) > 10_000:  # unknown ids are cached too; keep the map bounded
            self._cache.clear()
        self._cache[key_id] = (record, now + self._ttl)
        return record

    def forget(self, key_id: str) -> None:
        """Drop a cached key (after it was revoked here)."""
        self._cache.pop(key_id, None)


def bootstrap_admin_key(store: GraphStore, full_key: str) -> ApiKey | None:
    """Store an operator-supplied admin key (ATTESTGRAPH_BOOTSTRAP_ADMIN_KEY) unless it exists;
    the new record, or None if it was there already. Safe when several processes start at once
    (each worker's lifespan runs it): the store's unique key id lets one of them create it."""
    record = key_from_string(full_key, Role.ADMIN, "bootstrap admin (ATTESTGRAPH_BOOTSTRAP_ADMIN_KEY)")
    existing = store.access.get_key(record.id)
    if existing is None:
        try:
            store.access.put_key(record)
            return record
        except ConflictError:  # another process starting beside this one stored it first
            existing = store.access.get_key(record.id)
    if existing is None or existing.hash != record.hash:
        raise ValueError("ATTESTGRAPH_BOOTSTRAP_ADMIN_KEY: its key id is taken by another key")
    return None
