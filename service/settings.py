"""Settings from the environment (prefix ATTESTGRAPH_, and the conventional NEO4J_* names)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from graph.errors import InvalidInputError
from graph.store import GraphStore

StoreKind = Literal["embedded", "neo4j"]


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
            "cors_origins": tuple(o for o in env.get("ATTESTGRAPH_CORS_ORIGINS", "").split(",") if o),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

    def open_store(self) -> GraphStore:
        """The configured backend; the rest of the service never asks which one it is."""
        if self.store == "neo4j":
            from graph.stores.neo4j import Neo4jStore

            return Neo4jStore(self.neo4j_uri, self.neo4j_user, self.neo4j_password, self.neo4j_database)
        from graph.stores.embedded import EmbeddedStore

        return EmbeddedStore(self.data_dir / "attestgraph.sqlite3")


def default_frontend_dir() -> Path | None:
    built = Path(__file__).resolve().parent.parent / "frontend" / "dist"
    return built if (built / "index.html").exists() else None
