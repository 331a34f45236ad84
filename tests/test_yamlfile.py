"""The YAML dialect data files are read in (improvement_site/data/yamlfile.py), on its own. Fast: run under
mutation testing.

The rules: only true/false are booleans, dates stay text for the schema to judge, an integer
too long to convert stays text, a key written twice and anchors/aliases are refused with their
line, a number YAML 1.1 reads differently from YAML 1.2 (075, 1:30, 0x1F, 1_000) is refused
with its line and field, and every mapping and list knows the line of each item. They must hold whichever parser
reads the file: libyaml when it is installed, the pure-Python one when it is not (and for
every file that fails, so messages are worded the same everywhere).
"""

from __future__ import annotations

import pytest
import yaml

from improvement_site.data import yamlfile
from improvement_site.data.yamlfile import AliasError, DuplicateKeyError, LineDict, LineList, line_of, parse

BASES = [yaml.SafeLoader] + ([yaml.CSafeLoader] if hasattr(yaml, "CSafeLoader") else [])


@pytest.fixture(params=BASES, ids=lambda base: base.__name__)
def load(request):
    """parse(), as built on each parser."""
    loader = yamlfile._loader(request.param)
    return lambda text: yaml.load(text, Loader=loader)  # noqa: S506 - a SafeLoader


SCALARS = """\
yes: yes
no: NO
on: On
off: off
y: y
t: true
T: True
TT: TRUE
f: false
F: False
FF: FALSE
odd: tRUE
date: 2024-09-11
not_a_date: 2022-13-01
stamp: 2024-09-11 10:30:00
int: 12
negative: -3
float: 1.5
nothing: ~
empty:
text: plain words
"""


def test_only_true_and_false_are_booleans_and_dates_stay_text(load):
    assert load(SCALARS) == {
        "yes": "yes", "no": "NO", "on": "On", "off": "off", "y": "y",
        "t": True, "T": True, "TT": True, "f": False, "F": False, "FF": False, "odd": "tRUE",
        "date": "2024-09-11", "not_a_date": "2022-13-01", "stamp": "2024-09-11 10:30:00",
        "int": 12, "negative": -3, "float": 1.5, "nothing": None, "empty": None,
        "text": "plain words",
    }
    assert type(load("a: 12")["a"]) is int and type(load("a: true")["a"]) is bool


def test_an_integer_too_long_to_convert_stays_text(load):
    digits = "9" * 5000
    assert load(f"a: {digits}\nb: 7\n") == {"a": digits, "b": 7}


def test_every_mapping_and_list_knows_its_lines(load):
    data = load("title: T\n\nitems:\n  - one\n  -\n    id: two\n    x: 1\n  - [a, b]\n")
    assert type(data) is LineDict and data.line == 1 and data.lines == {"title": 1, "items": 3}
    items = data["items"]
    # An item is at the line its content starts: the mapping under a bare "-" at line 6.
    assert type(items) is LineList and items.line == 4 and items.lines == [4, 6, 8]
    assert type(items[1]) is LineDict and items[1].line == 6
    assert items[1].lines == {"id": 6, "x": 7}
    assert type(items[2]) is LineList and items[2].line == 8 and items[2].lines == [8, 8]
    assert items == ["one", {"id": "two", "x": 1}, ["a", "b"]]


def test_a_key_written_twice_is_refused_with_both_lines(load):
    with pytest.raises(DuplicateKeyError) as error:
        load("id: a\nname: N\n\nid: b\n")
    assert (error.value.key, error.value.line, error.value.first_line) == ("id", 4, 1)
    assert str(error.value) == 'key "id" is written twice (first at line 1)'


