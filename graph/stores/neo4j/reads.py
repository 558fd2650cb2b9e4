"""Cypher of the read side: every query need of `GraphStore`, answered inside Neo4j.

Texts are built once, at import, from the enums; values travel as parameters. The evidence rules
of DESIGN.md ("Semantics") are mirrored here in Cypher; `graph.rules.evaluation` is the Python original
and the differential tests hold the two to the same answers.
"""

from __future__ import annotations

from graph.model import ControlStatus, EvidenceStatus, Label, Rel
from graph.rules.evaluation import EvidenceState
from graph.stores.neo4j.schema import ORDER, endpoints

ACCEPTED = EvidenceStatus.ACCEPTED.value
PENDING = EvidenceStatus.PENDING.value
REJECTED = EvidenceStatus.REJECTED.value
IMPLEMENTED = ControlStatus.IMPLEMENTED.value
CARVED_OUT = ControlStatus.CARVED_OUT.value


def seek(var: str, label: str) -> str:
    """A planner hint: look `var` up in the id index. Without it a plan cached while the database
    was small may scan the label once per id (figures in bench/README.md)."""
    return f"USING INDEX {var}:{label}(id)"


# -- plain reads -------------------------------------------------------------------------------


def get_nodes(label: Label) -> str:
    return f"UNWIND $ids AS id MATCH (n:{label.value} {{id: id}}) {seek('n', label)} RETURN properties(n) AS props"


def list_nodes(label: Label) -> str:
    # Ordered by the order key (natural order of ids) through its range index; `$where` compares
    # typed values with `=`, keys checked against the model beforehand.
    return (
        f"MATCH (n:{label.value}) WHERE n.{ORDER} > $after "
        "AND all(key IN keys($where) WHERE n[key] = $where[key]) "
        f"RETURN properties(n) AS props ORDER BY n.{ORDER} LIMIT $first"
    )


def count_nodes(label: Label, filtered: bool) -> str:
    if not filtered:  # answered from the count store
        return f"MATCH (n:{label.value}) RETURN count(n) AS n"
    return f"MATCH (n:{label.value}) WHERE all(key IN keys($where) WHERE n[key] = $where[key]) RETURN count(n) AS n"


def related(rel: Rel, reverse: bool) -> str:
    source, target = endpoints(rel)
    if reverse:
        return (
            f"UNWIND $ids AS id MATCH (n:{target} {{id: id}})<-[:{rel.value}]-(o:{source}) {seek('n', target)} "
            "RETURN id, collect(o.id) AS others"
        )
    return (
        f"UNWIND $ids AS id MATCH (n:{source} {{id: id}})-[:{rel.value}]->(o:{target}) {seek('n', source)} "
        "RETURN id, collect(o.id) AS others"
    )


def export_nodes(label: Label) -> str:
    return f"MATCH (n:{label.value}) RETURN properties(n) AS props"


def export_edges(rel: Rel) -> str:
    source, target = endpoints(rel)
    return (
        f"MATCH (s:{source})-[r:{rel.value}]->(t:{target}) "
        "RETURN s.id AS source, t.id AS target, properties(r) AS props"
    )


FRAMEWORK_CRITERIA = (
    f"MATCH (f:{Label.FRAMEWORK} {{id: $framework}})<-[:{Rel.PART_OF}]-(c:{Label.CRITERION}) "
    f"{seek('f', Label.FRAMEWORK)} RETURN properties(c) AS props ORDER BY c.{ORDER}"
)

SATISFYING_CONTROLS = (
    f"UNWIND $ids AS id MATCH (k:{Label.CRITERION} {{id: id}})<-[:{Rel.SATISFIES}]-(c:{Label.CONTROL}) "
    f"{seek('k', Label.CRITERION)} WITH id, c ORDER BY c.{ORDER} RETURN id, collect(properties(c)) AS controls"
)

_MAPPING = (
    "startNode(m).id AS source, endNode(m).id AS target, m.relationship AS relationship, "
    "m.strength AS strength, m.rationale AS rationale"
)

MAPPINGS_TOUCHING = (
    f"UNWIND $ids AS id MATCH (k:{Label.CRITERION} {{id: id}})-[m:{Rel.MAPS_TO}]-(:{Label.CRITERION}) "
    f"{seek('k', Label.CRITERION)} WITH DISTINCT m RETURN {_MAPPING}"
)

