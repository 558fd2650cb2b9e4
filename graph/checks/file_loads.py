"""What a bundle file load (`attestgraph load`/`import`) requires of its evidence beyond the
model, so a file cannot record what the API refuses: every item carries its `sha256`, as
`recordEvidence` requires (service/graphql/inputs.py). The model keeps it optional because
evidence recorded before this rule has none and must still be readable.

(A `collected_at` past the server's clock is refused by the stores' own write rules, on every
path, not here.)
"""

from __future__ import annotations

from graph.bundle import Bundle
from graph.errors import FieldProblem, InvalidInputError


def require_digests(bundle: Bundle) -> None:
    """Raise `InvalidInputError` naming every evidence item without a `sha256`."""
    problems = [
        FieldProblem(
            f"evidence[{index}].sha256",
            f"is required for evidence '{item.id}': the SHA-256 (hex) of the evidence file, as the API requires",
        )
        for index, item in enumerate(bundle.evidence)
        if item.sha256 is None
    ]
    if problems:
        raise InvalidInputError(problems)