@pytest.mark.parametrize("text, line", [
    ("a: &x [1, 2]\nb: *x\n", 2),  # an alias as a value: the line of its key
    ("a: &x one\n\nlist:\n  - two\n  - *x\n", 4),  # in a list: the line of the list
    ("a: &x {k: 1}\nb:\n  c: *x\n", 3),
    ("a: &x k\n*x : 2\n", 1),  # an alias as a key: the line of the anchor it repeats
])
def test_anchors_and_aliases_are_refused_with_their_line(load, text, line):
    with pytest.raises(AliasError) as error:
        load(text)
    assert error.value.line == line
    assert str(error.value) == ("anchors and aliases (& and *) are not allowed in data files; "
                                "write the value out in full")


def test_an_anchor_used_nowhere_is_harmless(load):
    assert load("a: &x 1\nb: 2\n") == {"a": 1, "b": 2}


@pytest.mark.parametrize("text", ["? [a, b]\n: 1\n", "? {a: 1}\n: 1\n"])
def test_a_key_cannot_be_a_list_or_a_mapping(load, text):
    with pytest.raises(yaml.constructor.ConstructorError) as error:
        load(text)
    assert error.value.problem == "a key cannot be a list or a mapping"
    assert error.value.problem_mark.line == 0 and error.value.problem_mark.column == 2


def test_parse_reads_with_the_dialect_and_words_errors_the_pure_python_way():
    assert parse(SCALARS)["no"] == "NO"
    with pytest.raises(yaml.YAMLError) as error:
        parse("a: b: c\n")
    # libyaml says "...not allowed in this context"; the message is the same on every machine.
    assert str(error.value).startswith("mapping values are not allowed here")
    with pytest.raises(DuplicateKeyError):
        parse("a: 1\na: 2\n")


DOC = parse("site:\n  title: T\n  tags:\n    - one\n    -\n      name: two\nother: 1\n")


@pytest.mark.parametrize("path, line", [
    ((), 1),
    (("site",), 1),
    (("site", "title"), 2),
    (("site", "tags"), 3),
    (("site", "tags", 0), 4),
    (("site", "tags", 1), 6),
    (("site", "tags", 1, "name"), 6),
    (("site", "tags", 2), 3),  # no third item: the list's line
    (("site", "tags", -1), 3),  # not an index a person would write
    (("site", "tags", "name"), 3),
    (("site", "missing", "deeper"), 1),  # the deepest known: site's own line
    (("site", "title", "deeper"), 2),  # past a plain value: the value's line
    (("other",), 7),
])
def test_line_of_is_the_deepest_line_known_along_a_path(path, line):
    assert line_of(DOC, path) == line


def test_line_of_without_lines_is_zero():
    assert line_of({"a": 1}, ("a",)) == 0
    assert line_of(None, ("a",)) == 0
    assert line_of(["x"], (0,)) == 0


# -- numbers YAML 1.1 reads differently from YAML 1.2 and from a person (issue 20, item 9) -----


@pytest.fixture(params=BASES, ids=lambda base: base.__name__)
def strict(request):
    """yamlfile.load on each parser: the dialect with unclear numbers refused."""
    loader = yamlfile._loader(request.param)
    return lambda text: yamlfile.load(text, loader)