# Either orientation; with a == b an edge inside the framework is found from both ends, hence DISTINCT.
MAPPINGS_BETWEEN = (
    f"MATCH (a:{Label.FRAMEWORK} {{id: $a}})<-[:{Rel.PART_OF}]-(s:{Label.CRITERION})"
    f"-[m:{Rel.MAPS_TO}]-(t:{Label.CRITERION})-[:{Rel.PART_OF}]->(:{Label.FRAMEWORK} {{id: $b}}) "
    f"{seek('a', Label.FRAMEWORK)} WITH DISTINCT m RETURN {_MAPPING}"
)

# Evidence that a correction supersedes counts for nothing (graph/checks/evidence_immutability.py). SUPERSEDES only
# ever joins evidence to evidence, so the other end's label is not checked: the test is then a
# degree lookup instead of an expansion with a label check per relationship.
CURRENT = f"NOT EXISTS {{ (e)<-[:{Rel.SUPERSEDES}]-() }}"

# -- dependency closure (blast radius: graph/stores/neo4j/radius.py) -----------------------------


# An engagement's boundary: `*0..` keeps the listed assets; DISTINCT right after the expansion
# lets the planner prune it breadth-first (each asset visited once, as `radius.dependents`).
DEPENDENCY_CLOSURE = (
    f"UNWIND $ids AS id MATCH (a:{Label.ASSET} {{id: id}}) {seek('a', Label.ASSET)} "
    f"MATCH (a)-[:{Rel.DEPENDS_ON}*0..]->(b:{Label.ASSET}) RETURN DISTINCT b.id AS id"
)


# An accepted current item of control c valid at $at and collected at or before it.
_VALID_AT = (
    f"e.status = '{ACCEPTED}' AND e.collected_at <= $at AND {CURRENT} "
    "AND $at < coalesce(e.valid_until, e.collected_at + duration({days: $freqDays[c.frequency]}))"
)


def _change_around(pick: str, better: str) -> str:
    """Of asset a's change instants (`change_times`, graph/stores/neo4j/changes.py), the one that
    `pick`s (compared to $at) and is `better` than the others so far; null: none."""
    return (
        "reduce(m = null, t IN coalesce(a.change_times, []) | "
        f"CASE WHEN t {pick} $at AND (m IS NULL OR t {better} m) THEN t ELSE m END)"
    )


# changed_at(a, $at): the latest change at or before $at; and the earliest after it.
CHANGED_AT = _change_around("<=", ">")
NEXT_CHANGE = _change_around(">", "<")
# Not stale for a at $at: no change of a after the evidence was collected and at or before $at.
_FRESH = f"NOT coalesce(e.collected_at < {CHANGED_AT}, false)"


# impact's two reads of the touched assets' evidence at $at, in one: per (item, control), the
# assets of `$ids` its control applies to for which it is valid at $at and not stale there
# (`_FRESH`), collected at or before $at (`now`: at $at itself); an item's assets as one list (a
# record per (item, asset) made the transfer, not the query, most of the time: 42k records for
# the hub at M). Those collected before $at are the evidence a change at $at makes stale; and a
# pair OK at $at only by them is one that change turns stale (`graph.rules.change_window`: OK
# turns stale, the rest stays; an item of $at keeps it OK). Two halves, each linear in what it
# reads: unscoped items are read once per control and paired with the control's touched assets;
# scoped items are reached from each touched asset. The halves are disjoint (items without
# COVERS, items with).
_FRESH_ROW = "RETURN e.id AS evidence, c.id AS control, e.collected_at = $at AS now, collect(a.id) AS assets"
FRESH_AT = f"""
UNWIND $ids AS id
MATCH (a:{Label.ASSET} {{id: id}})<-[:{Rel.APPLIES_TO}]-(c:{Label.CONTROL}) {seek("a", Label.ASSET)}
WITH c, collect(a) AS assets
MATCH (c)<-[:{Rel.EVIDENCES}]-(e:{Label.EVIDENCE})
WHERE NOT EXISTS {{ (e)-[:{Rel.COVERS}]->() }} AND {_VALID_AT}
UNWIND assets AS a
WITH e, c, a WHERE {_FRESH}
{_FRESH_ROW}
UNION ALL
UNWIND $ids AS id
MATCH (a:{Label.ASSET} {{id: id}}) {seek("a", Label.ASSET)}
// The few controls applying to the asset, as a list: checking membership there is far cheaper
// than an APPLIES_TO lookup from a control applying to thousands of assets.
WITH a, COLLECT {{ MATCH (a)<-[:{Rel.APPLIES_TO}]-(x:{Label.CONTROL}) RETURN x }} AS applying
MATCH (a)<-[:{Rel.COVERS}]-(e:{Label.EVIDENCE})-[:{Rel.EVIDENCES}]->(c:{Label.CONTROL})
WHERE c IN applying AND {_VALID_AT} AND {_FRESH}
{_FRESH_ROW}
"""

