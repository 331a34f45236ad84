"""Read YAML the way a comms officer expects, keeping the line of every value.

PyYAML's safe loader is close to what we need, with three changes:
- every mapping and list remembers the line of each of its items, so an error can name it;
- a key written twice is an error (PyYAML silently keeps the last one);
- only `true`/`false` are booleans and dates stay text: YAML 1.1 would read `NO` (Norway, or
  "No further action") as False and turn `2022-13-01` into a crash; the schema parses dates
  itself and says what is wrong;
- an integer too long for Python to convert (over 4,300 digits) stays text, so the schema can
  say which field it is in instead of the whole file failing with no line;
- a plain value whose number YAML 1.1 and YAML 1.2 read differently is refused, each with its
  line and field: `075` (octal 61, or 75), `0x1F`, `0b101`, `1:30` (base 60: 90), `1_000`.
  Validation would otherwise call the changed number valid.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, ScalarNode, SequenceNode


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


class NumberFormError(yaml.MarkedYAMLError):
    """Values YAML 1.1 would read as a different number than written; `found` holds each as
    (line, field path, message). A YAML error, so a reader that only knows those still
    refuses the file at the first one's line."""

    def __init__(self, found: list[tuple[int, tuple, str]], mark):
        super().__init__(problem=found[0][2], problem_mark=mark)
        self.found = found
        self.line = found[0][0]


class AliasError(Exception):
    def __init__(self, line: int):
        super().__init__("anchors and aliases (& and *) are not allowed in data files; "
                         "write the value out in full")
        self.line = line


def _loader(base: type) -> type:
    class Loader(base):
        def __init__(self, stream):
            super().__init__(stream)
            self.path: list = []  # keys and indexes down to the value being built
            self.number_forms: list = []  # unclear numbers found: see load()

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


_INT, _FLOAT, _STR = ("tag:yaml.org,2002:" + name for name in ("int", "float", "str"))
# The numbers both YAML 1.1 and YAML 1.2 read the same: plain decimals.
_SAME = re.compile(r"[-+]?(?:0|[1-9][0-9]*)|[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
                   r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")
_LEADING_ZERO = re.compile(r"([-+]?)0([0-9_]+)")
_BASES = {"x": (16, "a hexadecimal"), "o": (8, "an octal"), "b": (2, "a binary")}
_PREFIXED = re.compile(r"([-+]?)0([xXoObB])([0-9a-fA-F_]+)")


def number_form_problem(text: str, tag: str) -> str | None:
    """Why a plain value cannot be read as written, or None: a number in a form YAML 1.1 reads
    differently from YAML 1.2 and from a person (tag is what YAML 1.1 resolved it to)."""
    if tag not in (_INT, _FLOAT, _STR) or _SAME.fullmatch(text):
        return None
    if tag == _STR and not _LEADING_ZERO.fullmatch(text):  # 0o17, 1e5: text as written
        return None
    quote = f'quote it: "{text}"'
    if len(text) > 40:  # no number worth working out; only the advice
        return f'"{text[:39]}…" is not a plain number; write it with the digits 0-9, or quote it'
    digits = text.replace("_", "")
    if match := _LEADING_ZERO.fullmatch(text):
        sign, rest = match.group(1), match.group(2).replace("_", "")
        decimal = f"{sign}{int(rest)}" if rest else "0"
        octal = (f", which YAML reads as the octal number {sign}{int(rest, 8)}"
                 if tag == _INT and rest and int(rest, 8) != int(rest) else "")
        return f'"{text}" starts with 0{octal}; write {decimal}, or {quote}'
    if match := _PREFIXED.fullmatch(text):
        base, what = _BASES[match.group(2).lower()]
        number = int(match.group(1) + match.group(3).replace("_", ""), base)
        return f'"{text}" is {what} number ({number}); write {number}, or {quote}'
    if ":" in text:
        whole, _, fraction = digits.lstrip("+-").partition(".")
        number = 0
        for part in whole.split(":"):
            number = number * 60 + int(part)
        shown = f"{'-' if digits.startswith('-') else ''}{number}{'.' + fraction if fraction else ''}"
        return (f'"{text}" is read by YAML as a number in base 60 ({shown}); write {shown}, '
                f"or {quote}")
    return f'"{text}" has "_" in it, which YAML drops ({digits}); write {digits}, or {quote}'


def _check_number_form(loader, node, step) -> None:
    """Note a plain value in an unclear number form, with its line and field, for parse()."""
    if isinstance(node, ScalarNode) and not node.style:  # plain: None, or "" from libyaml
        problem = number_form_problem(node.value, node.tag)
        if problem:
            path = (*loader.path, step) if step is not None else tuple(loader.path)
            loader.number_forms.append((node.start_mark.line + 1, path, problem,
                                        node.start_mark))


def _construct_child(loader, node, step) -> Any:
    """Construct a value, knowing the path to it (for number forms' messages)."""
    _check_number_form(loader, node, step)
    loader.path.append(step)
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.path.pop()


def _construct_mapping(loader: _Loader, node: MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.lines = {}
    for key_node, value_node in node.value:
        _refuse_alias(loader, key_node, key_node)
        _refuse_alias(loader, value_node, key_node)
        _check_number_form(loader, key_node, None)  # a glossary term 075 would become "61"
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise ConstructorError(None, None, "a key cannot be a list or a mapping",
                                   key_node.start_mark) from None
        line = key_node.start_mark.line + 1
        if key in result:
            raise DuplicateKeyError(str(key), line, result.lines[key])
        result[key] = _construct_child(loader, value_node, key)
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
    result = LineList(_construct_child(loader, child, index)
                      for index, child in enumerate(node.value))
    result.line = node.start_mark.line + 1
    result.lines = [child.start_mark.line + 1 for child in node.value]
    return result


# libyaml's parser is several times faster on a large plan; the pure-Python one words errors
# the same everywhere, so a file that fails is parsed again by it for the message.
_PyLoader = _loader(yaml.SafeLoader)
_FastLoader = _loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def load(text: str, loader_class: type) -> Any:
    """One document read by one of the loaders; every unclear number in it is found before
    NumberFormError is raised, so a file's all are reported at once."""
    loader = loader_class(text)
    try:
        data = loader.get_single_data()
    finally:
        loader.dispose()
    if loader.number_forms:
        found = [entry[:3] for entry in loader.number_forms]
        raise NumberFormError(found, loader.number_forms[0][3])
    return data


def parse(text: str) -> Any:
    """Parse YAML text; raises yaml.YAMLError (NumberFormError among them),
    DuplicateKeyError or AliasError."""
    try:
        return load(text, _FastLoader)
    except yaml.YAMLError:
        if _FastLoader is _PyLoader:
            raise
    return load(text, _PyLoader)


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
