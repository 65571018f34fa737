"""Reading YAML source files so that every value knows its line.

Mappings load as :class:`YMap` and sequences as :class:`YList`; both carry the
line they start on and, for mappings, the line of each key. Duplicate keys
(which plain YAML loaders silently overwrite) and syntax errors are reported as
:class:`~kopa_graph.errors.SourceDataError` naming file and line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from kopa_graph.errors import Location, Problem, SourceDataError


class YMap(dict[str, Any]):
    """A YAML mapping with the location of itself and of each key."""

    loc: Location
    key_locs: dict[str, Location]

    def loc_of(self, key: str) -> Location:
        return self.key_locs.get(key, self.loc)

    @classmethod
    def empty(cls, loc: Location) -> YMap:
        """An empty mapping standing at ``loc`` (in place of one that is missing or malformed)."""
        m = cls()
        m.loc, m.key_locs = loc, {}
        return m


class YList(list[Any]):
    """A YAML sequence with its location."""

    loc: Location


#: libyaml's parser where PyYAML was built with it (the wheels are): 5 to 10 times faster than the
#: pure-Python one, with the same nodes and line marks; the constructors stay PyYAML's safe ones.
_BASE: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


_STR = "tag:yaml.org,2002:str"


def _resolver(implicit_resolvers: dict[str | None, list[tuple[str, Any]]]) -> Any:
    """PyYAML's ``BaseResolver.resolve`` for a loader without path or wildcard resolvers (the safe one), with
    its ``implicit_resolvers``: the same tags, without its list building and path checks. libyaml's parser
    calls it for every node from Python; at a million triples's source data it was a tenth of loading."""
    scalar, by_first = yaml.ScalarNode, implicit_resolvers.get
    general = yaml.resolver.BaseResolver.resolve

    def resolve(loader: Any, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
        if kind is scalar:
            if implicit[0]:
                for tag, regexp in by_first(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return _STR
        return general(loader, kind, value, implicit)  # type: ignore[no-any-return,no-untyped-call]

    return resolve


def _make_loader(path: Path) -> Any:
    class Loader(_BASE):  # type: ignore[misc]
        pass

    if not Loader.yaml_path_resolvers and None not in Loader.yaml_implicit_resolvers:
        Loader.resolve = _resolver(Loader.yaml_implicit_resolvers)

    places: dict[int, Location] = {}  # a line's location, made once (a flow mapping's keys share one)

    def loc(node: yaml.Node) -> Location:
        line = node.start_mark.line
        found = places.get(line)
        if found is None:
            found = places[line] = Location(path, line + 1)
        return found

    def construct(loader: Loader, node: yaml.Node) -> Any:
        """A text scalar is its text (what the safe constructor makes of it, without its bookkeeping:
        most nodes are text, and this halves the constructing of a large file); anything else as before."""
        if node.tag == _STR and isinstance(node, yaml.ScalarNode):
            return node.value
        return loader.construct_object(node, deep=True)

    def construct_mapping(loader: Loader, node: yaml.MappingNode) -> YMap:
        result = YMap()
        result.loc = loc(node)
        result.key_locs = {}
        loader.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = construct(loader, key_node)
            if not isinstance(key, str):
                raise SourceDataError(
                    [Problem(loc(key_node), str(key), "a key must be text", "write the key as a word")]
                )
            if key in result:
                raise SourceDataError(
                    [
                        Problem(
                            loc(key_node),
                            key,
                            f"duplicate key (first on line {result.key_locs[key].line})",
                            "remove one of the two",
                        )
                    ]
                )
            result[key] = construct(loader, value_node)
            result.key_locs[key] = loc(key_node)
        return result

    def construct_sequence(loader: Loader, node: yaml.SequenceNode) -> YList:
        result = YList(construct(loader, child) for child in node.value)
        result.loc = loc(node)
        return result

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, construct_sequence)
    return Loader


def load_yaml(path: Path) -> YMap:
    """Load one YAML file whose top level is a mapping."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourceDataError(
            [Problem(Location(path), "", "file not found", "create it, or point --data at the folder that has it")]
        ) from None
    except UnicodeDecodeError as exc:
        raise SourceDataError(
            [Problem(Location(path), "", f"not UTF-8 text ({exc.reason} at byte {exc.start})", "save it as UTF-8")]
        ) from None
    except OSError as exc:
        raise SourceDataError([Problem(Location(path), "", f"cannot read the file: {exc.strerror}")]) from None
    try:
        data = yaml.load(text, Loader=_make_loader(path))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        what = " ".join(x for x in (exc.context, exc.problem) if x)
        raise SourceDataError(
            [Problem(Location(path, line), "", f"YAML syntax error: {what}", "check indentation, quotes and colons")]
        ) from None
    except yaml.YAMLError as exc:
        raise SourceDataError([Problem(Location(path), "", f"YAML error: {exc}")]) from None
    if not isinstance(data, YMap):
        raise SourceDataError(
            [Problem(Location(path, 1), "", "the file must hold a YAML mapping (key: value) at the top level")]
        )
    return data
