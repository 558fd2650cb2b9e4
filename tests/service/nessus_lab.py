"""The small lab the Nessus import tests scan (tests/data/imports/lab-scan-*.nessus).

The lab: CTL-VULN applies to the GPU node (known by its host name) and the web front (known by
its IP only); the training node is an asset outside the control's scope; 10.0.5.99 is no asset.
CTL-AUTO (automated) applies to the GPU node only.
"""

from __future__ import annotations

from pathlib import Path

from graph.bundle import Bundle
from graph.model import Finding, Label
from graph.store import GraphStore

SCANS = Path(__file__).resolve().parents[1] / "data" / "imports"
FIRST_SCAN = SCANS / "lab-scan-2026-11-02.nessus"
SECOND_SCAN = SCANS / "lab-scan-2026-11-16.nessus"

LAB = Bundle.model_validate(
    {
        "controls": [
            {"id": "CTL-VULN", "title": "Vulnerability scanning", "frequency": "monthly", "kind": "detective"},
            {"id": "CTL-AUTO", "title": "Automated GPU host scanning", "frequency": "weekly", "automated": True},
        ],
        "assets": [
            {
                "id": "srv-gpu",
                "kind": "infrastructure",
                "name": "GPU node",
                "identifiers": [{"kind": "hostname", "value": "gpu-node-01.lab.example"}],
            },
            {
                "id": "srv-web",
                "kind": "infrastructure",
                "name": "Web front",
                "identifiers": [{"kind": "ip", "value": "10.0.5.12"}],
            },
            {
                "id": "srv-train",
                "kind": "infrastructure",
                "name": "Training node",
                "identifiers": [{"kind": "hostname", "value": "train-02.lab.example"}],
            },
        ],
        "applies_to": [
            {"source": "CTL-VULN", "target": "srv-gpu"},
            {"source": "CTL-VULN", "target": "srv-web"},
            {"source": "CTL-AUTO", "target": "srv-gpu"},
        ],
    }
)


def findings_by_plugin(store: GraphStore) -> dict[tuple[str, str], list[Finding]]:
    """The stored findings per (asset, plugin), oldest occurrence first."""
    found: dict[tuple[str, str], list[Finding]] = {}
    for node in store.list_nodes(Label.FINDING, first=1000):
        assert isinstance(node, Finding)
        found.setdefault((node.asset, node.plugin), []).append(node)
    return {key: sorted(items, key=lambda f: f.first_seen) for key, items in found.items()}
