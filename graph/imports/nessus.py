"""Reading a Nessus scan export (`.nessus`, the `NessusClientData_v2` XML format) into plain values.

Only what the graph keeps is read: per `Report/ReportHost`, its name and the `HostProperties`
tags `host-fqdn`, `host-ip`, `netbios-name`, `HOST_START` and `HOST_END` (or the epoch
`HOST_END_TIMESTAMP` newer scanners add, preferred when present); per `ReportItem`, its port,
protocol, service, severity (0-4), plugin id and name, `cve` children and `cvss3_base_score`.
The `Policy` element is ignored. Nessus writes HOST_START/HOST_END as `Tue Nov 24 10:01:02 2026`
without a zone; they are read as UTC.

The XML is parsed by defusedxml with DTDs forbidden, so entity expansion (billion laughs) and
external entities are refused before anything is read; a file that is not XML, is truncated, or
whose root is not `NessusClientData_v2` (the v1 `NessusClientData` included) is refused too, each
with an error naming what was refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import fromstring

from graph.errors import FieldProblem, InvalidInputError
from graph.model import Severity
from graph.model.identifiers import is_ip_address

ROOT = "NessusClientData_v2"
SEVERITIES = (Severity.INFO, Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL)
_TEXT_TIME = "%a %b %d %H:%M:%S %Y"
_CVE = re.compile(r"^CVE-\d{4}-\d{4,}$")


@dataclass(frozen=True)
class NessusItem:
    """One `ReportItem`: what one plugin reported on one port of a host."""

    plugin: str
    name: str
    port: int
    protocol: str
    service: str
    severity: Severity
    cves: tuple[str, ...]
    cvss3: float | None


@dataclass(frozen=True)
class NessusHost:
    """One `ReportHost`: the name the scan gives it, what it learnt of it, and its items."""

    name: str
    fqdn: str | None
    ip: str | None
    netbios: str | None
    started_at: datetime | None
    ended_at: datetime  # when the scan of this host ended (shifted): its findings' time
    items: tuple[NessusItem, ...]

    @property
    def hostname(self) -> str | None:
        """The host's DNS name: its FQDN, else the ReportHost name when that is not an IP."""
        if self.fqdn:
            return self.fqdn
        return None if is_ip_address(self.name) else self.name

    @property
    def address(self) -> str | None:
        """The host's IP: `host-ip`, else the ReportHost name when that is one."""
        if self.ip:
            return self.ip
        return self.name if is_ip_address(self.name) else None


@dataclass(frozen=True)
class NessusScan:
    report: str  # the Report element's name
    hosts: tuple[NessusHost, ...]

    @property
    def ended_at(self) -> datetime:
        """The scan's last HOST_END."""
        return max(host.ended_at for host in self.hosts)


def parse_nessus(data: bytes, shift: timedelta = timedelta(0)) -> NessusScan:
    """Read a `.nessus` v2 file; every instant moved by `shift`. Anything not read as the
    format says is refused with `InvalidInputError`, naming where in the file and why."""
    root = _xml_root(data)
    if root.tag != ROOT:
        version = " (Nessus v1: export the scan as .nessus v2)" if root.tag == "NessusClientData" else ""
        raise InvalidInputError.one("file", f"root element is <{root.tag[:60]}>, not <{ROOT}>{version}")
    report = root.find("Report")
    if report is None:
        raise InvalidInputError.one("file.Report", "is missing: a .nessus v2 file holds one Report")
    problems: list[FieldProblem] = []
    hosts = []
    for index, element in enumerate(report.findall("ReportHost")):
        host = _host(element, f"Report.ReportHost[{index}]", shift, problems)
        if host is not None:
            hosts.append(host)
    if problems:
        raise InvalidInputError(problems[:50])
    if not hosts:
        raise InvalidInputError.one("file.Report", "has no ReportHost: the scan reached no host")
    return NessusScan(report=report.get("name", "").strip(), hosts=tuple(hosts))


def _xml_root(data: bytes) -> Element:
    try:
        root: Element = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DTDForbidden:
        raise InvalidInputError.one("file", _what_the_dtd_does(data)) from None
    except (EntitiesForbidden, ExternalReferenceForbidden) as refused:
        raise InvalidInputError.one("file", _refusal(refused)) from None
    except ParseError as error:
        reason = f"is not well-formed XML ({error}): not a .nessus file, or truncated"
        raise InvalidInputError.one("file", reason) from None
    return root


def _what_the_dtd_does(data: bytes) -> str:
    """Why a file with a DTD is refused, as precisely as a parse that stops at the first entity
    or external reference can tell (no entity is ever expanded, nothing outside is fetched)."""
    try:
        fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except (EntitiesForbidden, ExternalReferenceForbidden) as refused:
        return _refusal(refused)
    except ParseError:
        pass
    return "declares a DTD (<!DOCTYPE>): refused (a .nessus file has none)"


