"""Reading .nessus v2 files (graph/imports/nessus.py): hosts, their names and times, items and
their severities, CVEs and CVSS v3 scores, and refusals that name where and why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from graph.errors import InvalidInputError
from graph.imports.nessus import parse_nessus
from graph.model import Severity
from tests.service.nessus_lab import FIRST_SCAN

HEAD = b'<?xml version="1.0" ?><NessusClientData_v2><Report name="r">'
TAIL = b"</Report></NessusClientData_v2>"


def test_hosts_names_times_and_items_are_read_as_the_format_says() -> None:
    scan = parse_nessus(FIRST_SCAN.read_bytes())
    assert scan.report == "Lab monthly scan"
    gpu, web, train, stray = scan.hosts
    assert (gpu.hostname, gpu.address) == ("gpu-node-01.lab.example", "10.0.5.11")
    assert (web.hostname, web.address) == (None, "10.0.5.12")  # no host-fqdn, named by its IP
    assert gpu.ended_at == datetime(2026, 11, 2, 9, 14, 41, tzinfo=UTC)
    assert train.ended_at == datetime(2026, 11, 2, 9, 40, tzinfo=UTC)  # HOST_END_TIMESTAMP wins over the text
    assert train.netbios == "TRAIN-02" and stray.hostname is None
    assert scan.ended_at == train.ended_at
    info, ssh, openssh, nvidia = gpu.items
    assert (info.port, info.severity, info.plugin) == (0, Severity.INFO, "19506")
    assert (openssh.name, openssh.service, openssh.cvss3) == ("OpenSSH < 9.6 Multiple Vulnerabilities", "ssh", 6.5)
    assert openssh.cves == ("CVE-2023-48795", "CVE-2023-51384", "CVE-2023-51385")
    assert nvidia.severity is Severity.CRITICAL and nvidia.cves[-1] == "CVE-2024-0149"  # upper-cased
    assert [i.severity for i in train.items] == [Severity.CRITICAL, Severity.LOW]
    assert ssh.cvss3 is None and ssh.cves == ()


def test_every_instant_is_moved_by_the_shift() -> None:
    shifted = parse_nessus(FIRST_SCAN.read_bytes(), timedelta(days=3))
    assert shifted.hosts[0].ended_at == datetime(2026, 11, 5, 9, 14, 41, tzinfo=UTC)
    assert shifted.hosts[2].ended_at == datetime(2026, 11, 5, 9, 40, tzinfo=UTC)


@pytest.mark.parametrize(
    ("host", "problem"),
    [
        (b'<ReportHost name="h.example"><HostProperties/></ReportHost>', "Report.ReportHost[0].HostProperties: has no"),
        (
            b'<ReportHost name="h.example"><HostProperties><tag name="HOST_END">yesterday</tag></HostProperties>'
            b"</ReportHost>",
            "Report.ReportHost[0].HostProperties.HOST_END: 'yesterday' is not a time",
        ),
        (
            b'<ReportHost name="h.example"><HostProperties><tag name="HOST_END">Mon Nov  2 09:14:41 2026</tag>'
            b'</HostProperties><ReportItem port="99999" severity="2" pluginID="1" pluginName="x"/></ReportHost>',
            "Report.ReportHost[0].ReportItem[0].port: '99999' is not a whole number from 0 to 65535",
        ),
        (
            b'<ReportHost name="h.example"><HostProperties><tag name="HOST_END">Mon Nov  2 09:14:41 2026</tag>'
            b'</HostProperties><ReportItem port="1" severity="2" pluginID="1" pluginName="x">'
            b"<cve>Log4Shell</cve><cvss3_base_score>11</cvss3_base_score></ReportItem></ReportHost>",
            "ReportItem[0].cvss3_base_score: '11' is not a score from 0 to 10",
        ),
        (b"", "file.Report: has no ReportHost"),
    ],
)
def test_a_malformed_host_or_item_is_refused_naming_where(host: bytes, problem: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        parse_nessus(HEAD + host + TAIL)
    assert problem in str(refused.value)


def test_a_v2_root_without_a_report_and_a_plain_dtd_are_refused() -> None:
    with pytest.raises(InvalidInputError, match=r"file\.Report: is missing"):
        parse_nessus(b"<NessusClientData_v2><Policy/></NessusClientData_v2>")
    with pytest.raises(InvalidInputError, match=r"file: declares a DTD"):
        parse_nessus(b"<!DOCTYPE NessusClientData_v2 []>" + HEAD + TAIL)
