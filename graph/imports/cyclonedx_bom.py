"""Reading a CycloneDX JSON BOM (1.5, 1.6, 1.7) into what the importer needs: the components and
services that are assets, the dependencies between them, and the model cards.

The file is checked before anything is read from it: JSON, `bomFormat: CycloneDX`, a supported
`specVersion`, then valid against that version's JSON schema (cyclonedx-python-lib's validator,
which ships the 1.5-1.7 schemas). The library's `Bom` model gives the components (nested ones
included), services and dependencies; it has no model card, so each card is read from the JSON of
its component, already checked by the schema.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cyclonedx.model.bom import Bom
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.service import Service
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonValidator
from pydantic import ValidationError

from graph.errors import InvalidInputError
from graph.model import AssetIdentifier, AssetKind, IdentifierKind, ModelCard

SUPPORTED_VERSIONS = {"1.5": SchemaVersion.V1_5, "1.6": SchemaVersion.V1_6, "1.7": SchemaVersion.V1_7}

# Component types that are assets; the other types (libraries, frameworks, files, ...) are not.
COMPONENT_KINDS = {
    ComponentType.MACHINE_LEARNING_MODEL: AssetKind.MODEL,
    ComponentType.DATA: AssetKind.DATASET,
    ComponentType.APPLICATION: AssetKind.SERVICE,
}


@dataclass
class BomItem:
    """A component or service of the BOM that is an asset."""

    where: str  # how errors name it: components[bom-ref] or services[name]
    kind: AssetKind
    name: str
    ref: str | None  # its bom-ref, if it has one
    identifiers: list[AssetIdentifier]
    card: dict[str, Any] | None = None  # the component's modelCard JSON


@dataclass
class ReadBom:
    spec_version: str
    timestamp: datetime | None  # metadata.timestamp, if given
    title: str = ""  # the metadata component's name: what the BOM describes
    items: list[BomItem] = field(default_factory=list)
    dependencies: list[tuple[str, str]] = field(default_factory=list)  # (ref, dependsOn ref)
    skipped: int = 0  # components of types that are not assets


def read_bom(data: bytes) -> ReadBom:
    """The BOM in `data`, checked; anything else is refused naming the field and the reason."""
    document = _json_object(data)
    if document.get("bomFormat") != "CycloneDX":
        raise InvalidInputError.one("bomFormat", f"is {document.get('bomFormat')!r}; a CycloneDX BOM says 'CycloneDX'")
    version = document.get("specVersion")
    if version not in SUPPORTED_VERSIONS:
        supported = ", ".join(SUPPORTED_VERSIONS)
        raise InvalidInputError.one("specVersion", f"{version!r} is not supported; Attestgraph imports {supported}")
    _check_schema(document, SUPPORTED_VERSIONS[version])
    try:
        bom = Bom.from_json(document)  # type: ignore[attr-defined]
    except Exception as error:  # the library raises many kinds; the schema passed, so rare
        raise InvalidInputError.one("file", f"cannot be read as CycloneDX {version}: {error}") from None
    cards = dict(_cards(document))
    read = ReadBom(spec_version=version, timestamp=_timestamp(document))
    if bom.metadata.component is not None:
        read.title = bom.metadata.component.name
        _add_component(read, bom.metadata.component, cards, "metadata.component", AssetKind.SERVICE)
    for component in _nested_components(bom.components):
        _add_component(read, component, cards, f"components[{_label(component)}]", None)
    for service in _nested_services(bom.services):
        _add_service(read, service)
    for dependency in bom.dependencies:
        source = dependency.ref.value
        read.dependencies.extend(
            (source, target.ref.value)
            for target in dependency.dependencies
            if source is not None and target.ref.value is not None
        )
    return read


def model_card(card: dict[str, Any], dataset_assets: dict[str, str], dataset_names: dict[str, str]) -> ModelCard:
    """Our ModelCard from a CycloneDX modelCard JSON; datasets given by ref carry the asset matched
    (`dataset_assets`, by bom-ref) and the component's name."""
    parameters = card.get("modelParameters") or {}
    analysis = card.get("quantitativeAnalysis") or {}
    considerations = card.get("considerations") or {}
    datasets = []
    for dataset in parameters.get("datasets") or []:
        ref = dataset.get("ref")
        if isinstance(ref, str):
            datasets.append({"ref": ref, "name": dataset_names.get(ref, ""), "asset": dataset_assets.get(ref)})
        else:
            datasets.append({"name": str(dataset.get("name") or dataset.get("bom-ref") or "")})
    metrics = [
        {
            "type": m.get("type", ""),
            "value": m.get("value", ""),
            "slice": m.get("slice", ""),
            "lower_bound": (m.get("confidenceInterval") or {}).get("lowerBound", ""),
            "upper_bound": (m.get("confidenceInterval") or {}).get("upperBound", ""),
        }
        for m in analysis.get("performanceMetrics") or []
    ]
    values = {
        "approach": (parameters.get("approach") or {}).get("type", ""),
        "task": parameters.get("task", ""),
        "architecture_family": parameters.get("architectureFamily", ""),
        "model_architecture": parameters.get("modelArchitecture", ""),
        "datasets": datasets,
        "inputs": [i.get("format", "") for i in parameters.get("inputs") or []],
        "outputs": [o.get("format", "") for o in parameters.get("outputs") or []],
        "performance_metrics": metrics,
        "users": considerations.get("users") or [],
        "use_cases": considerations.get("useCases") or [],
        "technical_limitations": considerations.get("technicalLimitations") or [],
        "performance_tradeoffs": considerations.get("performanceTradeoffs") or [],
        "ethical_considerations": [
            {"name": r.get("name", ""), "mitigation_strategy": r.get("mitigationStrategy", "")}
            for r in considerations.get("ethicalConsiderations") or []
        ],
        "fairness_assessments": [
            {
                "group_at_risk": f.get("groupAtRisk", ""),
                "benefits": f.get("benefits", ""),
                "harms": f.get("harms", ""),
                "mitigation_strategy": f.get("mitigationStrategy", ""),
            }
            for f in considerations.get("fairnessAssessments") or []
        ],
    }
    try:
        return ModelCard.model_validate(values)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise InvalidInputError.one(f"modelCard.{where}", first["msg"]) from None


