"""The one table of how a domain failure looks to a client: its code and its HTTP status.

graph/errors.py names what can go wrong and knows nothing of HTTP or GraphQL; the service answers
with the code this table gives (GraphQL `extensions.code`, the REST body's `code`, the audit log's
`error: <code>` outcome) and, over REST, the status beside it. Errors of a subclass not in the
table answer as its nearest listed ancestor does.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.errors import (
    AttestgraphError,
    ConflictError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    StoreUnavailableError,
)

# What a caller is told instead of a StoreUnavailableError's text, which names the database's
# address and the driver's words (those go to the log).
UNAVAILABLE_MESSAGE = "the graph store cannot answer right now; try again shortly"


@dataclass(frozen=True)
class ErrorAnswer:
    code: str
    http_status: int


ANSWERS: dict[type[AttestgraphError], ErrorAnswer] = {
    AttestgraphError: ErrorAnswer("INTERNAL", 500),
    NotFoundError: ErrorAnswer("NOT_FOUND", 404),
    InvalidInputError: ErrorAnswer("BAD_USER_INPUT", 422),
    ConflictError: ErrorAnswer("CONFLICT", 409),
    StoreUnavailableError: ErrorAnswer("STORE_UNAVAILABLE", 503),
    ForbiddenError: ErrorAnswer("FORBIDDEN", 403),
}


def answer_for(error: AttestgraphError | type[AttestgraphError]) -> ErrorAnswer:
    """The code and status of `error` (an instance or a class)."""
    kind = error if isinstance(error, type) else type(error)
    for cls in kind.__mro__:
        if cls in ANSWERS:
            return ANSWERS[cls]
    raise TypeError(f"{kind.__name__} is not an AttestgraphError")  # unreachable for the typed argument


def code_of(error: AttestgraphError | type[AttestgraphError]) -> str:
    return answer_for(error).code


def message_of(error: AttestgraphError) -> str:
    """What the caller reads: the error's own text, except where it would show internals."""
    return UNAVAILABLE_MESSAGE if isinstance(error, StoreUnavailableError) else str(error)


def field_problems(error: AttestgraphError) -> list[dict[str, str]] | None:
    """An invalid input's problems as `[{field, reason}]`, the shape both APIs answer with."""
    if not isinstance(error, InvalidInputError):
        return None
    return [{"field": p.field, "reason": p.reason} for p in error.problems]