# -- evidence states ------------------------------------------------------------------------------
#
# Per (control, asset) pair the evidence in scope is folded into four instants, as
# `graph.rules.evaluation.fold` does: the newest valid `collected_at`, the latest end (expiry)
# of expired accepted evidence, the latest pending and the latest rejected `collected_at`; the
# state is then the first reason that holds. Each evidence row is reduced to one (kind, instant)
# pair and the folding is a `max` grouped by kind, which keeps the per-row work small. Evidence
# without COVERS speaks for every asset, so it is folded once per control (`u*`) and merged with
# each asset's scoped evidence (`s*`); a control applying to no asset folds all of it (`all*`).
# The ends of EVIDENCES, COVERS and APPLIES_TO are fixed by the schema (graph.model.EDGE_ENDPOINTS),
# so their labels are not checked again: a label check is a database hit per row.

_VALID, _EXPIRED, _PENDING, _REJECTED = 0, 1, 2, 3
# Over `status`, `collected` and `expiry` of one item, read once per item.
_KIND = (
    f"CASE status WHEN '{ACCEPTED}' THEN CASE WHEN $at < expiry THEN {_VALID} ELSE {_EXPIRED} END "
    f"WHEN '{PENDING}' THEN {_PENDING} WHEN '{REJECTED}' THEN {_REJECTED} END"
)
_INSTANT = f"CASE WHEN status = '{ACCEPTED}' AND expiry <= $at THEN expiry ELSE collected END"
# The instants at which the item changes the answer, the latest at or before $at and the earliest
# after it: it starts to exist at `collected`, an accepted one stops being valid at `expiry`.
_BELOW = (
    f"CASE WHEN collected > $at THEN null "
    f"WHEN status = '{ACCEPTED}' AND collected < expiry AND expiry <= $at THEN expiry ELSE collected END"
)
_ABOVE = f"CASE WHEN collected > $at THEN collected WHEN status = '{ACCEPTED}' AND $at < expiry THEN expiry END"
_PARTS = {"Valid": _VALID, "Expired": _EXPIRED, "Pend": _PENDING, "Rej": _REJECTED}


def _pivot(prefix: str, extra: str = "") -> str:
    """The four instants out of rows of (kind, latest), optionally restricted by `extra`."""
    cond = f"{extra} AND " if extra else ""
    return ", ".join(
        f"max(CASE WHEN {cond}kind = {kind} THEN latest END) AS {prefix}{part}" for part, kind in _PARTS.items()
    )


def _later(a: str, b: str) -> str:
    return f"CASE WHEN {a} IS NULL OR {b} > {a} THEN {b} ELSE {a} END"


def _merged(part: str) -> str:
    return f"CASE WHEN a IS NULL THEN all{part} ELSE {_later('u' + part, 's' + part)} END AS {part.lower()}"


# DESIGN.md "Findings" (graph/rules/findings.py): per (control, asset) pair of a live control
# with a policy (`$limits`: control id -> severity -> days, read apart as Neo4j keeps the policy
# as JSON text), the oldest finding on the asset overdue at $at (`worst`: [id, first_seen]) and
# the edges of the overdue windows `[first_seen + limit + 1 µs, fixed_at)` around $at. Always one
# row: the aggregation has no grouping key.
_OVERDUE = f"""CALL (c, a, live) {{
  WITH a, $limits[c.id] AS policy WHERE live AND policy IS NOT NULL AND a IS NOT NULL
  MATCH (a)<-[:{Rel.AFFECTS}]-(f)
  WITH f, policy[f.severity] AS days WHERE days IS NOT NULL
  WITH f, f.first_seen + duration({{days: days, microseconds: 1}}) AS start, f.fixed_at AS fixed
  WITH f, start, fixed WHERE fixed IS NULL OR start < fixed
  WITH f, start, fixed, start <= $at AND (fixed IS NULL OR $at < fixed) AS overdue
  ORDER BY f.first_seen, f.{ORDER}
  RETURN head(collect(CASE WHEN overdue THEN [f.id, f.first_seen] END)) AS worst,
         max(CASE WHEN overdue THEN start WHEN fixed <= $at THEN fixed END) AS fLo,
         min(CASE WHEN $at < start THEN start WHEN overdue THEN fixed END) AS fHi
}}"""