def _json_object(data: bytes) -> dict[str, Any]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInputError.one(
            "file", f"is not UTF-8 text (byte {error.start}): not a CycloneDX JSON BOM"
        ) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        reason = f"is not JSON (line {error.lineno}, column {error.colno}: {error.msg}); truncated or not a JSON BOM"
        raise InvalidInputError.one("file", reason) from None
    except RecursionError:
        raise InvalidInputError.one("file", "nests too deeply to be a CycloneDX BOM") from None
    if not isinstance(document, dict):
        raise InvalidInputError.one("file", f"holds a JSON {type(document).__name__}; a CycloneDX BOM is an object")
    return document


def _check_schema(document: dict[str, Any], version: SchemaVersion) -> None:
    try:
        problem = JsonValidator(version).validate_str(json.dumps(document))
    except RecursionError:
        raise InvalidInputError.one("file", "nests too deeply to be a CycloneDX BOM") from None
    if problem is None:
        return
    raw = problem.data  # jsonschema's error: where it is and why
    where = str(getattr(raw, "json_path", "$")).removeprefix("$").removeprefix(".") or "file"
    message = str(getattr(raw, "message", raw))
    raise InvalidInputError.one(where, f"breaks the CycloneDX {version.to_version()} schema: {message[:300]}")


def _timestamp(document: dict[str, Any]) -> datetime | None:
    text = (document.get("metadata") or {}).get("timestamp")
    return datetime.fromisoformat(text) if isinstance(text, str) else None  # the schema checked its format


def _cards(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(bom-ref, modelCard JSON) of every component with both, nested ones and metadata's included."""
    stack = list(document.get("components") or [])
    metadata = (document.get("metadata") or {}).get("component")
    if metadata is not None:
        stack.append(metadata)
    while stack:
        component = stack.pop()
        if isinstance(component.get("bom-ref"), str) and isinstance(component.get("modelCard"), dict):
            yield component["bom-ref"], component["modelCard"]
        stack.extend(component.get("components") or [])


def _nested_components(components: Iterable[Component]) -> Iterator[Component]:
    for component in components:
        yield component
        yield from _nested_components(component.components)


def _nested_services(services: Iterable[Service]) -> Iterator[Service]:
    for service in services:
        yield service
        yield from _nested_services(service.services)


def _label(item: Component | Service) -> str:
    return item.bom_ref.value or item.name


def _identifier(kind: IdentifierKind, value: str, where: str) -> AssetIdentifier:
    try:
        return AssetIdentifier(kind=kind, value=value)
    except ValidationError as error:
        reason = "; ".join(e["msg"].removeprefix("Value error, ") for e in error.errors())
        raise InvalidInputError.one(where, f"'{value[:100]}' is not a usable identifier: {reason}") from None


def _add_component(
    read: ReadBom, component: Component, cards: dict[str, dict[str, Any]], where: str, fallback: AssetKind | None
) -> None:
    kind = COMPONENT_KINDS.get(component.type, fallback)
    if kind is None:
        read.skipped += 1
        return
    ref = component.bom_ref.value
    identifiers = [_identifier(IdentifierKind.BOM_REF, ref, f"{where}.bom-ref")] if ref else []
    if component.purl is not None:
        identifiers.append(_identifier(IdentifierKind.PURL, component.purl.to_string(), f"{where}.purl"))
    name = f"{component.group}/{component.name}" if component.group else component.name
    card = cards.get(ref) if ref and kind is AssetKind.MODEL else None
    read.items.append(BomItem(where, kind, name, ref, identifiers, card))


def _add_service(read: ReadBom, service: Service) -> None:
    where = f"services[{_label(service)}]"
    ref = service.bom_ref.value
    identifiers = [_identifier(IdentifierKind.BOM_REF, ref, f"{where}.bom-ref")] if ref else []
    identifiers += [_identifier(IdentifierKind.URL, str(url), f"{where}.endpoints") for url in service.endpoints]
    # A service reached at endpoints is what Attestgraph calls an endpoint; one without, a service.
    kind = AssetKind.ENDPOINT if service.endpoints else AssetKind.SERVICE
    read.items.append(BomItem(where, kind, service.name, ref, identifiers))
