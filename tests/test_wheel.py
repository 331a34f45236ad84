"""The package is self-contained: its wheel builds without a packaging warning, holds the base
configuration, templates, theme, assets and the new site's files, and, installed into a fresh
virtualenv (not editable), validates and builds sites in folders outside any checkout."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, _source_copy, clean_env

pytestmark = pytest.mark.wheel

# pip's own notes about this machine's package indexes, not about the project.
MACHINE = re.compile(r"WARNING: Location '[^']*' is ignored")


def _warnings(output: str) -> list[str]:
    return [line for line in output.splitlines()
            if re.search(r"warn|deprecat", line, re.I) and not MACHINE.search(line)]


def test_building_the_wheel_prints_no_warning(wheel):
    _, output = wheel
    assert "Successfully built improvement-site" in output
    assert _warnings(output) == []


def test_installing_from_the_source_folder_prints_no_warning(tmp_path):
    source = _source_copy(tmp_path / "source")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    result = subprocess.run([str(venv / "bin" / "pip"), "install", "--no-deps", "-v",
                             str(source)], capture_output=True, text=True, env=clean_env(),
                            timeout=900)
    assert result.returncode == 0, result.stderr
    assert _warnings(result.stdout + result.stderr) == []


def test_the_wheel_holds_the_package_and_its_files_and_nothing_else(wheel):
    path, _ = wheel
    names = zipfile.ZipFile(path).namelist()
    assert {name.split("/")[0] for name in names} == {
        "improvement_site", f"improvement_site-{path.name.split('-')[1]}.dist-info"}
    for needed in ("improvement_site/base/mkdocs.yml", "improvement_site/scaffold/gitignore",
                   "improvement_site/scaffold/gitlab-ci.yml",
                   "improvement_site/scaffold/github/workflows/release.yml",
                   "improvement_site/scaffold/data/plan/01-first-area.yaml",
                   "improvement_site/pages/templates/area.md.j2",
                   "improvement_site/pages/theme/main.html",
                   "improvement_site/pages/theme/partials/javascripts/outdated.html",
                   "improvement_site/pages/assets/improvement-site.css",
                   "improvement_site/pages/assets/vendor/iframe-worker/shim.js",
                   "improvement_site/pages/checks/accessibility.json",
                   "improvement_site/report/templates/report.html.j2",
                   "improvement_site/report/templates/blocks.html.j2",
                   "improvement_site/report/templates/report.css"):
        assert needed in names, needed
    assert not [n for n in names if "egg-info" in n or "__pycache__" in n or "/tests/" in n]
    entry_points = zipfile.ZipFile(path).read(
        next(n for n in names if n.endswith("entry_points.txt"))).decode()
    for group in ("[console_scripts]", "[mkdocs.plugins]", "[properdocs.plugins]"):
        assert group in entry_points


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh virtualenv with the wheel (and its dependencies) installed: its bin folder."""
    path, _ = wheel
    venv = tmp_path_factory.mktemp("installed") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    result = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", str(path)],
                            capture_output=True, text=True, env=clean_env(), timeout=1800)
    assert result.returncode == 0, result.stderr
    return venv / "bin"


def run(bin_dir: Path, *args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(bin_dir / "improvement-site"), *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, env=clean_env(), timeout=900)


def test_the_installed_package_is_not_the_checkout(installed, tmp_path):
    where = subprocess.run([str(installed / "python"), "-c",
                            "import improvement_site; print(improvement_site.__file__)"],
                           cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert "site-packages" in where and str(ROOT) not in where
    assert run(installed, "--version", cwd=tmp_path).stdout.startswith("improvement-site ")


def test_a_site_with_its_own_mkdocs_yml_builds_from_the_wheel(installed, tmp_path):
    """Its settings are applied over the packaged base (no INHERIT, no path)."""
    assert run(installed, "new", "ours", "--council", "Example Borough Council",
               cwd=tmp_path).returncode == 0
    site = tmp_path / "ours"
    (site / "mkdocs.yml").write_text(
        "theme:\n  palette:\n    primary: teal\nextra:\n  homepage: https://example.org/\n",
        encoding="utf-8")
    result = run(installed, "build", "ours", "--out", tmp_path / "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    home = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert 'data-md-color-primary="teal"' in home  # the site's own setting
    assert "improvement-site.css" in home and (tmp_path / "out" / "about.html").is_file()
    # The committee paper, from the installed package's own templates.
    for name in ("paper.pdf", "paper.docx"):
        result = run(installed, "report", "ours", "--out", tmp_path / name, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert (tmp_path / name).stat().st_size > 10_000
    # A long report is laid out in two processes (report/pdf_parts.py): the second process
    # runs the installed package too.
    page = "<!DOCTYPE html><html lang=en><title>t</title><p>text</p></html>"
    code = ("from improvement_site.report import pdf, pdf_parts; "
            f"print(len(pdf_parts.write_parts([{page!r}] * 2, pdf.TEMPLATES.as_uri() + '/')))")
    two = subprocess.run([str(installed / "python"), "-c", code], cwd=tmp_path,
                         capture_output=True, text=True, env=clean_env(), timeout=300)
    assert two.returncode == 0 and two.stdout.strip() == "2", two.stderr


def test_a_path_that_only_exists_in_the_checkout_is_explained(installed, tmp_path):
    """A site copied from the repository's example says INHERIT: ../../mkdocs.yml."""
    assert run(installed, "new", "copied", "--council", "Example Borough Council",
               cwd=tmp_path).returncode == 0
    (tmp_path / "copied" / "mkdocs.yml").write_text("INHERIT: ../../mkdocs.yml\n",
                                                    encoding="utf-8")
    result = run(installed, "build", "copied", cwd=tmp_path)
    assert result.returncode == 1
    assert "Delete the INHERIT line" in result.stderr and "Traceback" not in result.stderr