def _refusal(refused: EntitiesForbidden | ExternalReferenceForbidden) -> str:
    if isinstance(refused, ExternalReferenceForbidden):
        return f"references an external document ({str(refused.sysid)[:100]}): refused, nothing fetched"
    if refused.sysid or refused.pubid:
        target = str(refused.sysid or refused.pubid)[:100]
        return f"declares the external entity '{refused.name}' ({target}): refused (external entities are never read)"
    return f"declares the entity '{refused.name}': refused (entity expansion, e.g. billion laughs)"


def _host(element: Element, where: str, shift: timedelta, problems: list[FieldProblem]) -> NessusHost | None:
    name = (element.get("name") or "").strip()
    if not name:
        problems.append(FieldProblem(f"{where}.name", "is missing: every ReportHost names its host"))
        return None
    tags = {
        tag.get("name", ""): (tag.text or "").strip()
        for tag in element.findall("HostProperties/tag")
        if (tag.text or "").strip()
    }
    ended = _host_time(tags, "HOST_END", f"{where}.HostProperties", problems)
    started = _host_time(tags, "HOST_START", f"{where}.HostProperties", problems)
    ended = ended or started
    if ended is None:
        problems.append(FieldProblem(f"{where}.HostProperties", "has no HOST_END (nor HOST_START): no scan time"))
        return None
    items = [_item(item, f"{where}.ReportItem[{i}]", problems) for i, item in enumerate(element.findall("ReportItem"))]
    return NessusHost(
        name=name,
        fqdn=tags.get("host-fqdn"),
        ip=tags.get("host-ip"),
        netbios=tags.get("netbios-name"),
        started_at=started + shift if started else None,
        ended_at=ended + shift,
        items=tuple(item for item in items if item is not None),
    )


def _host_time(tags: dict[str, str], tag: str, where: str, problems: list[FieldProblem]) -> datetime | None:
    epoch = tags.get(f"{tag}_TIMESTAMP")
    if epoch is not None:
        try:
            return datetime.fromtimestamp(int(epoch), UTC)
        except (ValueError, OverflowError, OSError):
            problems.append(FieldProblem(f"{where}.{tag}_TIMESTAMP", f"'{epoch[:40]}' is not a Unix time in seconds"))
            return None
    text = tags.get(tag)
    if text is None:
        return None
    try:
        return datetime.strptime(" ".join(text.split()), _TEXT_TIME).replace(tzinfo=UTC)
    except ValueError:
        problems.append(FieldProblem(f"{where}.{tag}", f"'{text[:40]}' is not a time like 'Tue Nov 24 10:01:02 2026'"))
        return None


def _item(element: Element, where: str, problems: list[FieldProblem]) -> NessusItem | None:
    before = len(problems)
    plugin = (element.get("pluginID") or "").strip()
    if not plugin or len(plugin) > 100:
        problems.append(FieldProblem(f"{where}.pluginID", "is missing or longer than 100 characters"))
    port = _int(element.get("port"), 0, 65535, f"{where}.port", problems)
    severity = _int(element.get("severity"), 0, 4, f"{where}.severity", problems)
    cvss3 = None
    score = element.findtext("cvss3_base_score")
    if score is not None and score.strip():
        try:
            cvss3 = float(score)
        except ValueError:
            cvss3 = -1.0
        if not 0 <= cvss3 <= 10:
            problems.append(FieldProblem(f"{where}.cvss3_base_score", f"'{score[:20]}' is not a score from 0 to 10"))
    cves = tuple(dict.fromkeys(c.text.strip().upper() for c in element.findall("cve") if c.text and c.text.strip()))
    problems.extend(
        FieldProblem(f"{where}.cve", f"'{cve[:40]}' is not a CVE id like CVE-2024-3094")
        for cve in cves
        if not _CVE.match(cve)
    )
    if len(problems) > before or port is None or severity is None:
        return None
    name = " ".join((element.get("pluginName") or element.findtext("plugin_name") or "").split())
    return NessusItem(
        plugin=plugin,
        name=name[:500] or f"Nessus plugin {plugin}",
        port=port,
        protocol=(element.get("protocol") or "").strip().lower()[:20],
        service=(element.get("svc_name") or "").strip(),
        severity=SEVERITIES[severity],
        cves=cves,
        cvss3=cvss3,
    )


def _int(text: str | None, low: int, high: int, where: str, problems: list[FieldProblem]) -> int | None:
    try:
        value = int((text or "").strip())
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        problems.append(FieldProblem(where, f"'{(text or '')[:20]}' is not a whole number from {low} to {high}"))
        return None
    return value
