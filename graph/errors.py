"""The one vocabulary of failures, mapped at the edges to GraphQL codes, HTTP statuses and exit codes."""

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

    code = "INTERNAL"
    http_status = 500


class NotFoundError(AttestgraphError):
    code = "NOT_FOUND"
    http_status = 404

    def __init__(self, label: str, node_id: str, field: str | None = None) -> None:
        self.label = label
        self.node_id = node_id
        self.field = field
        where = f"{field}: " if field else ""
        super().__init__(f"{where}{label} '{node_id}' does not exist")


class InvalidInputError(AttestgraphError):
    """Input that cannot be accepted; carries every problem found, each naming its field."""

    code = "BAD_USER_INPUT"
    http_status = 422

    def __init__(self, problems: list[FieldProblem]) -> None:
        if not problems:
            raise ValueError("InvalidInputError needs at least one problem")
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))

    @classmethod
    def one(cls, field: str, reason: str) -> InvalidInputError:
        return cls([FieldProblem(field, reason)])


class ConflictError(AttestgraphError):
    code = "CONFLICT"
    http_status = 409


class StoreUnavailableError(AttestgraphError):
    code = "STORE_UNAVAILABLE"
    http_status = 503


class ForbiddenError(AttestgraphError):
    """The caller is known but their role does not allow this operation."""

    code = "FORBIDDEN"
    http_status = 403
