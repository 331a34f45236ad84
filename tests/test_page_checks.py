"""validate checks everything a build would trip on: the macro calls in a site's own pages,
files in data/ the site would ignore, and mistyped ids and fields, each with file, line and a
did-you-mean. A build runs the same checks first, so it never gets as far as a traceback."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from improvement_site.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"


@pytest.fixture
def site(tmp_path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(MINIMAL, site)
    return site


def page(site: Path, text: str, name: str = "extra.md") -> Path:
    path = site / "content" / name
    path.write_text(text, encoding="utf-8")
    return path


def validate(site: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["validate", str(site)])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_an_unknown_id_in_a_page_is_an_error_with_its_line_and_a_suggestion(site, tmp_path):
    page(site, "---\ntitle: Extra\n---\n\n# Extra\n\n{{ measure_chart(\"no-such-id\") }}\n"
               "{{ measure_chart('cp-rat') }}\n")
    code, output = validate(site)
    assert code == 1
    page_file = f"{site.as_posix()}/content/extra.md"
    lines = output.splitlines()
    assert lines[0] == "2 problems in the site:"  # not "nothing was built": it builds nothing
    assert lines[1].startswith(f'  {page_file}:7: measure_chart("no-such-id"): "no-such-id" is '
                               'not a measure id in data/measures.yaml; did you mean ')
    assert lines[2] == (f'  {page_file}:8: measure_chart("cp-rat"): "cp-rat" is not a measure '
                        'id in data/measures.yaml; did you mean "cp-rate"?')

    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(site), "--out", str(out)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.splitlines()[0] == "2 problems in the site; nothing was built:"
    assert f"{site.as_posix()}/content/extra.md:7: " in result.output
    assert not out.exists()


@pytest.mark.parametrize("call, said", [
    ("status_sumary()", 'status_sumary(): there is no macro "status_sumary"; did you mean '
                        '"status_summary"?'),
    ('measure_chart("cp-rate", "x")', "measure_chart(measure_id): takes at most 1 argument, "
                                      "but the page gives 2"),
    ("area_page()", "area_page(area_id): 'area_id' is missing; give it in the brackets"),
    ('status_summary(area="front-door")', "status_summary(area_id=None): it has no argument "
                                          "'area'; its arguments are area_id"),
    ("status_summary(3)", 'status_summary(): 3 is not an area id; write the id in quotes, '
                          'e.g. status_summary("front-door")'),
    ('measures_chart("cp-rate", "front-door")', 'measures_chart("front-door"): "front-door" '
                                                "is not a measure id in data/measures.yaml"),
    ('visit_page("mv-2024")', 'visit_page("mv-2024"): "mv-2024" is not a visit id in '
                              "data/visits.yaml; did you mean"),
])
def test_wrong_calls_are_named(site, call, said):
    page(site, f"# Extra\n\n{{{{ {call} }}}}\n")
    code, output = validate(site)
    assert code == 1
    assert f"content/extra.md:3: {said}" in output, output


@pytest.mark.parametrize("text", [
    "{% for m in ['cp-rate'] %}{{ measure_chart(m) }}{% endfor %}",  # known only when built
    "{{ measure_chart(*['cp-rate']) }}",
    "{{ now() }} {{ range(3) | list }} {% set f = status_summary %}{{ f() }}",
    "{% raw %}{{ measure_chart('nope') }}{% endraw %}",  # shown, not run
    "---\nrender_macros: false\n---\n\n{{ measure_chart('nope') }}",  # not rendered at all
    '{{ status_summary("front-door") }} {{ measure_summary() }} {{ status_chart() }}',
])
def test_what_the_build_would_accept_is_not_an_error(site, text):
    page(site, text + "\n")
    code, output = validate(site)
    assert code == 0, output


def test_a_committee_only_measure_on_a_public_page(site):
    measures = site / "data" / "measures.yaml"
    measures.write_text(measures.read_text(encoding="utf-8").replace(
        "- id: visits-in-time\n", "- id: visits-in-time\n  audience: committee\n"),
        encoding="utf-8")
    page(site, "# Extra\n\n{{ measure_chart('visits-in-time') }}\n")
    code, output = validate(site)
    assert code == 1 and 'measure "visits-in-time" is only for the committee' in output, output
    page(site, "---\naudience: committee\n---\n\n{{ measure_chart('visits-in-time') }}\n")
    assert validate(site)[0] == 0


def test_pages_are_read_with_the_sites_own_jinja_markers(site):
    """A site that changes mkdocs-macros' markers (its own mkdocs.yml, merged over the base)."""
    (site / "mkdocs.yml").write_text(
        "plugins:\n  macros:\n    j2_variable_start_string: '[['\n"
        "    j2_variable_end_string: ']]'\n", encoding="utf-8")
    page(site, "# Extra\n\n{{ not_a_macro() }}\n\n[[ measure_chart('nope') ]]\n")
    code, output = validate(site)
    assert code == 1
    assert "content/extra.md:5: measure_chart(\"nope\")" in output
    assert "not_a_macro" not in output


def test_files_the_site_would_ignore_are_errors_with_a_suggestion(site):
    data = site / "data"
    (data / "measure.csv").write_text("measure,period,value,note\n", encoding="utf-8")
    (data / "breakdown.yaml").write_text("[]\n", encoding="utf-8")
    (data / "plans").mkdir()
    (data / "plan" / "02-old.yaml.bak").write_text("", encoding="utf-8")
    # Notes for the people who keep the folder, and hidden files, are fine.
    (data / "README.md").write_text("Where the figures come from.\n", encoding="utf-8")
    (data / ".gitkeep").write_text("", encoding="utf-8")
    (data / "plan" / "README.txt").write_text("One file per area.\n", encoding="utf-8")
    code, output = validate(site)
    assert code == 1
    lines = [line.strip().removeprefix(f"{site.as_posix()}/") for line in output.splitlines()]
    assert lines == [
        "4 problems in the site's data:",
        'data/breakdown.yaml: is not a file the site reads, so what it holds would never be '
        'shown; did you mean "breakdowns.yaml"?',
        'data/measure.csv: is not a file the site reads, so what it holds would never be '
        'shown; did you mean "measures.csv"?',
        "data/plan/02-old.yaml.bak: is a file the site does not read, so what it holds would "
        "never be shown; each area is one .yaml file in plan/, such as 01-front-door.yaml",
        'data/plans: is not a folder the site reads, so what it holds would never be shown; '
        'did you mean "plan"?',
    ]


def test_a_mistyped_field_gets_a_suggestion(site):
    plan = site / "data" / "plan" / "01-front-door.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("status: complete",
                                                             "stauts: complete", 1),
                    encoding="utf-8")
    code, output = validate(site)
    assert code == 1
    assert ('action front-door-01: stauts is not a known field; did you mean "status"? The '
            "allowed fields are id, action,") in output


def test_plain_mkdocs_build_runs_the_same_page_checks(site):
    """`mkdocs build` without the command line: the plugin checks the pages before any is
    written, and says so in the same words."""
    (site / "mkdocs.yml").write_text(f"INHERIT: {ROOT / 'mkdocs.yml'}\n", encoding="utf-8")
    page(site, "# Extra\n\n{{ measure_chart('cp-rat') }}\n")
    mkdocs = Path(sys.executable).parent / "mkdocs"
    result = subprocess.run([str(mkdocs), "build", "-q"], cwd=site, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert ('content/extra.md:3: measure_chart("cp-rat"): "cp-rat" is not a measure id in '
            'data/measures.yaml; did you mean "cp-rate"?') in result.stderr
    assert not (site / "site" / "index.html").exists()