_STATES = f"""
WITH c, duration({{days: $freqDays[c.frequency]}}) AS span, c.status = '{IMPLEMENTED}' AS live
CALL (c, span, live) {{
  // Each current item read once, with the assets it covers (a null asset: it covers none),
  // also those collected after $at: they bound the interval `[eLo, eHi)` around $at in which no
  // item starts, stops being valid or expires. Folded per (covered asset, kind).
  OPTIONAL MATCH (c)<-[:{Rel.EVIDENCES}]-(e)
  WHERE live AND {CURRENT}
  WITH e, e.status AS status, e.collected_at AS collected, coalesce(e.valid_until, e.collected_at + span) AS expiry
  WITH e, CASE WHEN collected <= $at THEN {_KIND} END AS kind, {_INSTANT} AS instant,
       {_BELOW} AS below, {_ABOVE} AS above
  OPTIONAL MATCH (e)-[:{Rel.COVERS}]->(x)
  WITH x, kind, max(instant) AS latest, max(below) AS below, min(above) AS above
  RETURN {_pivot("u", "x IS NULL")}, {_pivot("all")}, max(below) AS eLo, min(above) AS eHi,
         collect(CASE WHEN x IS NOT NULL AND kind IS NOT NULL THEN [x, kind, latest] END) AS scoped
}}
CALL (c, scoped) {{
  // One row per asset the control applies to (a null asset if none) and one per (asset, kind)
  // of its scoped items; grouping by asset joins them, keeping the assets the control applies
  // to (`applied`).
  CALL (c, scoped) {{
    MATCH (c)-[:{Rel.APPLIES_TO}]->(a)
    RETURN a, 1 AS applied, null AS kind, null AS latest
    UNION ALL
    WITH c WHERE NOT EXISTS {{ (c)-[:{Rel.APPLIES_TO}]->() }}
    RETURN null AS a, 1 AS applied, null AS kind, null AS latest
    UNION ALL
    UNWIND scoped AS row
    RETURN row[0] AS a, 0 AS applied, row[1] AS kind, row[2] AS latest
  }}
  WITH a, max(applied) AS applied, {_pivot("s")}
  WHERE applied = 1
  RETURN a, sValid, sExpired, sPend, sRej
}}
{_OVERDUE}
WITH c, a, live, eLo, eHi, worst, fLo, fHi,
     {_merged("Valid")}, {_merged("Expired")}, {_merged("Pend")}, {_merged("Rej")},
     CASE WHEN a IS NULL THEN null WHEN a.id IN $assumed THEN $assumedAt ELSE {CHANGED_AT} END AS changed,
     CASE WHEN a IS NULL OR a.id IN $assumed THEN null ELSE {NEXT_CHANGE} END AS nextChange
WITH c, a, live, eLo, eHi, worst,
     CASE WHEN fHi IS NOT NULL AND (nextChange IS NULL OR fHi < nextChange) THEN fHi ELSE nextChange END AS cHi,
     {_later("CASE WHEN changed <= $at THEN changed END", "fLo")} AS cLo,
     CASE
       WHEN worst IS NOT NULL THEN '{EvidenceState.OPEN_FINDINGS}'
       WHEN valid IS NOT NULL AND NOT (changed IS NOT NULL AND valid < changed AND changed <= $at)
         THEN '{EvidenceState.OK}'
       WHEN valid IS NOT NULL THEN '{EvidenceState.STALE}'
       WHEN expired IS NOT NULL THEN '{EvidenceState.EXPIRED}'
       WHEN pend IS NOT NULL THEN '{EvidenceState.PENDING_REVIEW}'
       WHEN rej IS NOT NULL THEN '{EvidenceState.REJECTED}'
       ELSE '{EvidenceState.NEVER_COLLECTED}'
     END AS state,
     CASE
       WHEN worst IS NOT NULL THEN worst[1]
       WHEN valid IS NOT NULL THEN changed
       WHEN expired IS NOT NULL THEN expired
       WHEN pend IS NOT NULL THEN pend
       ELSE rej
     END AS since
"""

