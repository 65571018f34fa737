"""Named SPARQL helpers: one ``.rq`` file per question, in ``kopa_graph/query/rq/``.

Each file starts with a header of ``# key: value`` lines::

    # title: Pilots of a municipality
    # description: Which pilots a municipality takes part in.
    # param: municipality | string | - | Borgå | Swedish or Finnish name, or the code
    # column: pilot | the pilot's IRI

``param`` is name | type (string, iri, integer) | default (``-`` for required,
``?`` for optional and unbound) | example | description. Parameter values are
bound to the query's variables of the same name (initial bindings), never
pasted into the query text. Data IRIs are written under the default base
``https://w3id.org/kopa/id/`` and moved to the configured base before the
query runs.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.query import Result
from rdflib.term import Node

from kopa_graph.query.evaluate import Prepared, QueryError, run_sparql, select_rows
from kopa_graph.query.sandbox import Isolation
from kopa_graph.settings import DEFAULT_BASE_IRI, Settings

DEFAULT_ID_BASE = DEFAULT_BASE_IRI + "id/"
PARAM_TYPES = ("string", "iri", "integer")
_HEADER_RE = re.compile(r"^#\s*(title|description|param|column):\s*(.*)$")


class UnknownHelper(QueryError):
    """No query helper has that name."""


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: str | None  # None: required; "" (written '?'): optional, left unbound
    example: str
    description: str

    @property
    def required(self) -> bool:
        return self.default is None


@dataclass(frozen=True)
class Helper:
    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    columns: tuple[tuple[str, str], ...]
    text: str


def _parse(name: str, text: str) -> Helper:
    fields: dict[str, list[str]] = {"title": [], "description": [], "param": [], "column": []}
    for line in text.splitlines():
        m = _HEADER_RE.match(line)
        if m:
            fields[m.group(1)].append(m.group(2).strip())
        elif line.strip() and not line.startswith("#"):
            break
    params = []
    for p in fields["param"]:
        parts = [x.strip() for x in p.split("|")]
        if len(parts) != 5 or parts[1] not in PARAM_TYPES:
            raise ValueError(f"{name}.rq: bad param line {p!r}: name | type | default | example | description")
        default = None if parts[2] == "-" else "" if parts[2] == "?" else parts[2]
        params.append(Param(parts[0], parts[1], default, parts[3], parts[4]))
    columns = []
    for c in fields["column"]:
        col, _, desc = c.partition("|")
        columns.append((col.strip(), desc.strip()))
    if not fields["title"] or not fields["description"] or not columns:
        raise ValueError(f"{name}.rq: the header needs title, description and at least one column")
    return Helper(name, fields["title"][0], " ".join(fields["description"]), tuple(params), tuple(columns), text)


@lru_cache(maxsize=1)
def helpers() -> dict[str, Helper]:
    """Every named helper, by name."""
    folder = resources.files("kopa_graph.query") / "rq"
    out = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            name = entry.name[:-3]
            out[name] = _parse(name, entry.read_text(encoding="utf-8"))
    return out


def helper(name: str) -> Helper:
    found = helpers().get(name)
    if found is None:
        near = difflib.get_close_matches(name, list(helpers()), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        raise UnknownHelper(f"no query helper named {name!r}{hint} (kopa-graph query --list shows them all)")
    return found


def _value(h: Helper, p: Param, raw: object) -> Node:
    text = str(raw)
    if p.type == "integer":
        if not re.fullmatch(r"[+-]?[0-9]{1,18}", text):  # ASCII digits, and few enough to be a number a query uses
            raise QueryError(f"{h.name}: parameter {p.name!r} must be a whole number of at most 18 digits, "
                             f"got {text[:40]!r}{'…' if len(text) > 40 else ''}")
        return Literal(int(text))
    if p.type == "iri":
        if not re.fullmatch(r"[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`]*", text):
            raise QueryError(f"{h.name}: parameter {p.name!r} must be an IRI, got {text!r}")
        return URIRef(text)
    return Literal(text)


def param_summary(p: Param) -> str:
    """A parameter in a few words: its type and whether it must be given (``string, required``)."""
    need = "required" if p.required else f"default {p.default}" if p.default else "optional"
    return f"{p.type}, {need}"


def example_command(h: Helper) -> str:
    """A command that runs ``h`` with the example value of each parameter the header gives one for."""
    import shlex

    given = " ".join(f"-p {shlex.quote(f'{p.name}={p.example}')}" for p in h.params if p.example)
    return f"kopa-graph query {h.name}" + (f" {given}" if given else "")


def helper_help(h: Helper) -> str:
    """What ``kopa-graph query NAME --help`` shows: the helper's title and description, each parameter with its
    type, whether it is required and its meaning, the columns of its answer, and an example command."""
    import textwrap

    width = max([len(p.name) for p in h.params] + [len(c) for c, _ in h.columns])
    lines = [f"Usage: kopa-graph query {h.name}" + " [-p KEY=VALUE]..." * bool(h.params) + " [OPTIONS]", "",
             textwrap.fill(f"{h.title}. {h.description}", 78, initial_indent="  ", subsequent_indent="  "), ""]
    lines.append("Parameters (-p KEY=VALUE):" if h.params else "Parameters: none")
    for p in h.params:
        lines.append(textwrap.fill(f"{p.name.ljust(width)}  {param_summary(p)}: {p.description} (example: "
                                   f"{p.example})", 78, initial_indent="  ", subsequent_indent=" " * (width + 4)))
    lines += ["", "Columns:"] + [textwrap.fill(f"{c.ljust(width)}  {d}", 78, initial_indent="  ",
                                               subsequent_indent=" " * (width + 4)) for c, d in h.columns]
    lines += ["", "Example:", f"  {example_command(h)}", "",
              "Options (--format, --lang, --data, --graph, ...): kopa-graph query --help"]
    return "\n".join(lines) + "\n"


def helper_listing() -> str:
    """What ``kopa-graph query --list`` shows: each helper's name and title, then its parameters."""
    width = max(len(n) for n in helpers())
    lines = []
    for h in helpers().values():
        lines.append(f"{h.name.ljust(width)}  {h.title}")
        params = ", ".join(f"{p.name}=<{p.type}>" + ("" if p.required else " (optional)") for p in h.params)
        lines.append(f"{''.ljust(width)}    -p {params}" if params else f"{''.ljust(width)}    no parameters")
    return "\n".join(lines) + "\n"


