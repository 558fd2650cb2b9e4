"""The asset kind an identifier suggests, for an asset created because an import saw it:

- a host name, an IP address: `infrastructure`;
- a URL: `endpoint`;
- an ARN: by its service and resource: SageMaker `model/...` a `model`, `endpoint/...` an
  `endpoint`; S3 a `dataset`; anything else `infrastructure`;
- a purl: `pkg:huggingface/...` and `pkg:mlflow/...` a `model`; `pkg:github`, `pkg:gitlab`,
  `pkg:bitbucket` a `repository`; any other package (pypi, npm, oci, ...) a `service`;
- an OpenLineage namespace#name: a `dataset` (a job is a `pipeline`: its importer says so);
- a CycloneDX bom-ref: none (it is opaque; the importer knows the component's type).
"""

from __future__ import annotations

from graph.model import AssetIdentifier, AssetKind, IdentifierKind

_PURL_KINDS = {
    "huggingface": AssetKind.MODEL,
    "mlflow": AssetKind.MODEL,
    "github": AssetKind.REPOSITORY,
    "gitlab": AssetKind.REPOSITORY,
    "bitbucket": AssetKind.REPOSITORY,
}


def inferred_kind(identifier: AssetIdentifier) -> AssetKind | None:
    """The kind of asset an identifier alone suggests; None: it says nothing (a bom-ref)."""
    value = identifier.value
    match identifier.kind:
        case IdentifierKind.HOSTNAME | IdentifierKind.IP:
            return AssetKind.INFRASTRUCTURE
        case IdentifierKind.URL:
            return AssetKind.ENDPOINT
        case IdentifierKind.ARN:
            return _arn_kind(value)
        case IdentifierKind.PURL:
            purl_type = value.removeprefix("pkg:").split("/", 1)[0].lower()
            return _PURL_KINDS.get(purl_type, AssetKind.SERVICE)
        case IdentifierKind.OPENLINEAGE:
            return AssetKind.DATASET
        case _:
            return None


def _arn_kind(arn: str) -> AssetKind:
    _, _, service, _, _, resource = arn.split(":", 5)
    if service == "sagemaker" and resource.startswith("model/"):
        return AssetKind.MODEL
    if service == "sagemaker" and resource.startswith("endpoint/"):
        return AssetKind.ENDPOINT
    if service == "s3":
        return AssetKind.DATASET
    return AssetKind.INFRASTRUCTURE
