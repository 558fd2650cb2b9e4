"""Every refusal's audit entry is built by one function (service/auth/audit_drafts.py)."""

from __future__ import annotations

import re
from pathlib import Path

from graph.access.audit import digest
from graph.access.keys import Role
from service.auth.audit_drafts import MAX_OPERATION, denial_draft, request_draft
from service.auth.roles import Principal

SERVICE = Path(__file__).resolve().parents[2] / "service"
VIEWER = Principal(actor="key:abc (ci)", roles=frozenset({Role.VIEWER}), rate_key="key:abc")


def test_a_denial_names_the_caller_their_roles_and_the_code() -> None:
    draft = denial_draft("Mutation.deleteAsset", {"id": "m"}, "FORBIDDEN", principal=VIEWER)
    assert (draft.actor, draft.role, draft.operation, draft.outcome) == (
        "key:abc (ci)",
        "viewer",
        "Mutation.deleteAsset",
        "denied: FORBIDDEN",
    )
    assert draft.input_digest == digest({"id": "m"})


def test_an_unknown_caller_is_named_by_what_the_edge_knows_of_them() -> None:
    anonymous = denial_draft("GET /api/export", "", "FORBIDDEN", principal=None)
    assert (anonymous.actor, anonymous.role) == ("(anonymous)", "(none)")
    stranger = denial_draft(
        "POST /graphql", "wrong-key", "UNAUTHENTICATED", principal=None, actor="unauthenticated:10.0.0.9"
    )
    assert (stranger.actor, stranger.role, stranger.outcome) == (
        "unauthenticated:10.0.0.9",
        "(none)",
        "denied: UNAUTHENTICATED",
    )
    assert stranger.input_digest == digest("wrong-key")  # the credential itself is never kept


def test_a_caller_chosen_path_cannot_make_the_entry_unwritable() -> None:
    draft = denial_draft("GET /" + "a" * 2000, "", "UNAUTHENTICATED", principal=None)
    assert len(draft.operation) == MAX_OPERATION


def test_an_allowed_request_is_drafted_alike_with_outcome_ok() -> None:
    draft = request_draft("Mutation.deleteAsset", {"id": "m"}, principal=VIEWER)
    denied = denial_draft("Mutation.deleteAsset", {"id": "m"}, "FORBIDDEN", principal=VIEWER)
    assert draft.outcome == "ok"
    assert draft.model_copy(update={"outcome": denied.outcome, "at": denied.at}) == denied


def test_no_other_service_module_spells_a_denial_outcome() -> None:
    literal = re.compile(r"""["']denied: """)
    spelled = [p.relative_to(SERVICE).as_posix() for p in SERVICE.rglob("*.py") if literal.search(p.read_text())]
    assert spelled == ["auth/audit_drafts.py"]
