"""`attestgraph sample`: draw and record an auditor's sample from the command line, as
`engagementSample` does through the API (acting as `cli:<user>`, audited, printing JSON)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from graph.access.audit import audited
from graph.errors import AttestgraphError
from graph.queries.sampling import SampleRequest, record_sample
from service.cli_errors import fail
from service.cli_security import cli_draft
from service.settings import Settings


def sample(
    engagement: Annotated[str, typer.Argument(help="The Type II engagement's id.")],
    control: Annotated[str, typer.Argument(help="An in-scope control's id.")],
    seed: Annotated[str, typer.Option(help="The auditor's seed (1..200 characters): it fixes the draw.")],
    redraw: Annotated[bool, typer.Option(help="Redraw over a recorded sample (needs --reason).")] = False,
    reason: Annotated[Optional[str], typer.Option(help="Why the sample is redrawn (kept on the record).")] = None,  # noqa: UP045
    data_dir: Annotated[Optional[Path], typer.Option(help="Embedded store folder (default: ./data).")] = None,  # noqa: UP045
) -> None:
    """Draw and record a reproducible sample of a control's population; print it as JSON."""

    draft = cli_draft("sample", {"engagement": engagement, "control": control, "seed": seed, "redraw": redraw})
    try:
        store = Settings.from_env(data_dir=data_dir).open_store()
        try:
            with audited(draft):
                drawn = record_sample(store, SampleRequest(engagement, control, seed, draft.actor, redraw, reason))
        finally:
            store.close()
    except AttestgraphError as error:
        fail(error)
    typer.echo(json.dumps(drawn.model_dump(mode="json"), indent=2))
