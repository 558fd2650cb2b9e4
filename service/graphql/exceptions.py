"""GraphQL of audit exceptions and their remediation (issue 14): the types, the listing and the
two append-only mutations (mixed into Query and Mutation). Roles: service/auth/roles.py."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from graph import model as m
from graph.bundle import parse_bundle
from graph.checks.append_only import RecordConflict
from graph.errors import FieldProblem, InvalidInputError
from graph.model import ExceptionSeverity, Label, RemediationStatus, new_exception_id, new_remediation_id, now_utc
from graph.queries import exceptions as q
from service.graphql.errors import camel_path
from service.graphql.loading import GqlInfo, load_node, node_type
from service.graphql.model_types import convert, input_type, object_type
from service.graphql.pagination import Connection, Edge, PageInfo, decode_cursor, encode_cursor, page_size

strawberry.enum(ExceptionSeverity)
strawberry.enum(RemediationStatus)

STAMPS = ("recorded_at", "recorded_by")


@object_type(m.Remediation, ids=("id", "exception", "evidence"), description="One remediation record, appended.")
class Remediation:
    pass


@node_type(
    Label.AUDIT_EXCEPTION,
    ids=("engagement", "control", "evidence", "supersedes"),
    description="An exception an auditor found; append-only, corrections supersede.",
)
class AuditException:
    node: strawberry.Private[m.AuditException]
    # Known when listed (the listing read them); else loaded in one batch per request.
    history: strawberry.Private[list[m.Remediation] | None] = None
    # Known when listed; else read (a recorded exception, returned alone).
    superseder: strawberry.Private[str | None] = None
    superseder_known: strawberry.Private[bool] = False

    async def _history(self, info: GqlInfo) -> list[m.Remediation]:
        if self.history is None:
            self.history = await info.context.loaders.remediations.load(self.node.id)
        return self.history

    @strawberry.field(description="The exception that corrects this one, if any: then this one counts for nothing.")
    async def superseded_by(self, info: GqlInfo) -> strawberry.ID | None:
        if not self.superseder_known:
            where = {"supersedes": self.node.id}
            found = await info.context.call(info.context.store.list_nodes, Label.AUDIT_EXCEPTION, first=1, where=where)
            self.superseder, self.superseder_known = (found[0].id if found else None), True
        return strawberry.ID(self.superseder) if self.superseder is not None else None

    @strawberry.field(description="Its remediation records, oldest first.")
    async def remediations(self, info: GqlInfo) -> list[Remediation]:
        return [convert(Remediation, r) for r in await self._history(info)]

    @strawberry.field(description="The latest remediation (by recordedAt): the exception's current state.")
    async def current(self, info: GqlInfo) -> Remediation | None:
        history = await self._history(info)
        return convert(Remediation, history[-1]) if history else None


@input_type(
    m.AuditException,
    ids=("engagement", "control", "evidence", "supersedes"),
    exclude=STAMPS,
    description="An exception to record; the server stamps who recorded it and when.",
)
class AuditExceptionInput:
    id: strawberry.ID | None = strawberry.field(default=None, description="Unique id; none: the server makes one.")


@input_type(
    m.Remediation,
    ids=("exception", "evidence"),
    exclude=STAMPS,
    description="A remediation record to append; the server stamps who recorded it and when.",
)
class RemediationInput:
    id: strawberry.ID | None = strawberry.field(default=None, description="Unique id; none: the server makes one.")


def _values(item: Any) -> dict[str, Any]:
    return {k: (v.value if hasattr(v, "value") else v) for k, v in vars(item).items()}


async def _record(info: GqlInfo, list_name: str, argument: str, item: dict[str, Any]) -> None:
    """Write one record, stamped with the caller; problems name `argument`'s fields as the API spells them."""
    principal = info.context.principal
    item = {**item, "recorded_by": principal.actor if principal is not None else None, "recorded_at": now_utc()}
    prefix = f"{list_name}[0]"

    def named(field: str) -> str:
        return camel_path(argument + field[len(prefix) :] if field.startswith(prefix) else field)

    try:
        bundle = parse_bundle({list_name: [item]})
        await info.context.call(info.context.store.write, bundle, immutable_evidence=True)
    except InvalidInputError as error:
        raise InvalidInputError([FieldProblem(named(p.field), p.reason) for p in error.problems]) from None
    except RecordConflict as conflict:
        raise RecordConflict(named(conflict.field), conflict.reason) from None
    info.context.loaders.forget()


@strawberry.type
class ExceptionQuery:
    @strawberry.field(
        description="Audit exceptions ordered by foundAt then id, filtered at `at` (default now): open = not "
        "superseded and its current remediation open (or none); overdue = open and past its current due."
    )
    async def audit_exceptions(
        self,
        info: GqlInfo,
        engagement: strawberry.ID | None = None,
        open: bool | None = None,
        overdue: bool | None = None,
        owner: str | None = None,
        severity: ExceptionSeverity | None = None,
        control: strawberry.ID | None = None,
        at: datetime | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[AuditException]:
        size = page_size(first)
        after_id = decode_cursor("exception", after) if after is not None else None
        wanted = q.ExceptionFilter(engagement, open, overdue, owner, severity, control)
        instant = info.context.as_of(at)
        page = await info.context.call(
            q.list_exceptions, info.context.store, wanted, instant, first=size, after=after_id
        )
        edges = [
            Edge(
                node=convert(
                    AuditException,
                    s.exception,
                    history=s.remediations,
                    superseder=s.superseded_by,
                    superseder_known=True,
                ),
                cursor=encode_cursor("exception", s.exception.id),
            )
            for s in page.rows
        ]
        return Connection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next,
                has_previous_page=after is not None,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total_count=page.total,
        )


@strawberry.type
class ExceptionMutation:
    @strawberry.mutation(
        description="Record an audit exception (auditor or admin). Append-only: the same id with the same "
        "values changes nothing, with other values is a CONFLICT; correct one with `supersedes`."
    )
    async def record_exception(self, info: GqlInfo, exception: AuditExceptionInput) -> AuditException:
        item = _values(exception)
        item["id"] = item["id"] or new_exception_id()
        await _record(info, "audit_exceptions", "exception", item)
        found = await load_node(info, AuditException, item["id"])
        assert found is not None  # just written
        return found

    @strawberry.mutation(
        description="Append a remediation record to an exception (editor or admin); the latest is its state."
    )
    async def record_remediation(self, info: GqlInfo, remediation: RemediationInput) -> Remediation:
        item = _values(remediation)
        item["id"] = item["id"] or new_remediation_id()
        await _record(info, "remediations", "remediation", item)
        found = (await info.context.call(info.context.store.get_nodes, Label.REMEDIATION, [item["id"]]))[item["id"]]
        assert isinstance(found, m.Remediation)
        return convert(Remediation, found)
