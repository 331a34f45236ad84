"""The command line's conventions: --version; SITE positional in every command; exit codes
0, 1 and 2 and no other, for every subcommand; plurals; files named by the path typed."""

from __future__ import annotations

import shutil
from importlib.metadata import version
from pathlib import Path

import pytest
from click.testing import CliRunner

from improvement_site.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
MINIMAL = FIXTURES / "minimal"
BAD = FIXTURES / "bad_status"
PLAN = FIXTURES / "import" / "plan.csv"
BAD_PLAN = FIXTURES / "import" / "plan-problems.csv"
MEASURES = FIXTURES / "import" / "measures-long.csv"


def invoke(*args) -> object:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


def test_version_is_the_packages():
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.output == f"improvement-site {version('improvement-site')}\n"


# Every subcommand, as a command line a user might type wrongly: the usage error.
USAGE = {
    "validate": ["validate", "--nope"],
    "build": ["build", "--audience", "everyone"],
    "serve": ["serve", "--engine", "sphinx"],
    "release": ["release", "."],  # --tag is required
    "fields": ["fields", "extra-argument"],
    "import plan": ["import", "plan"],  # FILE is required
    "import measures": ["import", "measures", "scores.csv", "--latest-date", "July"],
    "export plan": ["export", "plan", "plan.xlsx", "a", "b"],
    "new": ["new", "somewhere"],  # --council is required
    "demo": ["demo", "--dev-addr"],
    "report": ["report", "."],  # --out is required
}


def test_every_command_is_listed_here():
    names = set()
    for name, command in main.commands.items():
        subcommands = getattr(command, "commands", None)
        names |= {f"{name} {sub}" for sub in subcommands} if subcommands else {name}
    assert names == set(USAGE)


@pytest.mark.parametrize("name", sorted(USAGE))
def test_bad_usage_is_exit_code_2(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke(*USAGE[name])
    assert result.exit_code == 2, result.output
    assert "Error:" in result.output
    assert not any(tmp_path.iterdir())  # nothing was written


def _bad_input(name: str, tmp: Path) -> list:
    """The command with input that has problems (each says where)."""
    site = tmp / "site"
    shutil.copytree(BAD, site)
    busy = tmp / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine", encoding="utf-8")
    return {
        "validate": ["validate", site],
        "build": ["build", site, "--out", tmp / "out"],
        "serve": ["serve", site],
        "release": ["release", site, "--tag", "meeting-2024-04-10"],  # not in git
        "import plan": ["import", "plan", BAD_PLAN, site],
        "import measures": ["import", "measures", tmp / "missing.csv", site],
        "export plan": ["export", "plan", tmp / "plan.xlsx", site],
        "new": ["new", busy, "--council", "Example Borough Council"],
        "demo": ["demo", "--no-serve", "--source", site, "--out", tmp / "demo"],
        "report": ["report", site, "--out", tmp / "out" / "paper.pdf"],
    }[name]


@pytest.mark.parametrize("name", sorted(set(USAGE) - {"fields"}))  # fields reads no input
def test_bad_input_is_exit_code_1_with_words(name, tmp_path):
    args = _bad_input(name, tmp_path)
    result = invoke(*args)
    assert result.exit_code == 1, result.output
    assert result.stderr.strip(), "a failure says what went wrong"
    assert not (tmp_path / "out").exists() and not (tmp_path / "demo").exists()


# Where each command's work starts: made to fail as a bug would.
WORK = {
    "validate": "improvement_site.cli.commands.validate",
    "build": "improvement_site.cli.commands.build",
    "serve": "improvement_site.cli.commands.serve",
    "release": "improvement_site.publish.release.release",
    "fields": "improvement_site.data.schema_docs.field_reference",
    "import plan": "improvement_site.tracker.plan.import_plan",
    "import measures": "improvement_site.tracker.measures.import_measures",
    "export plan": "improvement_site.tracker.export.export_plan",
    "new": "improvement_site.cli.start.new_site",
    "demo": "improvement_site.cli.demo.make_demo",
    "report": "improvement_site.report.output.write_file",
}
GOOD = {
    "validate": ["validate", MINIMAL],
    "build": ["build", MINIMAL, "--audience", "public"],
    "serve": ["serve", MINIMAL],
    "release": ["release", MINIMAL, "--tag", "meeting-2024-04-10"],
    "fields": ["fields"],
    "import plan": ["import", "plan", PLAN, "."],
    "import measures": ["import", "measures", MEASURES, MINIMAL],
    "export plan": ["export", "plan", "plan.xlsx", MINIMAL],
    "new": ["new", "somewhere", "--council", "Example Borough Council"],
    "demo": ["demo", "--no-serve"],
    "report": ["report", MINIMAL, "--out", "paper.pdf"],
}


@pytest.mark.parametrize("name", sorted(WORK))
def test_an_internal_error_is_one_line_and_exit_code_1(name, monkeypatch, tmp_path):
    def broken(*args, **kwargs):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(WORK[name], broken)
    monkeypatch.chdir(tmp_path)
    result = invoke(*GOOD[name])
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("improvement-site: internal error while ")
    assert "(RuntimeError: simulated bug)" in lines[0] and "--debug" in lines[0]


def test_site_is_positional_in_import_and_export_and_site_is_a_hidden_alias(tmp_path):
    site = tmp_path / "site"
    (site / "data").mkdir(parents=True)  # the plan's output must validate with site.yaml only
    (site / "data" / "site.yaml").write_text(
        "council: Example Borough Council\nservice: Children's Services\n"
        "title: Improvement\nreporting_date: 2024-03-31\n", encoding="utf-8")
    for args in (["import", "plan", PLAN, site], ["import", "plan", PLAN, "--site", site]):
        result = invoke(*args)
        assert result.exit_code == 0, result.output
        assert f"into {site.as_posix()}/data/plan" in result.output
    result = invoke("export", "plan", tmp_path / "plan.xlsx", site)
    assert result.exit_code == 0, result.output
    assert "--site" not in invoke("import", "plan", "--help").output  # hidden
    result = invoke("import", "plan", PLAN, site, "--site", tmp_path / "other")
    assert result.exit_code == 2 and "given twice" in result.output


def test_counts_are_worded_for_one_and_for_many(tmp_path):
    result = invoke("validate", MINIMAL)
    assert result.exit_code == 0
    assert "is valid: 1 area, 4 actions, 2 measures, 6 values, 2 visits." in result.output
    assert "nothing was built" not in result.output


def test_files_are_named_by_the_path_the_user_typed(tmp_path, monkeypatch):
    site = tmp_path / "mysite"
    shutil.copytree(BAD, site)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    result = invoke("validate", "../mysite")
    assert result.exit_code == 1
    assert result.output.splitlines()[1].startswith(
        "  ../mysite/data/plan/01-front-door.yaml:19: action front-door-02:")
    monkeypatch.chdir(site)
    assert invoke("validate").output.splitlines()[1].startswith(
        "  data/plan/01-front-door.yaml:19:")


def test_the_documented_exit_codes_are_the_only_ones():
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    table = text[text.index("| code | meaning |"):].split("\n\n")[0]
    assert [row.split("|")[1].strip(" `") for row in table.splitlines()[2:]] == ["0", "1", "2"]
