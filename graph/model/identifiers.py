"""Asset identifiers: the typed values other tools know an asset by (DESIGN.md "Asset").

An identifier is `{kind, value}`; its value is normalised per kind when the model is built, so two
spellings of one host, address or package are one identifier, and an identifier is unique across
assets by its `key` (`kind:value`). Normalisation (each refusal names the reason):

- `hostname`: lower-cased, surrounding space and a trailing dot dropped, non-ASCII labels as IDNA
  (`xn--`); labels of letters, digits, `-` and `_`, 1-63 characters, 253 in all; an IP is refused
  (use `ip`).
- `ip`: IPv4 or IPv6, as `ipaddress` writes it (IPv6 compressed, lower-case).
- `url`: a scheme and a host are required; scheme and host lower-cased, the scheme's default port
  and the fragment dropped, an empty http(s) path written `/`; credentials are refused.
- `arn`: `arn:partition:service:region:account:resource`, partition, service and resource non-empty.
- `purl`: a package URL, as `packageurl-python` writes it canonically.
- `bom_ref`: a CycloneDX bom-ref, opaque: kept exactly (not blank).
- `openlineage`: an OpenLineage dataset or job, `namespace#name` (split at the first `#`; the
  namespace has none), both parts non-empty, kept exactly (`openlineage_identifier` builds it).
"""

from __future__ import annotations

import ipaddress
import re
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from packageurl import PackageURL
from pydantic import BaseModel, ConfigDict, Field, model_validator

MAX_IDENTIFIER = 2000
_LABEL = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$")
_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443, "ftp": 21}


class IdentifierKind(StrEnum):
    HOSTNAME = "hostname"
    IP = "ip"
    URL = "url"
    ARN = "arn"
    PURL = "purl"
    BOM_REF = "bom_ref"
    OPENLINEAGE = "openlineage"


class AssetIdentifier(BaseModel):
    """One typed value an asset is known by; `value` is normalised for its kind."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: IdentifierKind = Field(description="What sort of value it is.")
    value: str = Field(min_length=1, max_length=MAX_IDENTIFIER, description="The value, normalised for its kind.")

    @model_validator(mode="before")
    @classmethod
    def _from_key(cls, data: Any) -> Any:
        # The stores keep an identifier as its key text (`kind:value`); read it back as the model.
        if isinstance(data, str):
            kind, sep, value = data.partition(":")
            if not sep:
                raise ValueError("an identifier is {kind, value} or the text 'kind:value'")
            return {"kind": kind, "value": value}
        return data

    @model_validator(mode="after")
    def _normalised(self) -> AssetIdentifier:
        normal = normalise(self.kind, self.value)
        if normal != self.value:
            object.__setattr__(self, "value", normal)  # frozen: set once, while being built
        return self

    @property
    def key(self) -> str:
        """The identifier as one text, unique across assets."""
        return f"{self.kind.value}:{self.value}"


def openlineage_identifier(namespace: str, name: str) -> AssetIdentifier:
    return AssetIdentifier(kind=IdentifierKind.OPENLINEAGE, value=f"{namespace}#{name}")


def normalise(kind: IdentifierKind, value: str) -> str:
    """The canonical text of `value` as an identifier of `kind`; ValueError naming the reason."""
    return _NORMALISERS[kind](value)


def _hostname(value: str) -> str:
    host = value.strip().rstrip(".").lower()
    if not host:
        raise ValueError("a host name is not empty")
    if is_ip_address(host):
        raise ValueError(f"{host!r} is an IP address: use kind 'ip'")
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise ValueError(f"{value!r} is not a valid host name ({error})") from None
    if len(host) > 253 or not all(_LABEL.match(label) for label in host.split(".")):
        raise ValueError(f"{value!r} is not a host name: labels of letters, digits, '-' and '_', 1-63 characters")
    return host


def is_ip_address(text: str) -> bool:
    """Whether `text` is an IPv4 or IPv6 address (as `ipaddress` reads one)."""
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _ip(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        raise ValueError(f"{value!r} is not an IPv4 or IPv6 address") from None


def _url(value: str) -> str:
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError as error:
        raise ValueError(f"{value!r} is not a URL ({error})") from None
    scheme, host = parts.scheme.lower(), parts.hostname
    if not scheme:
        raise ValueError(f"{value!r} is not a URL: it has no scheme")
    if not host:
        raise ValueError(f"{value!r} is not a URL with a host")
    if parts.username is not None or parts.password is not None:
        raise ValueError("a URL identifier never carries credentials")
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        netloc += f":{port}"
    path = parts.path or ("/" if scheme in ("http", "https") else "")
    return urlunsplit((scheme, netloc, path, parts.query, ""))


def _arn(value: str) -> str:
    parts = value.strip().split(":", 5)
    if len(parts) < 6 or parts[0].lower() != "arn":
        raise ValueError(f"{value!r} is not an ARN: arn:partition:service:region:account:resource")
    if not parts[1] or not parts[2] or not parts[5]:
        raise ValueError(f"{value!r} is not an ARN: partition, service and resource are required")
    return ":".join(["arn", *parts[1:]])


def _purl(value: str) -> str:
    try:
        return str(PackageURL.from_string(value.strip()).to_string())
    except ValueError as error:
        raise ValueError(f"{value!r} is not a package URL ({error})") from None


def _bom_ref(value: str) -> str:
    if not value.strip():
        raise ValueError("a bom-ref is not blank")
    return value


def _openlineage(value: str) -> str:
    namespace, sep, name = value.partition("#")
    if not sep or not namespace.strip() or not name.strip():
        raise ValueError(f"{value!r} is not an OpenLineage 'namespace#name' with both parts")
    return value


_NORMALISERS = {
    IdentifierKind.HOSTNAME: _hostname,
    IdentifierKind.IP: _ip,
    IdentifierKind.URL: _url,
    IdentifierKind.ARN: _arn,
    IdentifierKind.PURL: _purl,
    IdentifierKind.BOM_REF: _bom_ref,
    IdentifierKind.OPENLINEAGE: _openlineage,
}
