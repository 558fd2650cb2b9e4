"""The one vocabulary of failures. What each looks like to a client (a code, an HTTP status) is the
service's concern (service/error_codes.py); the CLI maps them to exit codes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldProblem:
    """One thing wrong with an input: where (a dotted path) and why."""

    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}"


class AttestgraphError(Exception):
    """Base of every error the domain raises on purpose."""


class NotFoundError(AttestgraphError):
    """A node the operation names does not exist."""

    def __init__(self, label: str, node_id: str, field: str | None = None) -> None:
        self.label = label
        self.node_id = node_id
        self.field = field
        where = f"{field}: " if field else ""
        super().__init__(f"{where}{label} '{node_id}' does not exist")


class InvalidInputError(AttestgraphError):
    """Input that cannot be accepted; carries every problem found, each naming its field."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        if not problems:
            raise ValueError("InvalidInputError needs at least one problem")
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))

    @classmethod
    def one(cls, field: str, reason: str) -> InvalidInputError:
        return cls([FieldProblem(field, reason)])


class ConflictError(AttestgraphError):
    """The operation cannot be done in the current state (an id taken, a write rule, a read-only store)."""


class StoreUnavailableError(AttestgraphError):
    """The store cannot answer now (a database down or unreachable); retrying later may work."""


class ForbiddenError(AttestgraphError):
    """The caller is known but their role does not allow this operation."""