_FAILING = [state for state in EvidenceState if state is not EvidenceState.OK]


def _micros(instant: str) -> str:
    """An instant as microseconds since the epoch (null stays null): cheaper for the driver."""
    return f"({instant}).epochSeconds * 1000000 + ({instant}).nanosecond / 1000"


# `[lo, hi)`: the instants around $at between which the answer of the control stays the same
# (null: unbounded), from its evidence and its assets' change instants around $at; graph/stores/neo4j/memo.py.
_INTERVAL = (
    f"{_micros('CASE WHEN eLo IS NULL OR cLo > eLo THEN cLo ELSE eLo END')} AS lo, "
    f"{_micros('CASE WHEN eHi IS NULL OR cHi < eHi THEN cHi ELSE eHi END')} AS hi"
)

# One row per control: its status, how many assets it applies to, failing pairs per reason.
CONTROL_VERDICTS = (
    f"UNWIND $ids AS id MATCH (c:{Label.CONTROL} {{id: id}}) {seek('c', Label.CONTROL)}"
    + _STATES
    + "WITH c, live, eLo, eHi, max(cLo) AS cLo, min(cHi) AS cHi, count(a) AS assets, "
    + ", ".join(f"sum(CASE WHEN live AND state = '{s}' THEN 1 ELSE 0 END) AS {s}" for s in _FAILING)
    + f" RETURN c.id AS id, c.status AS status, assets, {', '.join(_FAILING)}, {_INTERVAL}"
)

# One row per implemented control among `$ids`: its failing (control, asset) pairs as
# [asset, state, since in microseconds], in natural order of asset, and its interval.
CONTROL_STATES_OF = (
    f"UNWIND $ids AS id MATCH (c:{Label.CONTROL} {{id: id}}) {seek('c', Label.CONTROL)} "
    f"WHERE c.status = '{IMPLEMENTED}'"
    + _STATES
    + f"""WITH c, eLo, eHi, a, state, since, worst, cLo, cHi ORDER BY a.{ORDER}
WITH c, eLo, eHi, max(cLo) AS cLo, min(cHi) AS cHi,
     collect(CASE WHEN state <> '{EvidenceState.OK}' THEN [a.id, state, {_micros("since")}, worst[0]] END) AS rows
RETURN c.id AS control, rows, {_INTERVAL}"""
)

# The controls missing evidence can name: implemented and carved-out ones.
IMPLEMENTED_CONTROLS = (
    f"MATCH (c:{Label.CONTROL}) WHERE c.status IN ['{IMPLEMENTED}', '{CARVED_OUT}'] "
    f"RETURN c.id AS id ORDER BY c.{ORDER}"
)

# One row per carved-out control among `$ids` (DESIGN.md "Carved-out control"): each vendor it
# relies on whose report is not valid at $at (valid: `report_valid_until > $at`) as
# [vendor, state, since in microseconds] in natural order of vendor, and `[lo, hi)` around $at
# bounded by the vendors' `report_valid_until`, the only instants where the answer moves.
CARVED_OUT_STATES_OF = (
    f"UNWIND $ids AS id MATCH (c:{Label.CONTROL} {{id: id}}) {seek('c', Label.CONTROL)} "
    f"WHERE c.status = '{CARVED_OUT}' "
    f"WITH c, COUNT {{ (c)-[:{Rel.APPLIES_TO}]->() }} AS assets "
    f"OPTIONAL MATCH (c)-[:{Rel.RELIES_ON}]->(v) "
    f"WITH c, assets, v, v.report_valid_until AS until ORDER BY v.{ORDER} "
    "WITH c, assets, "
    "collect(CASE WHEN v IS NOT NULL AND (until IS NULL OR until <= $at) THEN "
    f"[v.id, CASE WHEN until IS NULL THEN '{EvidenceState.VENDOR_REPORT_MISSING}' "
    f"ELSE '{EvidenceState.VENDOR_REPORT_EXPIRED}' END, {_micros('until')}] END) AS rows, "
    "max(CASE WHEN until <= $at THEN until END) AS lo, min(CASE WHEN until > $at THEN until END) AS hi "
    f"RETURN c.id AS control, assets, rows, {_micros('lo')} AS lo, {_micros('hi')} AS hi"
)
