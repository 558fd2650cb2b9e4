"""`Sample`: an auditor's recorded draw from a control's Type II population (issue 14 item 1).

The record is itself audit evidence: append-only like evidence (an id recorded again must say
exactly the same; graph/checks/append_only.py), and reproducible from what it says (seed,
engagement, control and the population's keys; graph/queries/sampling.py).
"""

from __future__ import annotations

import hashlib
from typing import Annotated

from pydantic import Field

from graph.model.nodes import Actor, Frequency, NodeId, Text, UtcDatetime, _Node

Seed = Annotated[str, Field(min_length=1, max_length=200)]
UnitKey = Annotated[str, Field(min_length=1, max_length=300)]

# Sample sizes by the control's frequency (issue 14), overridable per engagement (`sample_sizes`).
DEFAULT_SAMPLE_SIZES: dict[Frequency, int] = {
    Frequency.ANNUAL: 1,
    Frequency.SEMIANNUAL: 1,
    Frequency.QUARTERLY: 2,
    Frequency.MONTHLY: 2,
    Frequency.WEEKLY: 5,
    Frequency.DAILY: 25,
    Frequency.CONTINUOUS: 25,
}


class Sample(_Node):
    engagement: NodeId = Field(description="The Type II engagement sampled (must exist).")
    control: NodeId = Field(description="The in-scope control whose population was sampled (must exist).")
    seed: Seed = Field(description="The auditor's seed: with the population it fixes the draw.")
    size: int = Field(ge=0, description="How many units were drawn (the frequency's size, at most the population).")
    population_size: int = Field(ge=0, description="How many units the population had when drawn.")
    items: Annotated[list[UnitKey], Field(max_length=10_000)] = Field(
        default_factory=list,
        description="The drawn population units, in natural order of key (recorded as their keys).",
    )
    drawn_at: UtcDatetime = Field(description="When it was drawn.")
    drawn_by: Actor | None = Field(default=None, description="Who drew it; stamped by the server (the caller).")
    redraw_of: NodeId | None = Field(default=None, description="The sample this one redraws, if any (kept too).")
    reason: Text | None = Field(default=None, description="Why it was redrawn (required with redraw_of).")


def derived_sample_id(engagement: str, control: str, seed: str, redraw_of: str | None = None) -> str:
    """The id of a sample drawn without one: the same (engagement, control, seed, the sample it
    redraws) gives the same id."""
    key = f"{engagement}\x00{control}\x00{seed}\x00{redraw_of or ''}"
    return "smp-" + hashlib.sha256(key.encode()).hexdigest()[:32]
