"""Any text in any text field: validate and build say yes or say what is wrong, never crash.

Hypothesis puts arbitrary Unicode (control characters, HTML entities in every form, Markdown
punctuation, very long strings, link payloads) into every text field of the minimal fixture
site. `validate` and `build` are run as a user runs them, in a subprocess, so a panic in a
native library shows as the exit code it really gives. The contract:

- exit 0, or exit 1 with a worded message naming a file (never a traceback, never another
  code), and nothing half-written;
- `validate` and `build` agree: what validation accepts, the build builds;
- in every page built, no href, src, action, formaction or CSS url() whose scheme, after HTML
  unescaping and stripping white space and control characters, is outside http, https,
  mailto (relative addresses are fine).

Beside arbitrary text, a second property draws the careless and hostile edits of issue 20 and
puts several into one site at once: numbers that YAML 1.1 would change (`075`, `1:30`,
`0x1F`), digits that are not ASCII in dates and periods, a committee page whose front matter
has a slip, a symbolic link to a file of the build machine, a logo that is more than a
drawing. Each is a mistake: whatever the mix, validate and build both refuse it in words
naming the file, never quote the linked file, and write nothing.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "minimal"
# Fields that hold ids, dates, codes, numbers or addresses: everything else is text.
NOT_TEXT = {"id", "measures", "areas", "inspection", "reporting_date", "date", "due",
            "revised_due", "start", "end", "published", "status", "kind", "unit",
            "polarity", "audience", "grade", "rag", "period", "by", "value", "number",
            "target", "low", "high", "measure", "contact", "letter_url", "papers_url"}
SAFE_SCHEMES = {"http", "https", "mailto"}

LINK_PAYLOADS = [
    "[e](javascript&#58;alert(1))", "[e](javascript&colon;alert(1))",
    "[e](&#x6A;avascript:alert(1))", "[e](javascript&#0000058;alert(1))",
    "[e][r]\n\n[r]: javascript&#58;alert(1)", "[e](data:text/html;base64,PHNjcmlwdD4=)",
    "[e](vbscript:msgbox(1))", "<javascript:alert(1)>", "[e](java\tscript:alert(1))",
    "[e](JaVaScRiPt:alert(1))", '<a href="javascript:alert(1)">a</a>',
    "[e](&Tab;javascript:alert(1))", "[e](https://example.org/ok)", "[e](/relative/ok)",
]
MARKDOWN_BITS = ["[", "]", "(", ")", "*", "_", "`", "<", ">", "&", "#", "!", "\\", "{{", "}}",
                 "{%", "\n", "\n\n", "- ", "1. ", "&amp;", "&#0;", "&#x0;", "\x0b", "\x1b",
                 "\x00", "\u202e", "\ufeff", "\r\n"]

texts = st.one_of(
    st.text(max_size=40),
    st.sampled_from(LINK_PAYLOADS),
    st.lists(st.sampled_from(MARKDOWN_BITS + LINK_PAYLOADS), max_size=12).map("".join),
    st.builds(lambda c, n: c * n, st.sampled_from(["[", "*_[", "W", "&#58;", "` "]),
              st.integers(1, 30_000)),
)


def _fill(value, draw):
    if isinstance(value, dict):
        return {k: (v if k in NOT_TEXT else _fill(v, draw)) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, draw) for v in value]
    if isinstance(value, str):
        return draw(texts)
    return value


def _site(root: Path, draw) -> Path:
    site = root / "site"
    if site.exists():
        shutil.rmtree(site)
    shutil.copytree(FIXTURE, site)
    for path in sorted((site / "data").rglob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        path.write_text(yaml.safe_dump(_fill(raw, draw), allow_unicode=True),
                        encoding="utf-8")
    return site


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "improvement_site.cli.main", *args], capture_output=True,
                          text=True, timeout=300)


def _assert_worded(result: subprocess.CompletedProcess) -> None:
    assert result.returncode in (0, 1), (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    if result.returncode == 1:
        assert re.search(r"(data|content)/[\w./-]+(:\d+)?: ", result.stderr), \
            result.stderr[-2000:]


def _scheme(url: str) -> str | None:
    cleaned = re.sub(r"[\x00-\x20\x7f-\x9f]", "", html.unescape(url)).lower()
    match = re.match(r"([a-z][a-z0-9+.-]*):", cleaned)
    return match.group(1) if match else None


def unsafe_urls(out: Path) -> list[str]:
    """Every URL in the built pages whose decoded scheme is outside the allowlist."""
    bad = []
    for page in out.rglob("*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        urls = [el[attr] for attr in ("href", "src", "action", "formaction")
                for el in soup.find_all(attrs={attr: True})]
        styles = [el["style"] for el in soup.find_all(style=True)]
        styles += [s.get_text() for s in soup.find_all("style")]
        urls += [u for css in styles
                 for u in re.findall(r"url\(\s*['\"]?([^'\")]*)", html.unescape(css))]
        for url in urls:
            scheme = _scheme(url if isinstance(url, str) else " ".join(url))
            if scheme and scheme not in SAFE_SCHEMES:
                bad.append(f"{page.relative_to(out)}: {url[:80]}")
    return bad


def _examples(count: int):
    """Each example runs the real command (seconds), so few examples and no deadline."""
    return settings(max_examples=count, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("property")


@_examples(40)
@given(data=st.data())
def test_validate_accepts_or_words_every_problem(workdir, data):
    site = _site(workdir, data.draw)
    _assert_worded(_run("validate", str(site)))


@_examples(6)
@given(data=st.data())
def test_build_accepts_or_words_and_every_link_is_safe(workdir, data):
    site = _site(workdir, data.draw)
    out = workdir / "out"
    if out.exists():
        shutil.rmtree(out)
    checked = _run("validate", str(site))
    result = _run("build", str(site), "--out", str(out))
    _assert_worded(result)
    # Validation catches what the build would choke on: they agree on every input.
    assert checked.returncode == result.returncode, (checked.stderr[-1000:],
                                                     result.stderr[-1000:])
    leftovers = [p.name for p in workdir.iterdir() if ".building-" in p.name]
    assert leftovers == [], leftovers
    if result.returncode == 0:
        assert unsafe_urls(out) == []
    else:
        assert not out.exists(), "a failed build must write nothing"


def test_the_url_check_sees_an_encoded_javascript_link(tmp_path):
    """The check above is only worth something if it would catch the decoded scheme."""
    (tmp_path / "a.html").write_text(
        '<a href="javascript&#58;alert(1)">x</a><a href="/ok">y</a>'
        '<div style="background:url(&quot;data:image/svg+xml,x&quot;)"></div>'
        '<a href="https://example.org">z</a>', encoding="utf-8")
    assert len(unsafe_urls(tmp_path)) == 2


# -- issue 20's careless and hostile edits, several in one site ---------------------------

SECRET = "BUILD-MACHINE-SECRET-7d1e"
COMMITTEE_WORDS = "LADO-CASE-BRIEFING-WORDS"
YAML11_NUMBERS = ["075", "-075", "1:30", "190:20:30", "0x1F", "0o17", "0b101", "1_000"]
FOREIGN_DIGITS = ["\u0662\u0660\u0662\u0664-\u0660\u0664", "\uff12\uff10\uff12\uff14-04",
                  "2024-\u0966\u0966", "\u0669\u0660"]
FRONT_MATTER_SLIPS = [
    "title: Briefing: LADO cases\naudience: committee", "audience: commitee",
    "audience: [committee]", "Audience: committee", "audience: committee\nlist:\n\t- a",
    "title: 'Briefing\naudience: committee", "audiences: committee", "audience: Committee",
]
LOGOS = [
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><rect width="4" height="4"/></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="4" height="4"/></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>',
    b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>',
    b"not an svg at all",
]
LINKED = ["data/glossary.yaml", "data/crest.png", "content/briefing.md", "content/secret.txt",
          "data/plan/02-linked.yaml"]

hostile_edits = st.lists(st.one_of(
    st.tuples(st.just("number"), st.sampled_from(YAML11_NUMBERS)),
    st.tuples(st.just("period"), st.sampled_from(FOREIGN_DIGITS)),
    st.tuples(st.just("page"), st.sampled_from(FRONT_MATTER_SLIPS)),
    st.tuples(st.just("link"), st.sampled_from(LINKED)),
    st.tuples(st.just("logo"), st.sampled_from(LOGOS)),
), min_size=1, max_size=4)


def _hostile_site(root: Path, edits: list) -> Path:
    site = root / "site"
    if site.exists():
        shutil.rmtree(site)
    shutil.copytree(FIXTURE, site, ignore=shutil.ignore_patterns(".cache"))
    secret = root / "machine-secret"
    secret.write_text(f"CI_TOKEN={SECRET}\nnot: [yaml\n", encoding="utf-8")
    data = site / "data"
    for kind, value in edits:
        if kind == "number":  # written as it is, unquoted, where a number goes
            path = data / "measures.yaml"
            path.write_text(path.read_text(encoding="utf-8").replace(
                "target: 90", f"target: {value}"), encoding="utf-8")
        elif kind == "period":
            with (data / "measures.csv").open("a", encoding="utf-8") as csv:
                csv.write(f"cp-rate,{value},90,\n")
        elif kind == "page":
            (site / "content" / "briefing.md").write_text(
                f"---\n{value}\n---\n\n# Briefing\n\n{COMMITTEE_WORDS}\n", encoding="utf-8")
        elif kind == "link":
            path = site / value
            path.unlink(missing_ok=True)
            path.symlink_to(secret)
            if value == "data/crest.png":
                with (data / "site.yaml").open("a", encoding="utf-8") as f:
                    f.write("logo: crest.png\n")
        else:
            (data / "logo.svg").write_bytes(value)
            with (data / "site.yaml").open("a", encoding="utf-8") as f:
                f.write("logo: logo.svg\n")
    return site


@_examples(12)
@given(edits=hostile_edits)
def test_careless_and_hostile_edits_are_refused_in_words_and_never_published(workdir, edits):
    site = _hostile_site(workdir, edits)
    out = workdir / "out"
    if out.exists():
        shutil.rmtree(out)
    checked = _run("validate", str(site))
    result = _run("build", str(site), "--out", str(out))
    for run in (checked, result):
        _assert_worded(run)
        assert SECRET not in run.stderr + run.stdout, "a linked file was read and quoted"
    # Every edit drawn is a mistake the site must refuse: none may slip through as valid.
    assert (checked.returncode, result.returncode) == (1, 1), (checked.stderr[-1000:],
                                                               result.stderr[-1000:])
    assert not out.exists(), "a failed build must write nothing"
