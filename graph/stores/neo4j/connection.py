"""One Neo4j driver shared by a backend's graph store and access store.

Both stores of a backend write through `write`, which also commits the pending audit entry
(graph/access/audit.py) in the same managed transaction, so a graph write and its entry cannot part.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from neo4j import Driver, GraphDatabase, ManagedTransaction, Record, RoutingControl
from neo4j.exceptions import (
    AuthError,
    ConnectionAcquisitionTimeoutError,
    DatabaseUnavailable,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from graph.errors import StoreUnavailableError
from graph.stores.neo4j import audit as audit_log
from graph.stores.neo4j import memo

T = TypeVar("T")

# Failures that mean "the database cannot answer now", reported as STORE_UNAVAILABLE (503).
_UNAVAILABLE = (
    ServiceUnavailable,
    SessionExpired,
    DatabaseUnavailable,
    TransientError,
    AuthError,
    ConnectionAcquisitionTimeoutError,
)

# With Neo4j down a request must answer STORE_UNAVAILABLE within about 5 s, not retry past the
# client's timeout (the driver's defaults: 30 s of retries, 60 s to get a connection). A live
# server connects in milliseconds; the retry window still rides out a deadlock or a leader switch.
CONNECTION_TIMEOUT_S = 2.0  # TCP connect and Bolt handshake, per attempt
ACQUISITION_TIMEOUT_S = 3.0  # waiting for a pooled connection, connecting included
RETRY_TIME_S = 2.0  # no retry of a managed transaction starts after this (its backoff: 1 s, 2 s, ...)


class Neo4jConnection:
    """A driver to one database, with the store's timeouts and its error mapping."""

    def __init__(self, uri: str, user: str, password: str, database: str | None = None, **driver_config: Any) -> None:
        self.uri = uri
        self.database = database
        driver_config.setdefault("connection_timeout", CONNECTION_TIMEOUT_S)
        driver_config.setdefault("connection_acquisition_timeout", ACQUISITION_TIMEOUT_S)
        driver_config.setdefault("max_transaction_retry_time", RETRY_TIME_S)
        # The store reads optional properties (valid_until, changed_at) that may not exist yet in
        # a young database; the server's "unknown property" warnings are noise, not news.
        driver_config.setdefault("notifications_min_severity", "OFF")
        self.driver: Driver = GraphDatabase.driver(uri, auth=(user, password), **driver_config)

    @contextmanager
    def available(self) -> Iterator[None]:
        try:
            yield
        except _UNAVAILABLE as error:
            raise StoreUnavailableError(f"Neo4j at {self.uri} cannot answer: {error}") from error

    def read(self, query: str, **params: Any) -> list[Record]:
        with self.available():
            records, _summary, _keys = self.driver.execute_query(
                query, params, database_=self.database, routing_=RoutingControl.READ
            )
        return records

    def write(self, work: Callable[[ManagedTransaction], T], *, changes_graph: bool = True) -> T:
        """Run `work` in one managed transaction, with the pending audit entry if any; a write
        that `changes_graph` also moves the graph version (memo.py)."""
        work, committed = audit_log.with_pending_audit(work)
        if changes_graph:
            work = _then_bump(work)
        # Sessions share the driver's bookmark manager with `execute_query`, so a read issued
        # after a write sees it, also on a cluster.
        with (
            self.available(),
            self.driver.session(
                database=self.database, bookmark_manager=self.driver.execute_query_bookmark_manager
            ) as session,
        ):
            result = session.execute_write(work)
        committed()
        return result

    def ensure_schema(self, wanted: list[tuple[str, str]]) -> None:
        """Create the (name, statement) constraints and indexes that are missing."""
        # Auto-commit and no retry loop: an unreachable server fails the start at once.
        with self.available(), self.driver.session(database=self.database) as session:
            present = {record["name"] for record in session.run("SHOW CONSTRAINTS YIELD name")}
            present |= {record["name"] for record in session.run("SHOW INDEXES YIELD name")}
            missing = [(name, text) for name, text in wanted if name not in present]
            for _name, statement in missing:
                session.run(statement).consume()  # IF NOT EXISTS: a concurrent start is harmless
            if missing:
                session.run("CALL db.awaitIndexes(300)").consume()

    def close(self) -> None:
        self.driver.close()

    def ping(self) -> None:
        with self.available(), self.driver.session(database=self.database) as session:
            session.run("RETURN 1").consume()

    def clear(self) -> None:
        """Delete every node and relationship (tests only); constraints and indexes stay."""
        with self.available(), self.driver.session(database=self.database) as session:
            session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


def _then_bump(work: Callable[[ManagedTransaction], T]) -> Callable[[ManagedTransaction], T]:
    """`work`, then the graph version's increment as the transaction's last statement (memo.py)."""

    def bumped(tx: ManagedTransaction) -> T:
        result = work(tx)
        memo.bump(tx)
        return result

    return bumped
