"""The Neo4j backend of `graph.store.GraphStore` and `graph.access.store.AccessStore` (see
`store.Neo4jStore`)."""

from graph.stores.neo4j.store import Neo4jStore

__all__ = ["Neo4jStore"]
