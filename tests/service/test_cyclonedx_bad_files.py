"""Files that are not an importable CycloneDX JSON BOM are refused with the field and the reason,
on both stores, and change nothing (the export before equals the export after): not JSON, an XML
BOM, truncated, a JSON array, nesting past any BOM's depth, the wrong bomFormat, spec versions
other than 1.5-1.7, a component breaking the schema, a BOM whose items are held by two assets, an
unknown control. One refusal each through HTTP (422, BAD_USER_INPUT) and the CLI (non-zero exit) as well."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from graph.access.audit import AuditDraft
from graph.errors import AttestgraphError
from graph.imports.registry import ImportFormat, ImportOptions, run_import
from graph.model import AssetIdentifier, IdentifierKind
from graph.store import GraphStore
from graph.stores.embedded import EmbeddedStore
from service.cli import app
from tests.service.conftest import LiveServer
from tests.service.test_cyclonedx_import import BOM, base_graph

GOOD: dict[str, Any] = json.loads(BOM)
XML_BOM = b"""<?xml version="1.0" encoding="UTF-8"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.6" version="1"
     serialNumber="urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79">
  <components><component type="machine-learning-model"><name>m</name></component></components>
</bom>
"""


def _with(**changes: Any) -> bytes:
    return json.dumps({**GOOD, **changes}).encode()


def _bad_component() -> bytes:
    document = json.loads(BOM)
    document["components"][0]["type"] = "robot"
    return json.dumps(document).encode()


def _two_holders() -> bytes:
    # The model's bom-ref is held by `other` while its purl is held by `mdl-credit`.
    document = json.loads(BOM)
    document["components"][0]["bom-ref"] = "held-by-other"
    document["dependencies"] = []
    return json.dumps(document).encode()


# (file, options, the field the error names, words of its reason)
CASES: dict[str, tuple[bytes, ImportOptions, str, str]] = {
    "not json": (b"Nessus scan follows\n<NessusClientData_v2/>", ImportOptions(), "file", "not JSON"),
    "xml bom": (XML_BOM, ImportOptions(), "file", "not JSON"),
    "truncated": (BOM[: len(BOM) // 2], ImportOptions(), "file", "truncated"),
    "array": (b"[" + BOM + b"]", ImportOptions(), "file", "object"),
    "deep nesting": (b"[" * 200_000 + b"]" * 200_000, ImportOptions(), "file", "nests too deeply"),
    "not utf-8": (b"\xff\xfe" + "{}".encode("utf-16-le"), ImportOptions(), "file", "UTF-8"),
    "wrong bomFormat": (_with(bomFormat="SPDX"), ImportOptions(), "bomFormat", "CycloneDX"),
    "spec 1.4": (_with(specVersion="1.4"), ImportOptions(), "specVersion", "1.5, 1.6, 1.7"),
    "spec 2.0": (_with(specVersion="2.0"), ImportOptions(), "specVersion", "not supported"),
    "schema": (_bad_component(), ImportOptions(), "components[0].type", "schema"),
    "two holders": (_two_holders(), ImportOptions(), "components[held-by-other]", "different assets"),
    "unknown control": (BOM, ImportOptions(control="NOPE", create_assets=True), "control", "NOPE"),
}


def _draft() -> AuditDraft:
    return AuditDraft(actor="test", role="admin", operation="import --cyclonedx", input_digest="0" * 64)


def test_every_bad_file_is_refused_naming_the_field_and_nothing_changes(store: GraphStore) -> None:
    base = base_graph()
    held = [AssetIdentifier(kind=IdentifierKind.BOM_REF, value="held-by-other")]
    assets = [a.model_copy(update={"identifiers": held}) if a.id == "other" else a for a in base.assets]
    store.write(base.model_copy(update={"assets": assets}))
    before = store.export()
    for name, (data, options, field, reason) in CASES.items():
        with pytest.raises(AttestgraphError) as refused:
            run_import(store, ImportFormat.CYCLONEDX, data, options, _draft())
        text = str(refused.value)
        assert field in text and reason in text, f"{name}: {text}"
    assert store.export() == before


def test_a_bad_file_over_http_is_a_400_naming_the_field(served: LiveServer) -> None:
    response = served.client.post(f"{served.url}/api/imports/cyclonedx", content=_with(specVersion="1.4"))
    assert response.status_code == 422, response.text
    assert response.json()["fields"] == [
        {"field": "specVersion", "reason": "'1.4' is not supported; Attestgraph imports 1.5, 1.6, 1.7"}
    ]
    assert "specVersion" in response.text and "1.5, 1.6, 1.7" in response.text


def test_a_bad_file_from_the_cli_fails_naming_the_field(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    store = EmbeddedStore(tmp_path / "data" / "attestgraph.sqlite3")
    store.write(base_graph())
    before = store.export()
    store.close()
    bad = tmp_path / "truncated.cdx.json"
    bad.write_bytes(BOM[:500])
    result = CliRunner().invoke(app, ["import", "--cyclonedx", str(bad), "--data-dir", str(tmp_path / "data")])
    assert result.exit_code != 0 and "file" in result.output and "truncated" in result.output
    store = EmbeddedStore(tmp_path / "data" / "attestgraph.sqlite3")
    assert store.export() == before
    store.close()
