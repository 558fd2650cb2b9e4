"""The Neo4j store: every `GraphStore` need answered by Cypher inside the database.

Nothing is loaded into Python beyond the rows an answer consists of. Writes are validated with
one existence query per label, then written in one managed transaction (the driver retries
transient failures; it returns after the commit, so a write is durable when it returns).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from collections.abc import Mapping as ByControl
from datetime import datetime
from typing import Any

from neo4j import ManagedTransaction, Record
from neo4j.exceptions import ConstraintError

from graph.bundle import Bundle
from graph.checks.references import check_bundle
from graph.checks.write_rules import check_write_rules
from graph.errors import ConflictError
from graph.model import (
    Change,
    Control,
    Criterion,
    EvidenceReview,
    Label,
    Mapping,
    NodeModel,
    Rel,
    after_key,
    now_utc,
    order_key,
)
from graph.queries.results import AcceptedItem, ControlAssetState, ControlVerdict, Neighbourhood, Radius, StaleEvidence
from graph.rules.evaluation import EvidenceState, to_micros
from graph.store import Assumption, WriteSummary
from graph.stores.carve_outs import carved_out_verdict
from graph.stores.common import check_where, natural_order, stale_in_order
from graph.stores.neo4j import (
    accepted,
    appended,
    changes,
    identifiers,
    memo,
    moved,
    radius,
    reads,
    timelines,
    verdicts,
    writes,
)
from graph.stores.neo4j import access as access_store
from graph.stores.neo4j import evidence as evidence_rules
from graph.stores.neo4j import samples as sample_rules
from graph.stores.neo4j.access import Neo4jAccessStore
from graph.stores.neo4j.carve_outs import CarvedOut, carved_out_records, state_rows
from graph.stores.neo4j.connection import Neo4jConnection
from graph.stores.neo4j.export import export_bundle
from graph.stores.neo4j.findings import FindingReads
from graph.stores.neo4j.schema import schema_statements
from graph.stores.neo4j.state_params import FREQUENCY_DAYS_BY_NAME, state_params
from graph.stores.neo4j.values import mappings_of, node_model, to_db, unique_ids, where_values


class Neo4jStore(FindingReads):
    """A `GraphStore` on a Neo4j 5 server (5.23 or newer: scoped `CALL (x) {}` subqueries)."""

    def __init__(self, uri: str, user: str, password: str, database: str | None = None, **driver_config: Any) -> None:
        self.connection = Neo4jConnection(uri, user, password, database, **driver_config)
        self.access = Neo4jAccessStore(self.connection)
        self._memo = memo.ReadMemo()
        self._accepted = accepted.AcceptedKept()
        try:
            schema = [*schema_statements(), *changes.schema_statements(), *identifiers.schema_statements()]
            schema += access_store.schema_statements()
            self.connection.ensure_schema([*schema, *memo.schema_statements(), *timelines.schema_statements()])
            if self.connection.read(changes.LEGACY_ANY):  # a store written before change histories
                self.connection.write(changes.migrate)
            if self.connection.read(timelines.MISSING + " LIMIT 1"):  # written before count timelines
                verdicts.build_missing(self.connection)
        except BaseException:
            self.connection.close()
            raise

    def _read(self, query: str, **params: Any) -> list[Record]:
        return self.connection.read(query, **params)

    # -- lifecycle ------------------------------------------------------------------------------
    def close(self) -> None:
        self.connection.close()

    def ping(self) -> None:
        self.connection.ping()

    def clear(self) -> None:
        """Delete every node and relationship (tests only); constraints and indexes stay."""
        self.connection.clear()

    # -- writes -------------------------------------------------------------------------------------
    def _existing(self, label: Label, ids: set[str]) -> set[str]:
        return {record["id"] for record in self._read(writes.existing_ids(label), ids=list(ids))}

    def write(self, bundle: Bundle, *, immutable_evidence: bool = False) -> WriteSummary:
        check_bundle(bundle, self._existing)
        now = now_utc()
        check_write_rules(bundle, self, now)
        bundle = appended.normalized(bundle, now)
        plan = writes.plan_write(bundle)

        def work(tx: ManagedTransaction) -> writes.WritePlan:
            fresh_changes = changes.new_in_transaction(tx, bundle)
            stored = writes.stored_ids(tx, plan)
            written = sample_rules.check_in_transaction(tx, bundle, stored.get(Label.SAMPLE, set()))
            if immutable_evidence:  # repeated items are written again as stored
                written = evidence_rules.check_in_transaction(tx, written, stored.get(Label.EVIDENCE, set()))
            written, written_plan = appended.planned(tx, bundle, written, plan)
            touched = moved.Moved(tx, written, stored.get(Label.EVIDENCE, set()))  # read before the write
            writes.run_write(tx, written_plan, stored)
            changes.write_changes(tx, fresh_changes)
            identifiers.write_identifiers(tx, bundle)
            evidence_rules.write_reviews(tx, written, stored.get(Label.EVIDENCE, set()))
            touched.refresh(tx, bundle)  # every touched control's timeline, once, in this transaction
            return written_plan

        for attempt in range(1, writes.ATTEMPTS + 1):
            try:
                done = self.connection.write(work)
                break
            except ConstraintError:
                # A node this write created was created by a concurrent write too (the unique
                # constraint refused ours, nothing was written): again, now taking the update path.
                if attempt == writes.ATTEMPTS:
                    raise ConflictError("the bundle's new ids kept being created by concurrent writes; retry") from None
        return WriteSummary(nodes=done.node_count, edges=done.edge_count)

    def delete_asset(self, asset_id: str) -> None:
        self.connection.write(lambda tx: moved.around_delete(tx, asset_id, writes.run_delete_asset))

    # -- reads --------------------------------------------------------------------------------------
    def get_nodes(self, label: Label, ids: Collection[str]) -> dict[str, NodeModel]:
        wanted = unique_ids(ids)
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
        wanted = unique_ids(ids)
        found: dict[str, list[str]] = {i: [] for i in wanted}
        if wanted:
            for record in self._read(reads.related(rel, reverse), ids=wanted):
                found[record["id"]] = natural_order(record["others"])
        return found

    def evidence_reviews(self, evidence_ids: Collection[str]) -> dict[str, list[EvidenceReview]]:
        wanted = unique_ids(evidence_ids)
        if not wanted:
            return {}
        found = evidence_rules.reviews_by_evidence(self._read(evidence_rules.READ_REVIEWS, ids=wanted))
        return {i: found.get(i, []) for i in wanted}

    def export(self) -> Bundle:
        return export_bundle(self._read)

    def asset_changes(self, asset_id: str, first: int, after: str | None = None) -> list[Change]:
        return changes.page(self._read, asset_id, first, after) if first > 0 else []

    def count_changes(self, asset_id: str) -> int:
        return int(self._read(changes.COUNT, asset=asset_id)[0]["n"])

    def assets_by_identifiers(self, keys: Collection[str]) -> dict[str, str]:
        wanted = unique_ids(keys)
        return {r["key"]: r["asset"] for r in self._read(identifiers.LOOKUP, keys=wanted)} if wanted else {}

    def latest_changes(self, asset_ids: Collection[str], at: datetime) -> dict[str, datetime]:
        wanted = unique_ids(asset_ids)
        return changes.latest(self._read, wanted, at) if wanted else {}

    # -- query needs ------------------------------------------------------------------------------------
    def framework_criteria(self, framework_id: str) -> list[Criterion]:
        records = self._read(reads.FRAMEWORK_CRITERIA, framework=framework_id)
        return [node_model(Label.CRITERION, record["props"]) for record in records]  # type: ignore[misc]

    def satisfying_controls(self, criterion_ids: Collection[str]) -> dict[str, list[Control]]:
        wanted = unique_ids(criterion_ids)
        if not wanted:
            return {}
        return {
            record["id"]: [node_model(Label.CONTROL, props) for props in record["controls"]]  # type: ignore[misc]
            for record in self._read(reads.SATISFYING_CONTROLS, ids=wanted)
        }

    def mappings_touching(self, criterion_ids: Collection[str]) -> list[Mapping]:
        wanted = unique_ids(criterion_ids)
        return mappings_of(self._read(reads.MAPPINGS_TOUCHING, ids=wanted)) if wanted else []

    def mappings_between(self, framework_a: str, framework_b: str) -> list[Mapping]:
        return mappings_of(self._read(reads.MAPPINGS_BETWEEN, a=framework_a, b=framework_b))

    graph_version_in_memory = False  # one round trip: the :GraphVersion node may move in any process

    def graph_version(self) -> memo.Version:
        return self._version()

    def _version(self) -> memo.Version:
        [record] = self._read(memo.READ)
        return memo.version_of(record)

    def control_verdicts(
        self, control_ids: Collection[str], at: datetime, assume: Assumption | None = None
    ) -> dict[str, ControlVerdict]:
        wanted = unique_ids(control_ids)
        if not wanted:
            return {}
        found: dict[str, ControlVerdict | None]
        if assume is not None and assume.changed_at == at:  # impact's what-if
            found = self._verdicts_changed_now(wanted, assume)
        elif assume is not None:  # what-if at another instant: today's Cypher, with the supposed change
            found = {i: timed.value for i, timed in self._verdicts(wanted, at, assume).items()}
        else:  # the stored count timelines: one statement, nothing remembered in the process
            found = verdicts.verdicts_at(
                self._read,
                self.connection,
                wanted,
                to_micros(at),
                lambda ids: self._carved(ids, at),
                # Findings are not in the timelines: Cypher at T, remembered as before timelines.
                lambda ids: self._memo.per_control(self._version(), "verdict", ids, at, None, self._verdicts),
            )
        return {i: v for i in wanted if (v := found.get(i)) is not None}

    def _verdicts_changed_now(self, ids: list[str], assume: Assumption) -> dict[str, ControlVerdict | None]:
        """The verdicts at `assume.changed_at` with that change supposed: the stored timelines'
        counts then, with the pairs the change makes stale moved from OK to stale (reads.FRESH_AT);
        carved-out controls and those whose findings may hold assets back by Cypher, as before."""
        at = assume.changed_at
        by_cypher: set[str] = set()

        def live(of: list[str]) -> dict[str, ControlVerdict | None]:
            by_cypher.update(of)
            return {i: timed.value for i, timed in self._verdicts(of, at, assume).items()}

        found = verdicts.verdicts_at(self._read, self.connection, ids, to_micros(at), live, live)
        return verdicts.made_stale(found, by_cypher, self._fresh_at(assume.assets, at))

    def _verdicts(
        self, ids: list[str], at: datetime, assume: Assumption | None
    ) -> dict[str, memo.Timed[ControlVerdict | None]]:
        timed: dict[str, memo.Timed[ControlVerdict | None]] = {i: memo.Timed(None, None, None) for i in ids}
        for record in self._read(reads.CONTROL_VERDICTS, ids=ids, **state_params(self._read, at, assume, ids)):
            failing = {s: record[s.value] for s in EvidenceState if s is not EvidenceState.OK and record[s.value]}
            verdict = ControlVerdict(
                control_id=record["id"], status=record["status"], assets=record["assets"], failing=failing
            )
            timed[record["id"]] = memo.Timed(record["lo"], record["hi"], verdict)
        for control, (assets, lo, hi, rows) in self._carved_out(ids, at, assume).items():
            timed[control] = memo.Timed(lo, hi, carved_out_verdict(control, assets, rows))
        return timed

    def _carved(self, ids: list[str], at: datetime) -> dict[str, ControlVerdict]:
        found = self._carved_out(ids, at, None).items()
        return {control: carved_out_verdict(control, assets, rows) for control, (assets, _lo, _hi, rows) in found}

    def _carved_out(self, ids: list[str], at: datetime, assume: Assumption | None) -> dict[str, CarvedOut]:
        params = state_params(self._read, at, assume)
        return carved_out_records(self._read(reads.CARVED_OUT_STATES_OF, ids=ids, **params))

    def control_states(
        self, control_ids: Collection[str] | None, at: datetime, assume: Assumption | None = None
    ) -> list[ControlAssetState]:
        version = None if assume else self._version()
        if control_ids is None:
            wanted = self._memo.cached(
                version, ("implemented",), lambda: [r["id"] for r in self._read(reads.IMPLEMENTED_CONTROLS)], len
            )
        else:
            wanted = sorted(unique_ids(control_ids), key=order_key)
        if not wanted:
            return []
        found = self._memo.per_control(version, "states", wanted, at, assume, self._states)
        return [state for i in wanted for state in found[i]]

    def _states(
        self, ids: list[str], at: datetime, assume: Assumption | None
    ) -> dict[str, memo.Timed[list[ControlAssetState]]]:
        # Controls neither implemented nor carved out (or absent) have no failing pair at any instant.
        timed: dict[str, memo.Timed[list[ControlAssetState]]] = {i: memo.Timed(None, None, []) for i in ids}
        for record in self._read(reads.CONTROL_STATES_OF, ids=ids, **state_params(self._read, at, assume, ids)):
            timed[record["control"]] = memo.Timed(
                record["lo"], record["hi"], state_rows(record["control"], record["rows"])
            )
        for control, (_assets, lo, hi, vendor_rows) in self._carved_out(ids, at, assume).items():
            timed[control] = memo.Timed(lo, hi, vendor_rows)
        return timed

    def dependents(self, asset_id: str, max_depth: int | None) -> dict[str, int]:
        if max_depth == 0:
            return {asset_id: 0} if self._existing(Label.ASSET, {asset_id}) else {}
        version = self._version()
        found = self._memo.cached(
            version, ("dependents", asset_id, max_depth), lambda: self._dependents(asset_id, max_depth), len
        )
        return dict(found)  # the caller's own copy

    def _dependents(self, asset_id: str, max_depth: int | None) -> dict[str, int]:
        records = self._read(radius.dependents(max_depth), id=asset_id)
        if not records:
            return {}  # no such asset
        distances = {asset_id: 0}
        distances.update({record["id"]: record["distance"] for record in records if record["id"] is not None})
        return distances

    def dependency_closure(self, asset_ids: Collection[str]) -> set[str]:
        return {record["id"] for record in self._read(reads.DEPENDENCY_CLOSURE, ids=unique_ids(asset_ids))}

    def neighbourhood(self, asset_ids: Collection[str]) -> Neighbourhood:
        ids = unique_ids(asset_ids)
        return self._memo.cached(
            self._version(),
            ("neighbourhood", frozenset(ids)),
            lambda: self._neighbourhood(ids),
            lambda found: len(found.evidence),
        )

    def _neighbourhood(self, ids: list[str]) -> Neighbourhood:
        [record] = self._read(radius.NEIGHBOURHOOD, ids=ids)
        return radius.neighbourhood_of(record)

    def blast_radius(self, asset_id: str, max_depth: int | None) -> Radius | None:
        """One statement: the version check, then the answer unless the one remembered holds."""
        key = ("blast_radius", asset_id, max_depth)
        for known in (self._memo.version_holding(key), None):  # the second if dropped meanwhile
            [record] = self._read(radius.blast_radius(max_depth), id=asset_id, **radius.known_params(known))
            version = memo.version_of(record)
            if record["known"]:
                remembered: Radius | None = self._memo.get(version, key)
                if remembered is not None:
                    return remembered
                continue
            if not record["found"]:
                return None
            found = radius.radius_of(asset_id, record)
            self._memo.remember(version, key, found, len(found.distances) + len(found.around.evidence))
            return found
        raise AssertionError("unreachable: an unknown version computes")

    def accepted_evidence_counts(
        self, intervals: ByControl[str, Sequence[tuple[datetime, datetime]]]
    ) -> dict[str, list[int]]:
        return accepted.counts(self._accepted.of(self._read, unique_ids(intervals)), intervals)

    def accepted_evidence_periods(
        self, control_ids: Collection[str], start: datetime, end: datetime
    ) -> dict[str, list[tuple[datetime, datetime, datetime]]]:
        return accepted.periods(self._accepted.of(self._read, ids := unique_ids(control_ids)), ids, start, end)

    def accepted_evidence_items(self, control_id: str, start: datetime, end: datetime) -> list[AcceptedItem]:
        return accepted.items(self._read, control_id, start, end)

    def becoming_stale(self, asset_ids: Collection[str], at: datetime) -> list[StaleEvidence]:
        rows = self._fresh_at(asset_ids, at)
        return stale_in_order((r["evidence"], r["control"], r["assets"]) for r in rows if not r["now"])

    def _fresh_at(self, asset_ids: Collection[str], at: datetime) -> list[Record]:
        """reads.FRESH_AT for the assets, remembered per graph version: impact reads it twice
        (the stale evidence, then the what-if verdicts)."""
        wanted = unique_ids(asset_ids)
        if not wanted:
            return []
        return self._memo.cached(
            self._version(),
            ("fresh at", frozenset(wanted), at),
            lambda: self._read(reads.FRESH_AT, ids=wanted, at=to_db(at), freqDays=FREQUENCY_DAYS_BY_NAME),
            len,
        )
