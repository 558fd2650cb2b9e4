"""The embedded backend of `graph.store.GraphStore` and `graph.access.store.AccessStore`: the graph
in memory, SQLite as the durable record (see `store.EmbeddedStore`)."""

from graph.stores.embedded.store import EmbeddedStore

__all__ = ["EmbeddedStore"]