@pytest.mark.parametrize("text, message", [
    ("075", '"075" starts with 0, which YAML reads as the octal number 61; write 75, or quote '
            'it: "075"'),
    ("-075", '"-075" starts with 0, which YAML reads as the octal number -61; write -75, or '
             'quote it: "-075"'),
    ("089", '"089" starts with 0; write 89, or quote it: "089"'),
    ("07", '"07" starts with 0; write 7, or quote it: "07"'),
    ("1:30", '"1:30" is read by YAML as a number in base 60 (90); write 90, or quote it: '
             '"1:30"'),
    ("190:20:30", '"190:20:30" is read by YAML as a number in base 60 (685230); write 685230, '
                  'or quote it: "190:20:30"'),
    ("-1:30.5", '"-1:30.5" is read by YAML as a number in base 60 (-90.5); write -90.5, or '
                'quote it: "-1:30.5"'),
    ("0x1F", '"0x1F" is a hexadecimal number (31); write 31, or quote it: "0x1F"'),
    ("0b101", '"0b101" is a binary number (5); write 5, or quote it: "0b101"'),
    ("-0b1_1", '"-0b1_1" is a binary number (-3); write -3, or quote it: "-0b1_1"'),
    ("1_000", '"1_000" has "_" in it, which YAML drops (1000); write 1000, or quote it: '
              '"1_000"'),
    ("1_000.5", '"1_000.5" has "_" in it, which YAML drops (1000.5); write 1000.5, or quote '
                'it: "1_000.5"'),
    ("0" + "7" * 60, '"0' + "7" * 38 + '…" is not a plain number; write it with the digits '
                     '0-9, or quote it'),
    ("0_75", '"0_75" starts with 0, which YAML reads as the octal number 61; write 75, or quote '
             'it: "0_75"'),
    ("0_", '"0_" starts with 0; write 0, or quote it: "0_"'),
    ("0x_1F", '"0x_1F" is a hexadecimal number (31); write 31, or quote it: "0x_1F"'),
    # 40 characters are still worked out; from 41 only the advice is given
    ("0" + "1" * 39, '"0' + "1" * 39 + '" starts with 0, which YAML reads as the octal number '
                     + str(int("1" * 39, 8)) + "; write " + "1" * 39 + ', or quote it: "0'
                     + "1" * 39 + '"'),
    ("0" + "1" * 40, '"0' + "1" * 38 + '…" is not a plain number; write it with the digits '
                     '0-9, or quote it'),
])
def test_a_number_yaml_1_1_would_change_is_refused_with_its_line_and_field(strict, text, message):
    with pytest.raises(yamlfile.NumberFormError) as error:
        strict(f"id: m\ntargets:\n  - by: 2024-03\n    value: {text}\n")
    assert error.value.found == [(4, ("targets", 0, "value"), message)]
    assert error.value.line == 4 and error.value.problem == message


def test_plain_decimals_and_quoted_values_are_read_as_written(strict):
    assert strict('a: 0\nb: 0.5\nc: -12\nd: +3\ne: 075.5\nf: "075"\ng: \'1:30\'\nh: 1e5\n'
                  'i: 0o17\nj: .inf\nk: 0:30\nl: yes\nm: |\n  075\n') == {
        "a": 0, "b": 0.5, "c": -12, "d": 3, "e": 75.5, "f": "075", "g": "1:30", "h": "1e5",
        "i": "0o17", "j": float("inf"), "k": "0:30", "l": "yes", "m": "075\n"}


def test_every_unclear_number_of_a_file_is_found_at_once(strict):
    with pytest.raises(yamlfile.NumberFormError) as error:
        strict("- id: a\n  values: [075, 1, 0x10]\n- id: b\n  target: 1_0\n")
    assert [(line, loc) for line, loc, _ in error.value.found] == [
        (2, (0, "values", 0)), (2, (0, "values", 2)), (4, (1, "target"))]


def test_parse_refuses_unclear_numbers_as_a_yaml_error():
    with pytest.raises(yaml.YAMLError) as error:
        parse("a: 1\nb: 075\n")
    assert isinstance(error.value, yamlfile.NumberFormError)
    assert error.value.problem_mark.line == 1
    assert parse("a: 75\n") == {"a": 75}


def test_a_key_in_an_unclear_number_form_is_refused_too(strict):
    """A glossary's terms are keys: `075: ...` would become the term "61"."""
    with pytest.raises(yamlfile.NumberFormError) as error:
        strict("MASH: Multi-Agency Safeguarding Hub\n075: A form\nsite:\n  1_0: x\n")
    assert [(line, loc) for line, loc, _ in error.value.found] == [(2, ()), (4, ("site",))]
    assert strict('"075": A form\n') == {"075": "A form"}
