"""Per-request context: the store and the DataLoaders that batch its lookups."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext

from graph.model import EvidenceReview, FindingStatus, Label, Mapping, NodeModel, Rel, Remediation, now_utc
from graph.queries.exceptions import remediation_histories
from graph.queries.findings import asset_findings
from graph.store import FindingPage, GraphStore

if TYPE_CHECKING:
    from service.auth.keys import Authenticator
    from service.auth.roles import Principal

R = TypeVar("R")


class Loaders:
    """One loader per label and per relationship direction: a list of N items costs one store call."""

    def __init__(self, store: GraphStore) -> None:
        self._store = store
        self._nodes: dict[Label, DataLoader[str, NodeModel | None]] = {}
        self._related: dict[tuple[Rel, bool], DataLoader[str, list[str]]] = {}
        self._findings: dict[tuple[FindingStatus | None, int, str | None], DataLoader[str, FindingPage]] = {}
        self.mappings: DataLoader[str, list[Mapping]] = DataLoader(load_fn=self._load_mappings)
        self.reviews: DataLoader[str, list[EvidenceReview]] = DataLoader(load_fn=self._load_reviews)
        self.changed_now: DataLoader[str, datetime | None] = DataLoader(load_fn=self._load_changed_now)
        self.remediations: DataLoader[str, list[Remediation]] = DataLoader(load_fn=self._load_remediations)

    async def _load_remediations(self, ids: list[str]) -> list[list[Remediation]]:
        """The remediation histories of a batch of exceptions, oldest first: one store read."""
        found = await asyncio.to_thread(remediation_histories, self._store, ids)
        return [found.get(i, []) for i in ids]

    async def _load_changed_now(self, ids: list[str]) -> list[datetime | None]:
        """changed_at(a, now) of a batch of assets: one store call for a page of N assets."""
        found = await asyncio.to_thread(self._store.latest_changes, ids, now_utc())
        return [found.get(i) for i in ids]

    async def _load_reviews(self, ids: list[str]) -> list[list[EvidenceReview]]:
        found = await asyncio.to_thread(self._store.evidence_reviews, ids)
        return [found.get(i, []) for i in ids]

    async def _load_mappings(self, ids: list[str]) -> list[list[Mapping]]:
        found = await asyncio.to_thread(self._store.mappings_touching, ids)
        by_criterion: dict[str, list[Mapping]] = {i: [] for i in ids}
        for m in found:
            for end in (m.source, m.target):
                if end in by_criterion:
                    by_criterion[end].append(m)
        return [by_criterion[i] for i in ids]

    def forget(self) -> None:
        """Drop everything loaded so far: after a write, reads must see the new graph."""
        self._nodes.clear()
        self._related.clear()
        self._findings.clear()
        self.mappings = DataLoader(load_fn=self._load_mappings)
        self.reviews = DataLoader(load_fn=self._load_reviews)
        self.changed_now = DataLoader(load_fn=self._load_changed_now)
        self.remediations = DataLoader(load_fn=self._load_remediations)

    def node(self, label: Label) -> DataLoader[str, NodeModel | None]:
        if label not in self._nodes:

            async def load(ids: list[str]) -> list[NodeModel | None]:
                found = await asyncio.to_thread(self._store.get_nodes, label, ids)
                return [found.get(i) for i in ids]

            self._nodes[label] = DataLoader(load_fn=load)
        return self._nodes[label]

    def related(self, rel: Rel, *, reverse: bool = False) -> DataLoader[str, list[str]]:
        key = (rel, reverse)
        if key not in self._related:

            async def load(ids: list[str]) -> list[list[str]]:
                found = await asyncio.to_thread(self._store.related, rel, ids, reverse=reverse)
                return [found.get(i, []) for i in ids]

            self._related[key] = DataLoader(load_fn=load)
        return self._related[key]

    def findings(self, status: FindingStatus | None, first: int, after: str | None) -> DataLoader[str, FindingPage]:
        """Per asset, a page of its findings: the assets of one batch asked alike cost one store call."""
        key = (status, first, after)
        if key not in self._findings:

            async def load(ids: list[str]) -> list[FindingPage]:
                found = await asyncio.to_thread(asset_findings, self._store, ids, status, first, after)
                return [found[i] for i in ids]

            self._findings[key] = DataLoader(load_fn=load)
        return self._findings[key]


class Context(BaseContext):
    def __init__(
        self, store: GraphStore, principal: Principal | None = None, authenticator: Authenticator | None = None
    ) -> None:
        super().__init__()
        self.store = store
        self.loaders = Loaders(store)
        self.principal = principal  # who is calling: set by the request gate (service/auth)
        self.authenticator = authenticator
        # Whether an answer read the clock (an instant left to "now"): such an answer is never
        # remembered (service/graphql/remembered.py).
        self.read_clock = False

    def as_of(self, value: datetime | None) -> datetime:
        """`value`, or now when the caller left the instant out (noted: see `read_clock`)."""
        if value is not None:
            return value
        self.read_clock = True
        return now_utc()

    async def call(self, fn: Callable[..., R], *args: Any, **kwargs: Any) -> R:
        """Run a blocking store or query call off the event loop."""
        return await asyncio.to_thread(fn, *args, **kwargs)
