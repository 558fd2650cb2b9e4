"""The embedded store's index of asset identifiers: key -> the asset holding it, kept with the
assets in memory (rebuilt from the SQLite record on open, updated after each committed write)."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from graph.model import Asset


class IdentifierIndex:
    def __init__(self) -> None:
        self._holder: dict[str, str] = {}

    def put(self, old: Asset | None, new: Asset) -> None:
        """`new` replaces `old` (None: a new asset). Keys are released only by their holder: in one
        bundle another asset may have claimed a key this one gives up (graph/checks/identifier_rules.py)."""
        self.release(old)
        for identifier in new.identifiers:
            self._holder[identifier.key] = new.id

    def release(self, asset: Asset | None) -> None:
        for key in _keys(asset):
            if self._holder.get(key) == asset.id:  # type: ignore[union-attr]
                del self._holder[key]

    def holders(self, keys: Collection[str]) -> dict[str, str]:
        return {key: self._holder[key] for key in keys if key in self._holder}


def _keys(asset: Asset | None) -> Iterable[str]:
    return () if asset is None else (identifier.key for identifier in asset.identifiers)
