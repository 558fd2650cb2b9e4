"""How every CLI command reports a refusal: the field and the reason on stderr, and an exit code
(2 for invalid input, 1 for anything else the store refused)."""

from __future__ import annotations

from typing import NoReturn

import typer

from graph.errors import AttestgraphError, InvalidInputError

EXIT_INVALID = 2
EXIT_FAILED = 1


def fail(error: AttestgraphError) -> NoReturn:
    """Print `error` (one problem on one line; several, one per line) and exit."""
    problems = error.problems if isinstance(error, InvalidInputError) else None
    if problems and len(problems) == 1:
        typer.echo(f"error: {problems[0].field}: {problems[0].reason}", err=True)
    elif problems:
        typer.echo(f"error: {len(problems)} problem(s)", err=True)
        for p in problems:
            typer.echo(f"  {p.field}: {p.reason}", err=True)
    else:
        typer.echo(f"error: {error}", err=True)
    raise typer.Exit(EXIT_INVALID if isinstance(error, InvalidInputError) else EXIT_FAILED)
