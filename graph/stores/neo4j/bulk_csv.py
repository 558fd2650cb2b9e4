"""The bulk path's CSV files: one header file and one data file per node group and relationship
type, each column typed (`name:long`, `name:datetime[]`...) as the online write stores the value,
for `neo4j-admin database import full` (tools/neo4j/import.sh).

Values: strings always quoted (a quote doubled), so an empty string stays one; an absent value
is an empty unquoted field (no property). Arrays are joined by ARRAY_DELIMITER, a control
character no bundle needs, and refused in an array element. Datetimes in UTC with microseconds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graph.errors import InvalidInputError
from graph.stores.neo4j.bulk_rows import BulkGraph, NodeGroup, RelGroup, unkeyed_ref

ARRAY_DELIMITER = "\x1f"  # the import tool's --array-delimiter=U+001F


@dataclass
class ImportFiles:
    """The import tool's arguments for the files written: `--nodes=...`, `--relationships=...`
    and the files that hold a line break inside a value (`--multiline-fields`)."""

    arguments: list[str] = field(default_factory=list)
    multiline: list[Path] = field(default_factory=list)


def _type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    if isinstance(value, datetime):
        return "datetime"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list) and value:
        kinds = {_type(item) for item in value}
        if len(kinds) == 1 and not next(iter(kinds)).endswith("[]"):
            return f"{kinds.pop()}[]"
    raise AssertionError(f"no CSV column type for {value!r}")  # the models hold nothing else


def _columns(rows: Iterable[dict[str, Any]]) -> dict[str, str]:
    columns: dict[str, str] = {}
    for row in rows:
        for name, value in row.items():
            if value is None:
                continue  # no property, as the online write leaves it out
            kind = _type(value)
            if columns.setdefault(name, kind) != kind:
                raise AssertionError(f"property {name} is stored as {columns[name]} and as {kind}")
    return columns


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _instant(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return _instant(value)
    return repr(value)  # int, float: Python's repr reads back exactly


def _field(value: Any, where: str) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        items = [_scalar(item) for item in value]
        if any(ARRAY_DELIMITER in item for item in items):
            raise InvalidInputError.one(
                where, "holds the character U+001F, which the bulk load cannot import; load without --bulk"
            )
        return _quoted(ARRAY_DELIMITER.join(items))
    return _quoted(value) if isinstance(value, str) else _scalar(value)


def _write(path: Path, header: list[str], lines: Iterable[list[str]]) -> bool:
    """Write the data file (header apart, in `path`.header.csv); True if a value spans lines."""
    path.with_suffix(".header.csv").write_text(",".join(header) + "\n", encoding="utf-8")
    multiline = False
    with path.open("w", encoding="utf-8", newline="") as out:
        for line in lines:
            text = ",".join(line)
            multiline = multiline or "\n" in text or "\r" in text
            out.write(text + "\n")
    return multiline


def _node_file(folder: Path, index: int, group: NodeGroup, files: ImportFiles) -> None:
    columns = _columns(group.rows)
    names = [name for name in columns if name != group.key]
    header = [f"{group.key}:ID({group.group})" if group.key else f":ID({group.group})"]
    header += [f"{name}:{columns[name]}" for name in names]
    key = group.key

    def lines() -> Iterable[list[str]]:
        for n, row in enumerate(group.rows):
            where = f"{group.group} '{row.get('id', n)}'"
            first = _quoted(row[key]) if key else _quoted(unkeyed_ref(group.group, n))
            yield [first, *(_field(row.get(name), f"{where}: {name}") for name in names)]

    path = folder / f"nodes-{index:02d}.csv"
    if _write(path, header, lines()):
        files.multiline.append(path)
    files.arguments.append(f"--nodes={':'.join(group.labels)}={path.with_suffix('.header.csv')},{path}")


def _rel_file(folder: Path, index: int, group: RelGroup, files: ImportFiles) -> None:
    columns = _columns(props for _s, _t, props in group.rows)
    header = [f":START_ID({group.source_group})", f":END_ID({group.target_group})"]
    header += [f"{name}:{kind}" for name, kind in columns.items()]

    def lines() -> Iterable[list[str]]:
        for source, target, props in group.rows:
            where = f"{group.type} {source} -> {target}"
            yield [_quoted(source), _quoted(target), *(_field(props.get(name), f"{where}: {name}") for name in columns)]

    path = folder / f"rels-{index:02d}.csv"
    if _write(path, header, lines()):
        files.multiline.append(path)
    files.arguments.append(f"--relationships={group.type}={path.with_suffix('.header.csv')},{path}")


def write_files(graph: BulkGraph, folder: Path) -> ImportFiles:
    """Write every node group and relationship type of `graph` into `folder` (which exists)."""
    files = ImportFiles()
    for index, group in enumerate(graph.nodes):
        _node_file(folder, index, group, files)
    for index, rel in enumerate(graph.rels):
        _rel_file(folder, index, rel, files)
    return files
