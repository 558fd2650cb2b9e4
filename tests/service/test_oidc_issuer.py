"""OIDC issuers as identity providers publish them: `iss` must equal, exactly, the `issuer` of the
IdP's discovery document, a trailing slash included (issue 11, item 12). The IdP is a real HTTP
server on loopback serving its discovery document and key set."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from service.auth.oidc import OidcVerifier

IdP = Callable[..., str]  # the issuer path it publishes -> the issuer URL


@pytest.fixture(scope="module")
def signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def idp(signing_key: rsa.RSAPrivateKey) -> Iterator[IdP]:
    """A loopback IdP; `idp("/realm/")` makes it publish `http://127.0.0.1:<port>/realm/` as its
    issuer, with its discovery document at `/realm/.well-known/openid-configuration`."""
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(signing_key.public_key()))
    keys = json.dumps({"keys": [{**public, "kid": "k1", "use": "sig", "alg": "RS256"}]}).encode()
    published: dict[str, str] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            discovery = published["issuer_path"].rstrip("/") + "/.well-known/openid-configuration"
            if self.path == discovery:
                body = json.dumps({"issuer": base + published["claimed"], "jwks_uri": base + "/keys"}).encode()
            elif self.path == "/keys":
                body = keys
            else:
                self.send_response(404)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def publish(issuer_path: str, claimed: str | None = None) -> str:
        """Serve discovery for `issuer_path`; its document names `claimed` (default: the same)."""
        published["issuer_path"] = issuer_path
        published["claimed"] = claimed or issuer_path
        return f"http://127.0.0.1:{server.server_address[1]}{issuer_path}"

    yield publish
    server.shutdown()


def token(key: Any, iss: str) -> str:
    now = int(time.time())
    claims = {"iss": iss, "sub": "alice", "iat": now, "exp": now + 300, "roles": ["auditor"]}
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "k1"})


def test_an_issuer_ending_in_a_slash_works(idp: IdP, signing_key: rsa.RSAPrivateKey) -> None:
    issuer = idp("/realms/acme/")
    principal = OidcVerifier(issuer).verify(token(signing_key, issuer))
    assert principal is not None and principal.actor == "oidc:alice"


def test_the_issuer_is_the_one_the_idp_publishes_compared_exactly(idp: IdP, signing_key: rsa.RSAPrivateKey) -> None:
    published = idp("/realms/acme/")
    configured_without_slash = published.rstrip("/")
    verifier = OidcVerifier(configured_without_slash)
    assert verifier.verify(token(signing_key, published)) is not None
    # What the IdP did not publish is another issuer, however close.
    assert verifier.verify(token(signing_key, configured_without_slash)) is None
    assert verifier.verify(token(signing_key, published + "/")) is None


def test_an_issuer_without_a_slash_still_works_and_refuses_one_with(idp: IdP, signing_key: rsa.RSAPrivateKey) -> None:
    issuer = idp("/tenant")
    verifier = OidcVerifier(issuer)
    assert verifier.verify(token(signing_key, issuer)) is not None
    assert verifier.verify(token(signing_key, issuer + "/")) is None


def test_a_discovery_document_naming_another_issuer_is_refused(idp: IdP, signing_key: rsa.RSAPrivateKey) -> None:
    configured = idp("/realms/acme/", claimed="/realms/evil/")
    claimed = configured.replace("/acme/", "/evil/")
    verifier = OidcVerifier(configured)
    assert verifier.verify(token(signing_key, configured)) is None
    assert verifier.verify(token(signing_key, claimed)) is None
