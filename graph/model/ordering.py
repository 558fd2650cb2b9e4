"""The order of ids as people read them, and its encoding as a key that sorts as plain text."""

from __future__ import annotations

import re

_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Order ids as people read them: CC1.2 before CC1.10, A.5.9 before A.5.10."""
    return tuple((1, int(part)) if part.isdigit() else (0, part) for part in _DIGITS.split(text) if part)


# The order key: `natural_key(id)` encoded so that plain string order (what Cypher's ORDER BY and
# range indexes use) equals tuple order. Ids are ASCII from space (0x20) up (see nodes._ID_PATTERN),
# so the control characters below sort before any id character.
_TEXT, _NUMBER = "A", "B"  # a text part sorts before a number part at the same position
_TEXT_END = "\x1f"  # ends a text part: "ab" < "abc" must survive concatenation
_TIE = "\x1e"  # before the raw id, which breaks ties between ids of equal natural key (x1 / x01)


def _parts(text: str) -> str:
    encoded = []
    for part in _DIGITS.split(text):
        if not part:
            continue
        if part.isdigit():
            digits = part.lstrip("0") or "0"
            # Length first (fixed width), so a longer number sorts after a shorter one.
            encoded.append(f"{_NUMBER}{len(digits):03d}{digits}")
        else:
            encoded.append(f"{_TEXT}{part}{_TEXT_END}")
    return "".join(encoded)


def order_key(node_id: str) -> str:
    """The stored order key of `node_id`: natural order, ties broken by the id itself."""
    return f"{_parts(node_id)}{_TIE}{node_id}"


def after_key(node_id: str) -> str:
    """A bound above every order key whose natural key equals `natural_key(node_id)` and below every
    greater one, so `key > after_key(x)` means `natural_key(id) > natural_key(x)` exactly."""
    return f"{_parts(node_id)}{_TEXT_END}"


def id_of_order_key(key: str) -> str:
    """The id an `order_key` ends in."""
    return key.rpartition(_TIE)[2]
