"""The Neo4j store: every `GraphStore` need answered by Cypher inside the database.

Nothing is loaded into Python beyond the rows an answer consists of. Writes are validated with
one existence query per label, then written in one managed transaction (the driver retries
transient failures; it returns after the commit, so a write is durable when it returns).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

from neo4j import Driver, GraphDatabase, ManagedTransaction, Record, RoutingControl
from neo4j.exceptions import (
    AuthError,
    ConnectionAcquisitionTimeoutError,
    ConstraintError,
    DatabaseUnavailable,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from graph.audit import AuditDraft, AuditEntry, StoredAuditRow, not_audited
from graph.bundle import Bundle, bundle_from_graph
from graph.errors import ConflictError, StoreUnavailableError
from graph.integrity import check_bundle
from graph.keys import ApiKey
from graph.model import (
    FREQUENCY_DAYS,
    NODE_EDGE_FIELDS,
    Control,
    Criterion,
    Edge,
    EvidenceReview,
    Label,
    Mapping,
    NodeModel,
    Rel,
    after_key,
    order_key,
)
from graph.queries.results import ControlAssetState, ControlVerdict, Neighbourhood, StaleEvidence
from graph.semantics import EvidenceState, from_micros, to_micros
from graph.store import Assumption, WriteSummary
from graph.stores.common import check_where, mapping_from_row, mappings_in_order, natural_order, stale_in_order
from graph.stores.neo4j import audit as audit_log
from graph.stores.neo4j import evidence as evidence_rules
from graph.stores.neo4j import memo, reads, writes
from graph.stores.neo4j.schema import schema_statements
from graph.stores.neo4j.values import from_db, node_model, to_db, where_values
from graph.write_rules import check_write_rules

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

_FREQUENCY_DAYS = {frequency.value: days for frequency, days in FREQUENCY_DAYS.items()}
# Edges carried as node fields are exported with their nodes, not as lists of their own.
_FIELD_RELS = {rel for fields in NODE_EDGE_FIELDS.values() for rel in fields.values()}


def _unique(ids: Collection[str]) -> list[str]:
    return list(dict.fromkeys(ids))


class Neo4jStore:
    """A `GraphStore` on a Neo4j 5 server (5.23 or newer: scoped `CALL (x) {}` subqueries)."""

    def __init__(self, uri: str, user: str, password: str, database: str | None = None, **driver_config: Any) -> None:
        self._uri = uri
        self._database = database
        driver_config.setdefault("connection_timeout", CONNECTION_TIMEOUT_S)
        driver_config.setdefault("connection_acquisition_timeout", ACQUISITION_TIMEOUT_S)
        driver_config.setdefault("max_transaction_retry_time", RETRY_TIME_S)
        # The store reads optional properties (valid_until, changed_at) that may not exist yet in
        # a young database; the server's "unknown property" warnings are noise, not news.
        driver_config.setdefault("notifications_min_severity", "OFF")
        self._driver: Driver = GraphDatabase.driver(uri, auth=(user, password), **driver_config)
        self._memo = memo.ReadMemo()
        try:
            self._ensure_schema()
        except StoreUnavailableError:
            self._driver.close()
            raise

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Neo4jStore:
        """NEO4J_URI (required), NEO4J_USER (neo4j), NEO4J_PASSWORD, NEO4J_DATABASE (server default)."""
        env = os.environ if environ is None else environ
        uri = env.get("NEO4J_URI")
        if not uri:
            raise StoreUnavailableError("NEO4J_URI is not set (e.g. bolt://localhost:7687)")
        return cls(
            uri,
            env.get("NEO4J_USER", "neo4j"),
            env.get("NEO4J_PASSWORD", ""),
            env.get("NEO4J_DATABASE") or None,
        )

    # -- plumbing -----------------------------------------------------------------------------
    @contextmanager
    def _available(self) -> Iterator[None]:
        try:
            yield
        except _UNAVAILABLE as error:
            raise StoreUnavailableError(f"Neo4j at {self._uri} cannot answer: {error}") from error

    def _read(self, query: str, **params: Any) -> list[Record]:
        with self._available():
            records, _summary, _keys = self._driver.execute_query(
                query, params, database_=self._database, routing_=RoutingControl.READ
            )
        return records

    def _write(self, work: Callable[[ManagedTransaction], T], *, changes_graph: bool = True) -> T:
        # A pending audit entry (graph/audit.py) commits in the same transaction as the write.
        work, committed = audit_log.with_pending_audit(work)
        if changes_graph:
            work = _then_bump(work)
        # Sessions share the driver's bookmark manager with `execute_query`, so a read issued
        # after a write sees it, also on a cluster.
        with (
            self._available(),
            self._driver.session(
                database=self._database, bookmark_manager=self._driver.execute_query_bookmark_manager
            ) as session,
        ):
            result = session.execute_write(work)
        committed()
        return result

    def _ensure_schema(self) -> None:
        # Auto-commit and no retry loop: an unreachable server fails the start at once.
        with self._available(), self._driver.session(database=self._database) as session:
            present = {record["name"] for record in session.run("SHOW CONSTRAINTS YIELD name")}
            present |= {record["name"] for record in session.run("SHOW INDEXES YIELD name")}
            wanted = [*schema_statements(), *audit_log.schema_statements(), *memo.schema_statements()]
            missing = [(name, text) for name, text in wanted if name not in present]
            for _name, statement in missing:
                session.run(statement).consume()  # IF NOT EXISTS: a concurrent start is harmless
            if missing:
                session.run("CALL db.awaitIndexes(300)").consume()

    # -- lifecycle ------------------------------------------------------------------------------
    def close(self) -> None:
        self._driver.close()

    def ping(self) -> None:
        with self._available(), self._driver.session(database=self._database) as session:
            session.run("RETURN 1").consume()

    def clear(self) -> None:
        """Delete every node and relationship (tests only); constraints and indexes stay."""
        with self._available(), self._driver.session(database=self._database) as session:
            session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()

    # -- writes -------------------------------------------------------------------------------------
    def _existing(self, label: Label, ids: set[str]) -> set[str]:
        return {record["id"] for record in self._read(writes.existing_ids(label), ids=list(ids))}

    def write(self, bundle: Bundle, *, immutable_evidence: bool = False) -> WriteSummary:
        check_bundle(bundle, self._existing)
        check_write_rules(bundle, self)
        plan = writes.plan_write(bundle)

        def work(tx: ManagedTransaction) -> writes.WritePlan:
            stored = writes.stored_ids(tx, plan)
            written, written_plan = bundle, plan
            if immutable_evidence:
                written = evidence_rules.check_in_transaction(tx, bundle, stored.get(Label.EVIDENCE, set()))
                if written is not bundle:  # it repeats recorded items: written again as stored
                    written_plan = writes.plan_write(written)
            writes.run_write(tx, written_plan, stored)
            evidence_rules.write_reviews(tx, written, stored.get(Label.EVIDENCE, set()))
            return written_plan

        for attempt in range(1, writes.ATTEMPTS + 1):
            try:
                done = self._write(work)
                break
            except ConstraintError:
                # A node this write created was created by a concurrent write too (the unique
                # constraint refused ours, nothing was written): again, now taking the update path.
                if attempt == writes.ATTEMPTS:
                    raise ConflictError("the bundle's new ids kept being created by concurrent writes; retry") from None
        return WriteSummary(nodes=done.node_count, edges=done.edge_count)

    def delete_asset(self, asset_id: str) -> None:
        self._write(lambda tx: writes.run_delete_asset(tx, asset_id))

    def set_changed_at(self, asset_ids: Collection[str], at: datetime) -> None:
        ids = _unique(asset_ids)
        if ids:
            self._write(lambda tx: writes.run_set_changed_at(tx, ids, at))

    # -- reads --------------------------------------------------------------------------------------
    def get_nodes(self, label: Label, ids: Collection[str]) -> dict[str, NodeModel]:
        wanted = _unique(ids)
        if not wanted:
            return {}
        found = {}
        for record in self._read(reads.get_nodes(label), ids=wanted):
            node = node_model(label, record["props"])
            found[node.id] = node
        return {i: found[i] for i in wanted if i in found}

    def list_nodes(
        self, label: Label, *, first: int, after: str | None = None, where: dict[str, str] | None = None
    ) -> list[NodeModel]:
        check_where(label, where)
        typed = where_values(label, where or {})
        if typed is None or first <= 0:
            return []
        records = self._read(
            reads.list_nodes(label), after="" if after is None else after_key(after), where=typed, first=first
        )
        return [node_model(label, record["props"]) for record in records]

    def count_nodes(self, label: Label, where: dict[str, str] | None = None) -> int:
        check_where(label, where)
        typed = where_values(label, where or {})
        if typed is None:
            return 0
        [record] = self._read(reads.count_nodes(label, bool(typed)), where=typed)
        count: int = record["n"]
        return count

    def related(self, rel: Rel, ids: Collection[str], *, reverse: bool = False) -> dict[str, list[str]]:
        wanted = _unique(ids)
        found: dict[str, list[str]] = {i: [] for i in wanted}
        if wanted:
            for record in self._read(reads.related(rel, reverse), ids=wanted):
                found[record["id"]] = natural_order(record["others"])
        return found

    def evidence_reviews(self, evidence_ids: Collection[str]) -> dict[str, list[EvidenceReview]]:
        wanted = _unique(evidence_ids)
        if not wanted:
            return {}
        found = evidence_rules.reviews_by_evidence(self._read(evidence_rules.READ_REVIEWS, ids=wanted))
        return {i: found.get(i, []) for i in wanted}

    def export(self) -> Bundle:
        nodes = [
            (label, node_model(label, record["props"]))
            for label in Label
            for record in self._read(reads.export_nodes(label))
        ]
        edges = [
            Edge(
                type=rel,
                source=record["source"],
                target=record["target"],
                properties={k: from_db(v) for k, v in record["props"].items()},
            )
            for rel in Rel
            if rel not in _FIELD_RELS
            for record in self._read(reads.export_edges(rel))
        ]
        reviews = [evidence_rules.review_of(r["props"]) for r in self._read(evidence_rules.EXPORT_REVIEWS)]
        return bundle_from_graph(nodes, edges, reviews)

    # -- the audit log and API keys (graph/stores/neo4j/audit.py) --------------------------------------
    def append_audit(self, draft: AuditDraft) -> AuditEntry:
        with not_audited():  # this entry only, never a pending one beside it
            return self._write(lambda tx: audit_log.append(tx, draft), changes_graph=False)

    def audit_entries(self, *, first: int, after: int | None = None, newest_first: bool = False) -> list[AuditEntry]:
        if first <= 0:
            return []
        if newest_first:
            bound = after if after is not None else 2**62
            records = self._read(audit_log.ENTRIES_DESCENDING, after=bound, first=first)
        else:
            records = self._read(audit_log.ENTRIES_ASCENDING, after=after or 0, first=first)
        return [audit_log.entry_model(record["props"]) for record in records]

    def audit_rows(self, *, first: int, after: int | None = None) -> list[StoredAuditRow]:
        records = self._read(audit_log.ENTRIES_ASCENDING, after=after or 0, first=first)
        return [audit_log.stored_row(record["props"]) for record in records]

    def audit_count(self) -> int:
        [record] = self._read(audit_log.COUNT)
        count: int = record["n"]
        return count

    def put_key(self, key: ApiKey) -> None:
        try:
            self._write(
                lambda tx: tx.run(audit_log.CREATE_KEY, props=audit_log.key_properties(key)).consume(),
                changes_graph=False,
            )
        except ConstraintError:
            raise ConflictError(f"key: a key with id '{key.id}' exists already") from None

    def get_key(self, key_id: str) -> ApiKey | None:
        records = self._read(audit_log.GET_KEY, id=key_id)
        return audit_log.key_model(records[0]["props"]) if records else None

    def list_keys(self) -> list[ApiKey]:
        keys = [audit_log.key_model(record["props"]) for record in self._read(audit_log.LIST_KEYS)]
        return sorted(keys, key=lambda k: (k.created_at, k.id))

    def revoke_key(self, key_id: str, at: datetime) -> ApiKey:
        return self._write(lambda tx: audit_log.revoke(tx, key_id, at), changes_graph=False)

    # -- query needs ------------------------------------------------------------------------------------
    def framework_criteria(self, framework_id: str) -> list[Criterion]:
        records = self._read(reads.FRAMEWORK_CRITERIA, framework=framework_id)
        return [node_model(Label.CRITERION, record["props"]) for record in records]  # type: ignore[misc]

    def satisfying_controls(self, criterion_ids: Collection[str]) -> dict[str, list[Control]]:
        wanted = _unique(criterion_ids)
        if not wanted:
            return {}
        return {
            record["id"]: [node_model(Label.CONTROL, props) for props in record["controls"]]  # type: ignore[misc]
            for record in self._read(reads.SATISFYING_CONTROLS, ids=wanted)
        }

    def mappings_touching(self, criterion_ids: Collection[str]) -> list[Mapping]:
        wanted = _unique(criterion_ids)
        return _mappings(self._read(reads.MAPPINGS_TOUCHING, ids=wanted)) if wanted else []

    def mappings_between(self, framework_a: str, framework_b: str) -> list[Mapping]:
        return _mappings(self._read(reads.MAPPINGS_BETWEEN, a=framework_a, b=framework_b))

    def _state_params(self, at: datetime, assume: Assumption | None) -> dict[str, Any]:
        return {
            "at": to_db(at),
            "freqDays": _FREQUENCY_DAYS,
            "assumed": sorted(assume.assets) if assume else [],
            "assumedAt": to_db(assume.changed_at) if assume else None,
        }

    graph_version_in_memory = False  # one round trip: the :GraphVersion node may move in any process

    def graph_version(self) -> memo.Version:
        return self._version()

    def _version(self) -> memo.Version:
        [record] = self._read(memo.READ)
        return memo.version_of(record)

    def control_verdicts(
        self, control_ids: Collection[str], at: datetime, assume: Assumption | None = None
    ) -> dict[str, ControlVerdict]:
        wanted = _unique(control_ids)
        if not wanted:
            return {}
        version = None if assume else self._version()
        found = self._remembered(version, "verdict", wanted, at, assume, self._verdicts)
        return {i: v for i in wanted if (v := found[i]) is not None}

    def _verdicts(
        self, ids: list[str], at: datetime, assume: Assumption | None
    ) -> dict[str, memo.Timed[ControlVerdict | None]]:
        timed: dict[str, memo.Timed[ControlVerdict | None]] = {i: memo.Timed(None, None, None) for i in ids}
        for record in self._read(reads.CONTROL_VERDICTS, ids=ids, **self._state_params(at, assume)):
            failing = {
                state: record[state.value]
                for state in EvidenceState
                if state is not EvidenceState.OK and record[state.value]
            }
            verdict = ControlVerdict(
                control_id=record["id"], status=record["status"], assets=record["assets"], failing=failing
            )
            timed[record["id"]] = memo.Timed(record["lo"], record["hi"], verdict)
        return timed

    def control_states(
        self, control_ids: Collection[str] | None, at: datetime, assume: Assumption | None = None
    ) -> list[ControlAssetState]:
        version = None if assume else self._version()
        if control_ids is None:
            wanted = self._memo.cached(
                version, ("implemented",), lambda: [r["id"] for r in self._read(reads.IMPLEMENTED_CONTROLS)], len
            )
        else:
            wanted = sorted(_unique(control_ids), key=order_key)
        if not wanted:
            return []
        found = self._remembered(version, "states", wanted, at, assume, self._states)
        return [state for i in wanted for state in found[i]]

    def _states(
        self, ids: list[str], at: datetime, assume: Assumption | None
    ) -> dict[str, memo.Timed[list[ControlAssetState]]]:
        # Controls not implemented (or absent) have no failing pair at any instant.
        timed: dict[str, memo.Timed[list[ControlAssetState]]] = {i: memo.Timed(None, None, []) for i in ids}
        for record in self._read(reads.CONTROL_STATES_OF, ids=ids, **self._state_params(at, assume)):
            control = record["control"]
            rows = [
                ControlAssetState(
                    control_id=control,
                    asset_id=asset,
                    state=EvidenceState(state),
                    since=None if since is None else from_micros(since),
                )
                for asset, state, since in record["rows"]
            ]
            timed[control] = memo.Timed(record["lo"], record["hi"], rows)
        return timed

    def _remembered(
        self,
        version: memo.Version,
        kind: str,
        ids: list[str],
        at: datetime,
        assume: Assumption | None,
        compute: Callable[[list[str], datetime, Assumption | None], dict[str, memo.Timed[T]]],
    ) -> dict[str, T]:
        """Per control, the answer remembered for an interval holding `at`, the rest computed in
        one query and remembered; nothing under an assumption (impact's what-if) is."""
        if assume is not None:
            return {i: timed.value for i, timed in compute(ids, at, assume).items()}
        micros = to_micros(at)
        found: dict[str, T] = {}
        missing = []
        for i in ids:
            timed = self._memo.get(version, (kind, i))
            if timed is not None and timed.holds_at(micros):
                found[i] = timed.value
            else:
                missing.append(i)
        if missing:
            for i, timed in compute(missing, at, None).items():
                self._memo.put(version, (kind, i), timed, len(timed.value) if isinstance(timed.value, list) else 0)
                found[i] = timed.value
        return found

    def dependents(self, asset_id: str, max_depth: int | None) -> dict[str, int]:
        if max_depth == 0:
            return {asset_id: 0} if self._existing(Label.ASSET, {asset_id}) else {}
        version = self._version()
        found = self._memo.cached(
            version, ("dependents", asset_id, max_depth), lambda: self._dependents(asset_id, max_depth), len
        )
        return dict(found)  # the caller's own copy

    def _dependents(self, asset_id: str, max_depth: int | None) -> dict[str, int]:
        records = self._read(reads.dependents(max_depth), id=asset_id)
        if not records:
            return {}  # no such asset
        distances = {asset_id: 0}
        distances.update({record["id"]: record["distance"] for record in records if record["id"] is not None})
        return distances

    def neighbourhood(self, asset_ids: Collection[str]) -> Neighbourhood:
        ids = _unique(asset_ids)
        return self._memo.cached(
            self._version(),
            ("neighbourhood", frozenset(ids)),
            lambda: self._neighbourhood(ids),
            lambda found: len(found.evidence),
        )

    def _neighbourhood(self, ids: list[str]) -> Neighbourhood:
        [record] = self._read(reads.NEIGHBOURHOOD, ids=ids)
        return Neighbourhood(
            controls=natural_order(record["controls"]),
            criteria=natural_order(record["criteria"]),
            frameworks=natural_order(record["frameworks"]),
            vendors=natural_order(record["vendors"]),
            evidence=natural_order(record["evidence"]),
        )

    def accepted_evidence_times(
        self, control_ids: Collection[str], start: datetime, end: datetime
    ) -> dict[str, list[datetime]]:
        wanted = _unique(control_ids)
        times: dict[str, list[datetime]] = {i: [] for i in wanted}
        if wanted:
            records = self._read(reads.ACCEPTED_EVIDENCE_TIMES, ids=wanted, start=to_db(start), end=to_db(end))
            for record in records:
                times[record["id"]] = sorted(from_micros(t) for t in record["times"])
        return times

    def becoming_stale(self, asset_ids: Collection[str], at: datetime) -> list[StaleEvidence]:
        wanted = _unique(asset_ids)
        if not wanted:
            return []
        records = self._read(reads.BECOMING_STALE, ids=wanted, at=to_db(at), freqDays=_FREQUENCY_DAYS)
        return stale_in_order(
            [
                StaleEvidence(evidence_id=record["evidence"], control_id=record["control"], asset_id=record["asset"])
                for record in records
            ]
        )


def _then_bump(work: Callable[[ManagedTransaction], T]) -> Callable[[ManagedTransaction], T]:
    """`work`, then the graph version's increment as the transaction's last statement (memo.py)."""

    def bumped(tx: ManagedTransaction) -> T:
        result = work(tx)
        memo.bump(tx)
        return result

    return bumped


def _mappings(records: list[Record]) -> list[Mapping]:
    return mappings_in_order(mapping_from_row(r["source"], r["target"], r.data()) for r in records)
