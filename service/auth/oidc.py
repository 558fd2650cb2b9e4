"""OIDC bearer tokens: JWTs signed by the configured issuer, verified against its JWKS.

Only asymmetric algorithms are accepted (never `none` or a shared secret); `iss`, `aud` (when
configured), `exp` and `sub` are required. Roles come from one claim (default `roles`), a string
or a list of strings; values that are not roles of `graph.access.keys.Role` are ignored.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from typing import Any

import jwt
from jwt import PyJWKClient

from graph.access.keys import Role
from service.auth.roles import Principal

log = logging.getLogger("attestgraph.auth")

ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]


class OidcVerifier:
    def __init__(
        self,
        issuer: str,
        audience: str | None = None,
        jwks_url: str | None = None,
        role_claim: str = "roles",
        timeout: float = 5.0,
    ) -> None:
        # `iss` is compared exactly (a trailing slash included) with what the IdP publishes in its
        # discovery document; with a configured JWKS URL there is no discovery: the setting as written.
        self.issuer = issuer
        self._expected_iss = issuer
        self.audience = audience
        self.role_claim = role_claim
        self._timeout = timeout
        self._jwks_url = jwks_url
        self._client: PyJWKClient | None = None

    def _keys(self) -> PyJWKClient:
        if self._client is None:
            url = self._jwks_url or self._discover()
            self._client = PyJWKClient(url, cache_keys=True, lifespan=300, timeout=int(self._timeout))
        return self._client

    def _discover(self) -> str:
        # OIDC Discovery 1.0 §4: the document lives at the issuer, less any trailing slash, plus
        # /.well-known/openid-configuration, and its `issuer` is the one tokens carry.
        with urllib.request.urlopen(
            f"{self.issuer.rstrip('/')}/.well-known/openid-configuration", timeout=self._timeout
        ) as response:
            document: dict[str, Any] = json.load(response)
        published = document.get("issuer")
        if not isinstance(published, str) or published.rstrip("/") != self.issuer.rstrip("/"):
            raise ValueError("the discovery document names another issuer than ATTESTGRAPH_OIDC_ISSUER")
        url = document.get("jwks_uri")
        if not isinstance(url, str):
            raise ValueError("the issuer's discovery document has no jwks_uri")
        self._expected_iss = published
        return url

    def verify(self, token: str) -> Principal | None:
        """The caller of a valid token, else None (the reason is logged, never returned)."""
        try:
            signing_key = self._keys().get_signing_key_from_jwt(token)
            claims: dict[str, Any] = jwt.decode(
                token,
                signing_key.key,
                algorithms=ALGORITHMS,
                issuer=self._expected_iss,
                audience=self.audience,
                leeway=30,
                options={"require": ["exp", "iss", "sub"], "verify_aud": self.audience is not None},
            )
        except (jwt.PyJWTError, ValueError, OSError) as error:
            log.info("OIDC token refused: %s", type(error).__name__)
            return None
        raw = claims.get(self.role_claim, [])
        values = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else []
        known = {role.value: role for role in Role}
        roles = frozenset(known[v] for v in values if isinstance(v, str) and v in known)
        subject = str(claims["sub"])
        return Principal(actor=f"oidc:{subject}", roles=roles, rate_key=f"oidc:{self.issuer}:{subject}")
