"""GraphQL types of a model asset's card (graph/model/model_cards.py), derived from its models.

Imported before `Asset` is derived, so `Asset.modelCard` resolves to these types."""

from __future__ import annotations

from graph import model as m
from service.graphql.model_types import object_type


@object_type(m.ModelCardDataset, ids=(), description="A dataset a model was trained or evaluated on.")
class ModelCardDataset:
    pass


@object_type(m.PerformanceMetric, ids=(), description="One measured performance figure of a model.")
class PerformanceMetric:
    pass


@object_type(m.EthicalConsideration, ids=(), description="An ethical risk of a model and its mitigation.")
class EthicalConsideration:
    pass


@object_type(m.FairnessAssessment, ids=(), description="A fairness assessment of a model for one group at risk.")
class FairnessAssessment:
    pass


@object_type(m.ModelCard, ids=(), description="A model's card, as its CycloneDX ML-BOM gives it.")
class ModelCard:
    pass
