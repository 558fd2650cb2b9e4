"""A model card: what an ML-BOM says about a model (CycloneDX 1.5-1.7 `modelCard`), kept on the
model asset in our own structure (DESIGN.md "Asset").

Only the parts an auditor reads are kept: the model parameters (approach, task, architecture,
datasets, inputs, outputs), the performance metrics of the quantitative analysis, and the
considerations (users, use cases, technical limitations, trade-offs, ethical considerations and
fairness assessments). Graphics, properties and environmental figures are left out.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

Short = Annotated[str, Field(max_length=500)]
Long = Annotated[str, Field(max_length=10_000)]
Notes = Annotated[list[Long], Field(max_length=100)]


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ModelCardDataset(_Part):
    name: Short = Field(default="", description="The dataset's name (its component's, or as given inline).")
    ref: Short = Field(default="", description="The BOM's bom-ref of the data component; empty: given inline.")
    asset: Short | None = Field(default=None, description="The asset id of the dataset, as matched at import.")


class PerformanceMetric(_Part):
    type: Short = Field(default="", description="What is measured, e.g. accuracy, F1, AUC.")
    value: Short = Field(default="", description="The value as the BOM writes it.")
    slice: Short = Field(default="", description="The part of the data it was measured on; empty: all.")
    lower_bound: Short = Field(default="", description="Lower bound of its confidence interval, if given.")
    upper_bound: Short = Field(default="", description="Upper bound of its confidence interval, if given.")


class EthicalConsideration(_Part):
    name: Long = Field(default="", description="The risk.")
    mitigation_strategy: Long = Field(default="", description="How it is mitigated.")


class FairnessAssessment(_Part):
    group_at_risk: Long = Field(default="", description="The group the model may treat unfairly.")
    benefits: Long = Field(default="", description="What the group gains from the model.")
    harms: Long = Field(default="", description="What the group may suffer from it.")
    mitigation_strategy: Long = Field(default="", description="How the harms are mitigated.")


class ModelCard(_Part):
    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        # A store without map properties (Neo4j) keeps the card as its JSON text.
        return json.loads(data) if isinstance(data, str) else data

    approach: Short = Field(default="", description="Learning approach, e.g. supervised, self-supervised.")
    task: Short = Field(default="", description="What the model does, e.g. classification.")
    architecture_family: Short = Field(default="", description="e.g. transformer, gradient-boosted trees.")
    model_architecture: Short = Field(default="", description="The specific architecture, e.g. BERT-base.")
    datasets: Annotated[list[ModelCardDataset], Field(max_length=100)] = Field(
        default_factory=list, description="The datasets it was trained and evaluated on."
    )
    inputs: Annotated[list[Short], Field(max_length=100)] = Field(
        default_factory=list, description="Formats of its inputs, e.g. text/plain."
    )
    outputs: Annotated[list[Short], Field(max_length=100)] = Field(
        default_factory=list, description="Formats of its outputs."
    )
    performance_metrics: Annotated[list[PerformanceMetric], Field(max_length=500)] = Field(
        default_factory=list, description="Its measured performance (quantitative analysis)."
    )
    users: Notes = Field(default_factory=list, description="Who is meant to use it.")
    use_cases: Notes = Field(default_factory=list, description="What it is meant to be used for.")
    technical_limitations: Notes = Field(default_factory=list, description="Known technical limitations.")
    performance_tradeoffs: Notes = Field(default_factory=list, description="Trade-offs made, e.g. recall for latency.")
    ethical_considerations: Annotated[list[EthicalConsideration], Field(max_length=100)] = Field(
        default_factory=list, description="Ethical risks and their mitigation."
    )
    fairness_assessments: Annotated[list[FairnessAssessment], Field(max_length=100)] = Field(
        default_factory=list, description="Fairness assessments by group at risk."
    )