def bindings(h: Helper, params: dict[str, object]) -> dict[str, Node]:
    """Typed initial bindings for ``params``; errors name the parameter and show the expected ones."""
    known = {p.name: p for p in h.params}
    expected = ", ".join(f"{p.name} ({p.type}{'' if p.required else ', optional'})" for p in h.params) or "none"
    for key in params:
        if key not in known:
            raise QueryError(f"{h.name}: unknown parameter {key!r}; it takes: {expected}")
    out: dict[str, Node] = {}
    for p in h.params:
        if p.name in params:
            out[p.name] = _value(h, p, params[p.name])
        elif p.required:
            raise QueryError(f"{h.name}: missing parameter {p.name!r} ({p.description}, for example "
                             f"-p {p.name}={p.example}); it takes: {expected}")
        elif p.default:
            out[p.name] = _value(h, p, p.default)
    return out


def rebase(text: str, settings: Settings) -> str:
    return text.replace(DEFAULT_ID_BASE, settings.id_base) if settings.id_base != DEFAULT_ID_BASE else text


def parse_params(name: str, given: Iterable[str]) -> dict[str, str]:
    """A helper's parameters as written on the command line (``key=value``)."""
    values: dict[str, str] = {}
    for p in given:
        key, sep, value = p.partition("=")
        if not sep:
            raise QueryError(f"{name}: parameters are key=value, got {p!r}")
        values[key.strip()] = value
    return values


def run_helper(graph: Graph | Prepared, name: str, settings: Settings | None = None, *,
               isolation: Isolation | None = None, **params: object) -> Result:
    """Run the helper ``name`` with ``params`` (see :func:`run_sparql` for ``isolation``)."""
    h = helper(name)
    return run_sparql(graph, rebase(h.text, settings or Settings()), bindings(h, params), isolation=isolation)


def run_query(graph: Graph | Prepared, name: str, settings: Settings | None = None, plain: bool = False,
              **params: object) -> list[dict[str, Any]]:
    """Rows of a named helper as dicts of rdflib terms (or of plain Python values with ``plain=True``)."""
    h = helper(name)
    text, init = rebase(h.text, settings or Settings()), bindings(h, params)
    if isinstance(graph, Prepared) and graph.store is not None:
        return select_rows(graph, text, init, plain, name)
    result = run_sparql(graph, text, init)
    rows = []
    for row in result:
        d = {str(k): v for k, v in row.asdict().items()}  # type: ignore[union-attr]
        rows.append({k: (v.toPython() if plain else v) for k, v in d.items()})  # type: ignore[union-attr]
    return rows
