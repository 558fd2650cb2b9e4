"""A real store that counts the calls made on it, to prove batching (it forwards every call)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from graph.store import GraphStore


class CountingStore:
    def __init__(self, inner: GraphStore) -> None:
        self._inner = inner
        self.calls: Counter[str] = Counter()

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._inner, name)
        if not callable(attribute):
            return attribute

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls[name] += 1
            return attribute(*args, **kwargs)

        return counted
