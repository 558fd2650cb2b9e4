"""Settings from the environment (prefix ATTESTGRAPH_, and the conventional NEO4J_* names)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from graph.errors import InvalidInputError
from graph.store import GraphStore

StoreKind = Literal["embedded", "neo4j"]
Environment = Literal["development", "production"]


@dataclass(frozen=True)
class Settings:
    store: StoreKind = "embedded"
    data_dir: Path = Path("data")
    neo4j_uri: str = "bolt://127.0.0.1:7687"
    neo4j_user: str = "neo4j"
    neo4j_password: str = ""
    neo4j_database: str | None = None
    frontend_dir: Path | None = None
    max_page_size: int = 500
    cors_origins: tuple[str, ...] = field(default_factory=tuple)
    # -- security (docs/security.md) ----------------------------------------------------------
    environment: Environment = "development"  # production: no introspection, no GraphiQL
    oidc_issuer: str | None = None  # OIDC bearer tokens are accepted only when this is set
    oidc_audience: str | None = None
    oidc_jwks_url: str | None = None  # default: from the issuer's discovery document
    oidc_role_claim: str = "roles"
    rate_limit: float = 20.0  # requests per second per caller; 0 turns the limit off
    rate_burst: float = 40.0
    max_body_bytes: int = 1_048_576
    max_query_cost: int = 25_000
    key_cache_seconds: float = 5.0
    bootstrap_admin_key: str | None = field(default=None, repr=False)

    @property
    def production(self) -> bool:
        return self.environment == "production"

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        env = os.environ
        store = env.get("ATTESTGRAPH_STORE", "embedded")
        if store not in ("embedded", "neo4j"):
            raise InvalidInputError.one("ATTESTGRAPH_STORE", f"must be 'embedded' or 'neo4j', not '{store}'")
        frontend = env.get("ATTESTGRAPH_FRONTEND_DIR")
        values: dict[str, object] = {
            "store": store,
            "data_dir": Path(env.get("ATTESTGRAPH_DATA_DIR", "data")),
            "neo4j_uri": env.get("NEO4J_URI", cls.neo4j_uri),
            "neo4j_user": env.get("NEO4J_USER", cls.neo4j_user),
            "neo4j_password": env.get("NEO4J_PASSWORD", ""),
            "neo4j_database": env.get("NEO4J_DATABASE") or None,
            "frontend_dir": Path(frontend) if frontend else default_frontend_dir(),
            "cors_origins": tuple(o.strip() for o in env.get("ATTESTGRAPH_CORS_ORIGINS", "").split(",") if o.strip()),
            "environment": _choice(env, "ATTESTGRAPH_ENV", ("development", "production"), "development"),
            "oidc_issuer": env.get("ATTESTGRAPH_OIDC_ISSUER") or None,
            "oidc_audience": env.get("ATTESTGRAPH_OIDC_AUDIENCE") or None,
            "oidc_jwks_url": env.get("ATTESTGRAPH_OIDC_JWKS_URL") or None,
            "oidc_role_claim": env.get("ATTESTGRAPH_OIDC_ROLE_CLAIM") or "roles",
            "rate_limit": _number(env, "ATTESTGRAPH_RATE_LIMIT", cls.rate_limit),
            "rate_burst": _number(env, "ATTESTGRAPH_RATE_BURST", cls.rate_burst),
            "max_body_bytes": int(_number(env, "ATTESTGRAPH_MAX_BODY_BYTES", cls.max_body_bytes)),
            "max_query_cost": int(_number(env, "ATTESTGRAPH_MAX_QUERY_COST", cls.max_query_cost)),
            "key_cache_seconds": _number(env, "ATTESTGRAPH_KEY_CACHE_SECONDS", cls.key_cache_seconds),
            "bootstrap_admin_key": env.get("ATTESTGRAPH_BOOTSTRAP_ADMIN_KEY") or None,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

    def open_store(self, *, read_only: bool = False) -> GraphStore:
        """The configured backend; the rest of the service never asks which one it is.

        `read_only`: for commands that only read; an embedded store then takes no write lock on
        the data dir (it may be served meanwhile) and refuses writes."""
        if self.store == "neo4j":
            from graph.stores.neo4j import Neo4jStore

            return Neo4jStore(self.neo4j_uri, self.neo4j_user, self.neo4j_password, self.neo4j_database)
        from graph.stores.embedded import EmbeddedStore

        return EmbeddedStore(self.data_dir / "attestgraph.sqlite3", read_only=read_only)


def default_frontend_dir() -> Path | None:
    built = Path(__file__).resolve().parent.parent / "frontend" / "dist"
    return built if (built / "index.html").exists() else None


def _number(env: os._Environ[str] | dict[str, str], name: str, default: float) -> float:
    text = env.get(name)
    if text is None or text == "":
        return default
    try:
        value = float(text)
    except ValueError:
        raise InvalidInputError.one(name, f"must be a number, not '{text[:40]}'") from None
    if value < 0:
        raise InvalidInputError.one(name, "must not be negative")
    return value


def _choice(env: os._Environ[str] | dict[str, str], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = env.get(name) or default
    if value not in allowed:
        raise InvalidInputError.one(name, f"must be one of {', '.join(allowed)}, not '{value[:40]}'")
    return value
