"""Read YAML the way a comms officer expects, keeping the line of every value.

PyYAML's safe loader is close to what we need, with three changes:
- every mapping and list remembers the line of each of its items, so an error can name it;
- a key written twice is an error (PyYAML silently keeps the last one);
- only `true`/`false` are booleans and dates stay text: YAML 1.1 would read `NO` (Norway, or
  "No further action") as False and turn `2022-13-01` into a crash; the schema parses dates
  itself and says what is wrong;
- an integer too long for Python to convert (over 4,300 digits) stays text, so the schema can
  say which field it is in instead of the whole file failing with no line.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, SequenceNode


class LineDict(dict):
    """A dict that knows the line of its start and of each key (1-based)."""

    line: int = 0
    lines: dict[Any, int]


class LineList(list):
    line: int = 0
    lines: list[int]


class DuplicateKeyError(Exception):
    def __init__(self, key: str, line: int, first_line: int):
        super().__init__(f'key "{key}" is written twice (first at line {first_line})')
        self.key, self.line, self.first_line = key, line, first_line


class AliasError(Exception):
    def __init__(self, line: int):
        super().__init__("anchors and aliases (& and *) are not allowed in data files; "
                         "write the value out in full")
        self.line = line


def _loader(base: type) -> type:
    class Loader(base):
        pass

    # Keep the YAML 1.1 resolvers except bool and timestamp, then add a strict bool.
    Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers
                if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"))
    Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
    return Loader


def _construct_mapping(loader: _Loader, node: MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.lines = {}
    for key_node, value_node in node.value:
        _refuse_alias(loader, key_node, key_node)
        _refuse_alias(loader, value_node, key_node)
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise ConstructorError(None, None, "a key cannot be a list or a mapping",
                                   key_node.start_mark) from None
        line = key_node.start_mark.line + 1
        if key in result:
            raise DuplicateKeyError(str(key), line, result.lines[key])
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = line
    return result


def _construct_int(loader, node) -> int | str:
    try:
        return yaml.SafeLoader.construct_yaml_int(loader, node)
    except ValueError:  # "Exceeds the limit (4300 digits) for integer string conversion"
        return str(node.value)


def _refuse_alias(loader, node, where) -> None:
    """A node met a second time is an alias (*name). Aliases let a few lines expand into
    millions of values ("billion laughs"); data files never need them."""
    if node in loader.constructed_objects or node in loader.recursive_objects:
        raise AliasError(where.start_mark.line + 1)


def _construct_sequence(loader: _Loader, node: SequenceNode) -> LineList:
    for child in node.value:
        _refuse_alias(loader, child, node)
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.lines = [child.start_mark.line + 1 for child in node.value]
    return result


# libyaml's parser is several times faster on a large plan; the pure-Python one words errors
# the same everywhere, so a file that fails is parsed again by it for the message.
_PyLoader = _loader(yaml.SafeLoader)
_FastLoader = _loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def parse(text: str) -> Any:
    """Parse YAML text; raises yaml.YAMLError, DuplicateKeyError or AliasError."""
    try:
        return yaml.load(text, Loader=_FastLoader)  # noqa: S506 - both derive from SafeLoader
    except yaml.YAMLError:
        if _FastLoader is _PyLoader:
            raise
    return yaml.load(text, Loader=_PyLoader)  # noqa: S506


def line_of(data: Any, path: tuple) -> int:
    """The line of the deepest item along `path` that we know a line for (0 if none)."""
    line = getattr(data, "line", 0)
    node = data
    for step in path:
        if isinstance(node, LineDict) and step in node:
            line = node.lines.get(step, line)
            node = node[step]
        elif isinstance(node, LineList) and isinstance(step, int) and 0 <= step < len(node):
            line = node.lines[step]
            node = node[step]
        else:
            break
    return line
