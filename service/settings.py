"""Settings from the environment (prefix ATTESTGRAPH_, and the conventional NEO4J_* names).

The one place the service reads its environment. Secrets are `SecretStr`: `repr`, `str` and
logs show `**********`; code that needs the value asks for it (`get_secret_value()`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from graph.errors import FieldProblem, InvalidInputError
from graph.imports.registry import MAX_IMPORT_BYTES
from graph.package_data import shipped_dir
from graph.store import GraphStore

StoreKind = Literal["embedded", "neo4j"]
Environment = Literal["development", "production"]
PREFIX = "ATTESTGRAPH_"


def default_frontend_dir() -> Path | None:
    # Inside an installed wheel, or the checkout's Vite output (graph/package_data.py).
    built = shipped_dir("service", "dashboard", "frontend/dist")
    return built if (built / "index.html").exists() else None


def _named(env_var: str) -> Any:
    # The variable's documented name; the field name still works as a keyword (tests, overrides).
    return Field(validation_alias=AliasChoices(env_var))


CommaList = Annotated[tuple[str, ...], NoDecode]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=PREFIX,
        env_ignore_empty=True,  # VAR= means "not set", as it always did
        frozen=True,
        populate_by_name=True,
        extra="ignore",
    )

    store: StoreKind = "embedded"
    data_dir: Path = Path("data")
    neo4j_uri: Annotated[str, _named("NEO4J_URI")] = "bolt://127.0.0.1:7687"
    neo4j_user: Annotated[str, _named("NEO4J_USER")] = "neo4j"
    neo4j_password: Annotated[SecretStr, _named("NEO4J_PASSWORD")] = SecretStr("")
    neo4j_database: Annotated[str | None, _named("NEO4J_DATABASE")] = None
    # Data dir of the server tools/neo4j starts (as its scripts read it): where `load --bulk` imports.
    neo4j_home_dir: Annotated[Path | None, _named("NEO4J_HOME_DIR")] = None
    frontend_dir: Path | None = None  # from_env: the built dashboard when there is one
    cors_origins: CommaList = ()
    # -- security (docs/security.md) ----------------------------------------------------------
    environment: Annotated[Environment, _named("ATTESTGRAPH_ENV")] = "development"  # production: no introspection
    oidc_issuer: str | None = None  # OIDC bearer tokens are accepted only when this is set
    oidc_audience: str | None = None
    oidc_jwks_url: str | None = None  # default: from the issuer's discovery document
    oidc_role_claim: str = "roles"
    rate_limit: float = Field(20.0, ge=0)  # requests per second per caller; 0 turns the limit off
    rate_burst: float = Field(40.0, ge=0)
    max_body_bytes: int = Field(1_048_576, ge=0)
    # Bodies of POST /api/imports/{format} (a scan, a BOM): larger than any API call, at most what
    # the importers themselves accept (graph/imports/registry.py MAX_IMPORT_BYTES).
    max_import_bytes: int = Field(MAX_IMPORT_BYTES, ge=0, le=MAX_IMPORT_BYTES)
    max_query_cost: int = Field(25_000, ge=0)
    key_cache_seconds: float = Field(5.0, ge=0)
    bootstrap_admin_key: SecretStr | None = None
    # Addresses (or CIDRs, or *) of reverse proxies whose X-Forwarded-For/-Proto is believed.
    # Empty: none, so no caller can choose the address the rate limit and the audit log see.
    forwarded_allow_ips: CommaList = ()
    # -- processes (`attestgraph serve --workers`, service/cli_serve.py) --------------------------
    workers: int = Field(1, ge=1)  # service processes; above 1 only on Neo4j (one process owns a SQLite file)
    # Each response names the process that answered (`X-Attestgraph-Worker: <pid>`): for tests and
    # load balancing checks, off by default so answers say nothing about the process layout.
    worker_header: bool = False

    @field_validator("cors_origins", "forwarded_allow_ips", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @property
    def production(self) -> bool:
        return self.environment == "production"

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """The environment's settings; `overrides` that are not None win (CLI options)."""
        try:
            given = {name: value for name, value in overrides.items() if value is not None}
            if "frontend_dir" not in given and not os.environ.get(f"{PREFIX}FRONTEND_DIR"):
                given["frontend_dir"] = default_frontend_dir()
            return cls.model_validate(given)
        except ValidationError as error:
            raise InvalidInputError([_problem(e) for e in error.errors()]) from None

    def open_store(self, *, read_only: bool = False) -> GraphStore:
        """The configured backend; the rest of the service never asks which one it is.

        `read_only`: for commands that only read; an embedded store then takes no write lock on
        the data dir (it may be served meanwhile) and refuses writes."""
        if self.store == "neo4j":
            from graph.stores.neo4j import Neo4jStore

            password = self.neo4j_password.get_secret_value()
            return Neo4jStore(self.neo4j_uri, self.neo4j_user, password, self.neo4j_database)
        from graph.stores.embedded import EmbeddedStore

        return EmbeddedStore(self.data_dir / "attestgraph.sqlite3", read_only=read_only)


def env_name(field: str) -> str:
    """The environment variable that sets `field`."""
    info = Settings.model_fields.get(field)
    alias = info.validation_alias if info is not None else None
    if isinstance(alias, AliasChoices) and isinstance(alias.choices[0], str):
        return alias.choices[0]
    return f"{PREFIX}{field.upper()}" if info is not None else field


def _problem(error: Any) -> FieldProblem:
    field = str(error["loc"][0]) if error["loc"] else "settings"
    name = env_name(field)
    reason = str(error["msg"])
    value = error.get("input")
    if isinstance(value, str) and "PASSWORD" not in name and "KEY" not in name:
        reason += f", not '{value[:40]}'"
    return FieldProblem(name, reason)
