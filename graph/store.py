"""The `GraphStore` protocol: what the queries and the service need from a backend.

The queries in `graph.queries` are written once against this protocol. A backend answers each
need in its own engine (networkx for the embedded store, Cypher for Neo4j); the heavy needs
(`control_verdicts`, `control_states`, `dependents`, `becoming_stale`) are where the work is,
so each backend pushes them down rather than shipping raw graph data around.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Sequence
from collections.abc import Mapping as ByControl
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from graph.access.store import AccessStore
from graph.bundle import Bundle
from graph.model import (
    Change,
    Control,
    Criterion,
    EvidenceReview,
    Finding,
    FindingStatus,
    Label,
    Mapping,
    NodeModel,
    Rel,
    Severity,
)

if TYPE_CHECKING:  # the queries import this module; their result types are only annotations here
    from graph.queries.results import (
        AcceptedItem,
        ControlAssetState,
        ControlVerdict,
        Neighbourhood,
        Radius,
        StaleEvidence,
    )


@dataclass(frozen=True)
class Assumption:
    """A change supposed, not written: evaluated at `changed_at`, these assets read as changed
    then (for `impact`)."""

    assets: frozenset[str]
    changed_at: datetime


@dataclass(frozen=True)
class FindingFilter:
    """Which findings a read wants: those of `assets` (None: of every asset), of one of
    `severities` (empty: any) and with `status` (None: either)."""

    assets: tuple[str, ...] | None = None
    severities: tuple[Severity, ...] = ()
    status: FindingStatus | None = None


@dataclass(frozen=True)
class FindingPage:
    """One page of findings in natural order of id, and how many match in all; `has_next`: more
    follow the page (set by graph/queries/findings.py, which asks a store for one more)."""

    findings: list[Finding]
    total: int
    has_next: bool = False


@dataclass(frozen=True)
class WriteSummary:
    nodes: int
    edges: int


@runtime_checkable
class GraphStore(Protocol):
    """One graph, two backends; the service never knows which it has."""

    # -- lifecycle ------------------------------------------------------------------------
    def close(self) -> None:
        """Close the backend: this store and its `access` store."""

    @property
    def access(self) -> AccessStore:
        """The API keys and audit log of the same backend (graph/access/store.py): opened and
        closed with this store, on its connection, so a write and its audit entry commit in one
        transaction."""

    def ping(self) -> None:
        """Raise `StoreUnavailableError` unless the store can answer queries now."""

    # True when `graph_version` answers from memory, without I/O (callable on an event loop).
    graph_version_in_memory: bool

    def graph_version(self) -> Hashable | None:
        """A value that changes with every write to the graph (not the audit log or keys), by any
        process sharing the store: what was read under one version can be served again while it
        is current. None: nothing may be remembered now. Cheap (embedded: memory; Neo4j: one read)."""

    # -- writes: each is all-or-nothing and durable when it returns ------------------------
    # A write made inside `graph.access.audit.audited(draft)` commits that draft's audit entry in the
    # same transaction (see graph/access/audit.py); so do the key writes of `access`.
    def write(self, bundle: Bundle, *, immutable_evidence: bool = False) -> WriteSummary:
        """Upsert the bundle's nodes and add its relationships; every reference must resolve
        within the bundle or the store, else `InvalidInputError` and nothing is written.

        `immutable_evidence` (every path of the product sets it): evidence already recorded may
        only be repeated exactly, never changed (`graph.checks.evidence_immutability.check_immutable`, checked in the
        write's transaction); otherwise the bundle's evidence is upserted like any node, except in
        the embedded store, whose SQLite refuses any change to recorded evidence's content
        (`ConflictError`) whatever the flag (`graph.stores.embedded.guards`).
        Either way `graph.checks.write_rules` holds, `bundle.reviews` are appended (a review already
        recorded is not appended twice), each evidence item's status is its latest review's, and
        `bundle.changes` (with the assets' `changed_at` shorthand) are appended to the assets'
        histories (`graph.checks.change_history`): a recorded change again is nothing, an edited one
        a `ConflictError`; an asset upserted keeps its history."""

    def delete_asset(self, asset_id: str) -> None:
        """Remove the asset, its edges and its change history (the deletion itself is in the audit
        log; a deleted asset answers no question, and export -> load still round-trips). Refused
        (`ConflictError`, nothing removed) while evidence covers it or findings affect it (records
        that are kept, so their asset is too) or an engagement's boundary names it."""

    # -- reads --------------------------------------------------------------------------
    def get_nodes(self, label: Label, ids: Collection[str]) -> dict[str, NodeModel]:
        """The nodes of `label` among `ids` that exist (one round trip for any number)."""

    def list_nodes(
        self, label: Label, *, first: int, after: str | None = None, where: dict[str, str] | None = None
    ) -> list[NodeModel]:
        """Up to `first` nodes ordered by id, ids after `after`, properties equal to `where`."""

    def count_nodes(self, label: Label, where: dict[str, str] | None = None) -> int: ...

    def related(self, rel: Rel, ids: Collection[str], *, reverse: bool = False) -> dict[str, list[str]]:
        """For each id, the ids at the other end of its `rel` edges (sorted); `reverse` follows
        them backwards. One call serves a whole DataLoader batch."""

    def evidence_reviews(self, evidence_ids: Collection[str]) -> dict[str, list[EvidenceReview]]:
        """For each id, the reviews of that evidence item in the order they were recorded."""

    def export(self) -> Bundle: ...

    def asset_changes(self, asset_id: str, first: int, after: str | None = None) -> list[Change]:
        """Up to `first` of the asset's changes, newest first (`at` desc, then id desc), those after
        the change with id `after` (one query)."""

    def count_changes(self, asset_id: str) -> int:
        """How many changes the asset's history holds."""

    def assets_by_identifiers(self, keys: Collection[str]) -> dict[str, str]:
        """For each identifier key (`AssetIdentifier.key`) an asset holds, that asset's id (one
        indexed round trip for any number; unknown keys left out)."""

    def latest_changes(self, asset_ids: Collection[str], at: datetime) -> dict[str, datetime]:
        """`changed_at(a, at)` of each asset that has a change at or before `at` (one round trip)."""

    def findings(self, where: FindingFilter, first: int, after: str | None = None) -> FindingPage:
        """Up to `first` findings matching `where`, in natural order of id after the finding `after`
        (which need not exist), and how many match in all: one round trip (Neo4j: by the asset
        index when `where.assets` is set)."""

    def findings_by_asset(
        self, asset_ids: Collection[str], where: FindingFilter, first: int, after: str | None = None
    ) -> dict[str, FindingPage]:
        """`findings` of each asset alone (`where.assets` ignored), for a DataLoader batch: one
        round trip for any number of assets."""

    def open_finding_counts(self, asset_ids: Collection[str]) -> dict[Severity, int]:
        """How many findings with status open affect any of the assets, per severity (severities
        without one left out; one round trip)."""

    # -- query needs ----------------------------------------------------------------------
    def framework_criteria(self, framework_id: str) -> list[Criterion]: ...

    def satisfying_controls(self, criterion_ids: Collection[str]) -> dict[str, list[Control]]:
        """Per criterion, the controls with a SATISFIES edge to it (criteria without any omitted)."""

    def mappings_touching(self, criterion_ids: Collection[str]) -> list[Mapping]:
        """Every MAPS_TO edge with either end among `criterion_ids`."""

    def mappings_between(self, framework_a: str, framework_b: str) -> list[Mapping]:
        """Every MAPS_TO edge between a criterion of one framework and one of the other."""

    def control_verdicts(
        self, control_ids: Collection[str], at: datetime, assume: Assumption | None = None
    ) -> dict[str, ControlVerdict]: ...

    def control_states(
        self, control_ids: Collection[str] | None, at: datetime, assume: Assumption | None = None
    ) -> list[ControlAssetState]:
        """The failing (control, asset) pairs of implemented controls (all controls if None)."""

    def dependents(self, asset_id: str, max_depth: int | None) -> dict[str, int]:
        """`asset_id` at 0 and every asset with a DEPENDS_ON path to it, at shortest distance,
        in order of distance and then natural order of id (ties broken by the id)."""

    def dependency_closure(self, asset_ids: Collection[str]) -> set[str]:
        """The assets among `asset_ids` that exist and every asset they depend on, transitively
        (forward DEPENDS_ON): an engagement's system boundary. One round trip for any number."""

    def neighbourhood(self, asset_ids: Collection[str]) -> Neighbourhood:
        """Controls applying to the assets, their criteria and frameworks, the assets' vendors
        and the evidence of those controls whose scope includes any of the assets."""

    def blast_radius(self, asset_id: str, max_depth: int | None) -> Radius | None:
        """`dependents(asset_id, max_depth)` and the `neighbourhood` of those assets, in one call
        (Neo4j: one round trip, the graph version's check included); None: no such asset.
        `max_depth` is None or 0 or more."""

    def accepted_evidence_counts(
        self, intervals: ByControl[str, Sequence[tuple[datetime, datetime]]]
    ) -> dict[str, list[int]]:
        """Per control, how many of its accepted, current items were collected in each of its
        `intervals` (`[lower, upper)`, in time order): zeros for an unknown control."""

    def accepted_evidence_periods(
        self, control_ids: Collection[str], start: datetime, end: datetime
    ) -> dict[str, list[tuple[datetime, datetime, datetime]]]:
        """Per control, `(period_start, period_end, collected_at)` of its accepted, current
        evidence whose observation period overlaps `[start, end)`, sorted."""

    def accepted_evidence_items(self, control_id: str, start: datetime, end: datetime) -> list[AcceptedItem]:
        """The control's accepted, non-superseded evidence collected in `[start, end)` or whose
        observation period overlaps it, with ids and scope, by (collected_at, id) (one query)."""

    def becoming_stale(self, asset_ids: Collection[str], at: datetime) -> list[StaleEvidence]:
        """(evidence, control, asset) triples valid and fresh at `at` now, that a change of the
        asset at `at` would make stale."""
