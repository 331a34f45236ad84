"""Issue 20, items 2 and 4: a site's files are read only if they are regular files inside it,
and its logo is published only as a real PNG, or as an SVG that is a drawing and nothing else.

Each case is a real site folder (the minimal fixture, copied) run through the real commands:
a symbolic link or a special file anywhere in data/ or content/ is refused by validate, build
and release with its path and words saying what to do; what it points at is never read, so
never quoted and never published; nothing is written.
"""

from __future__ import annotations

import io
import os
import shutil
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from helpers import commit_all, git, init_repo
from improvement_site.cli.main import main
from improvement_site.data.logo import MAX_LOGO_BYTES, LogoRefused, sanitised_svg

MINIMAL = Path(__file__).resolve().parent / "fixtures" / "minimal"
SECRET = "TOKEN-5f3a-do-not-publish"
LINKED = "is a symbolic link, which the site does not follow"
LINK_ADVICE = (" (it could publish a file from the computer that builds the site); replace the "
               "link with the file itself")
SVG = "http://www.w3.org/2000/svg"


def invoke(*args) -> object:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def site(tmp_path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(MINIMAL, root)
    return root


@pytest.fixture
def secret(tmp_path) -> Path:
    """A file of the build machine's, outside the site: never to be read into it."""
    path = tmp_path / "outside" / "environ"
    path.parent.mkdir()
    path.write_text(f"CI_TOKEN={SECRET}\nnot: [yaml\n", encoding="utf-8")
    return path


def set_logo(site: Path, name: str) -> None:
    with (site / "data" / "site.yaml").open("a", encoding="utf-8") as file:
        file.write(f"logo: {name}\n")


def refused(site: Path, *lines: str) -> None:
    """validate and build both exit 1 naming each of `lines`; nothing is built, and nothing
    of the secret is shown."""
    for command in (["validate", site], ["build", site]):
        result = invoke(*command)
        assert result.exit_code == 1, result.output
        for line in lines:
            assert line in result.output, result.output
        assert SECRET not in result.output
    assert not (site / "site").exists()


# -- links and special files in data/ -------------------------------------------------------

@pytest.mark.parametrize("name", ["glossary.yaml", "measures.csv", "plan/zz-extra.yaml",
                                  "visits.yaml"])
def test_a_linked_data_file_is_refused_and_its_target_never_quoted(site, secret, name):
    # The target is not YAML: an error quoting it would print the token into the CI log.
    path = site / "data" / name
    path.unlink(missing_ok=True)
    path.symlink_to(secret)
    refused(site, f"data/{name}: {LINKED}", "replace the link with the file itself")


def test_a_linked_logo_is_refused(site, secret):
    (site / "data" / "crest.png").symlink_to(secret)
    set_logo(site, "crest.png")
    refused(site, f"data/crest.png: {LINKED}")


def test_a_linked_mkdocs_yml_is_refused_and_never_quoted(site, secret):
    # Read before anything else: it was read through the link, and its YAML error quoted it.
    (site / "mkdocs.yml").symlink_to(secret)
    refused(site, f"mkdocs.yml: {LINKED}")


def test_a_mkdocs_yml_that_is_not_yaml_is_named_with_its_line(site):
    (site / "mkdocs.yml").write_text("site_name: x\nnav: [a\n  b: c\n", encoding="utf-8")
    refused(site, "mkdocs.yml, line 3: cannot be read as YAML")


def test_a_linked_plan_folder_and_data_folder_are_refused(site, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    shutil.move(site / "data" / "plan", elsewhere)
    (site / "data" / "plan").symlink_to(elsewhere)
    refused(site, f"data/plan: {LINKED}")
    assert ".yaml: is a symbolic link" not in invoke("validate", site).output  # not each file
    shutil.move(site / "data", tmp_path / "data")
    (site / "data").symlink_to(tmp_path / "data")
    refused(site, f"data: {LINKED}")


def test_each_read_checks_the_file_itself(site, secret, monkeypatch):
    """The reader refuses a link on its own, should one appear after the folder was looked
    through (or be missed by it)."""
    from improvement_site.data import load
    monkeypatch.setattr(load, "refused_in", lambda folder, site_dir: [])
    (site / "data" / "glossary.yaml").unlink()
    (site / "data" / "glossary.yaml").symlink_to(secret)
    result = invoke("validate", site)
    assert result.exit_code == 1
    assert f"data/glossary.yaml: {LINKED}" in result.output
    assert SECRET not in result.output


def test_a_pipe_in_data_is_refused_not_waited_on(site):
    (site / "data" / "glossary.yaml").unlink()
    os.mkfifo(site / "data" / "glossary.yaml")
    done = []
    worker = threading.Thread(target=lambda: done.append(invoke("validate", site)),
                              daemon=True)
    worker.start()
    worker.join(30)
    assert done, "validate waited on a pipe"
    assert done[0].exit_code == 1
    assert "data/glossary.yaml: is not a regular file" in done[0].output


def test_import_refuses_a_linked_data_file_and_writes_nothing(site, secret):
    """import checks the site with its new files in a copy of data/: the copy keeps links as
    links, so they are refused there too, not copied as the files they point at."""
    plan = Path(__file__).resolve().parent / "fixtures" / "import" / "plan.csv"
    (site / "data" / "glossary.yaml").unlink()
    (site / "data" / "glossary.yaml").symlink_to(secret)
    before = sorted((site / "data" / "plan").iterdir())
    result = invoke("import", "plan", plan, site)
    assert result.exit_code == 1, result.output
    assert f"data/glossary.yaml: {LINKED}" in result.output
    assert SECRET not in result.output
    assert sorted((site / "data" / "plan").iterdir()) == before


@pytest.mark.parametrize("linked", ["measures.yaml", "measures.csv"])
def test_import_measures_never_merges_or_replaces_a_linked_file(tmp_path, linked):
    """The measures import reads the site's measures.yaml (to match names) and, with
    --merge, its measures.csv, before it checks the site: a link there is refused, not read,
    merged and written back as a regular file holding what it pointed at."""
    fixtures = Path(__file__).resolve().parent / "fixtures" / "import"
    nel = Path(__file__).resolve().parents[1] / "examples" / "north-east-lincolnshire"
    site = tmp_path / "nel"
    shutil.copytree(nel / "data", site / "data")
    target = site / "data" / linked
    copy = tmp_path / f"outside-{linked}"
    copy.write_bytes(target.read_bytes().replace(b"Rate of", f"{SECRET} Rate of".encode()))
    target.unlink()
    target.symlink_to(copy)
    result = invoke("import", "measures", fixtures / "measures-wide.csv", "--site", site,
                    "--mapping", fixtures / "measures-mapping.yaml", "--merge",
                    "--latest-date", "2023-07-17")
    assert result.exit_code == 1, result.output
    assert f"{linked}: {LINKED}" in result.output, result.output
    assert SECRET not in result.output
    assert target.is_symlink()


def test_the_measures_import_never_reads_a_linked_measures_yaml(tmp_path, secret):
    """It reads the site's measures.yaml to match the scorecard's names before the site is
    checked: through a link, the names of another file would be matched and merged."""
    from improvement_site.tracker.measures_yaml import measure_names
    site = tmp_path / "site"
    (site / "data").mkdir(parents=True)
    secret.write_text(f"- id: leaked\n  name: {SECRET}\n", encoding="utf-8")
    (site / "data" / "measures.yaml").symlink_to(secret)
    problems = []
    assert measure_names(site, problems) == ({}, None, None)
    assert [(p.file, p.message) for p in problems] == [
        ("data/measures.yaml", LINKED + LINK_ADVICE)]


# -- links in content/ ------------------------------------------------------------------------

def test_a_linked_content_page_and_folder_are_refused(site, secret):
    (site / "content" / "passwd.txt").symlink_to(secret)
    (site / "content" / "keys").symlink_to(secret.parent)  # holds the "id_rsa"
    (site / "content" / "notes-copy.md").symlink_to(secret)  # a page: not even parsed
    refused(site, f"content/passwd.txt: {LINKED}", f"content/keys: {LINKED}",
            f"content/notes-copy.md: {LINKED}")


def test_a_link_made_after_validation_is_still_not_copied(site, secret, monkeypatch):
    """MkDocs collects content/ following links; the plugin's file hook refuses what it
    collected through one, should the folder change between the checks and the copy."""
    from improvement_site.pages import page_checks
    (site / "content" / "keys").symlink_to(secret.parent)
    monkeypatch.setattr(page_checks, "refused_in", lambda folder, site_dir: [])
    result = invoke("build", site)
    assert result.exit_code == 1
    assert f"content/keys/environ: {LINKED}" in result.output
    assert SECRET not in result.output
    assert not (site / "site").exists()


def test_a_link_in_the_themes_custom_folder_is_not_copied(site, secret):
    """A site's own theme folder (mkdocs.yml `custom_dir`) is copied by MkDocs too."""
    (site / "mkdocs.yml").write_text("theme:\n  custom_dir: overrides\n", encoding="utf-8")
    (site / "overrides" / "assets").mkdir(parents=True)
    (site / "overrides" / "assets" / "leak.txt").symlink_to(secret)
    result = invoke("build", site)
    assert result.exit_code == 1, result.output
    assert f"overrides/assets/leak.txt: {LINKED}" in result.output
    assert SECRET not in result.output
    assert not (site / "site").exists()


# -- release ------------------------------------------------------------------------------------

def test_release_refuses_a_tagged_link_and_publishes_nothing(tmp_path, secret):
    repo = tmp_path / "repo"
    shutil.copytree(MINIMAL, repo)
    init_repo(repo)
    commit_all(repo, "site")
    (repo / "content" / "passwd.txt").symlink_to(secret)
    commit_all(repo, "a link", tag="meeting-2024-04-10")
    result = invoke("release", repo, "--tag", "meeting-2024-04-10")
    assert result.exit_code == 1, result.output
    assert f"content/passwd.txt: {LINKED}" in result.output
    assert SECRET not in result.output
    assert "gh-pages" not in git(repo, "branch", "--list")


def test_demo_refuses_a_linked_file_of_its_source(secret, tmp_path):
    """demo copies the source site into a throw-away repository: links stay links there, so
    its first release refuses them as any build does."""
    root, source = MINIMAL.parents[2], tmp_path / "source"
    for name in ("data", "content", "examples/nottingham-2023-01-26"):
        shutil.copytree(root / name, source / name)
    (source / "content" / "passwd.txt").symlink_to(secret)
    result = invoke("demo", "--no-serve", "--source", source, "--out", tmp_path / "demo")
    assert result.exit_code == 1, result.output
    assert f"content/passwd.txt: {LINKED}" in result.output
    assert SECRET not in result.output


# -- the logo -----------------------------------------------------------------------------------

INKSCAPE = f"""<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!-- Created with Inkscape (http://www.inkscape.org/) -->
<svg xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:cc="http://creativecommons.org/ns#"
   xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:svg="{SVG}" xmlns="{SVG}"
   xmlns:xlink="http://www.w3.org/1999/xlink"
   xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"
   xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
   width="120" height="40" viewBox="0 0 120 40" version="1.1" id="svg8"
   inkscape:version="1.2.2 (b0a8486541, 2022-12-01)" sodipodi:docname="crest.svg">
  <defs id="defs2">
    <linearGradient inkscape:collect="always" id="sky"><stop offset="0" stop-color="#1d4f91"/>
      <stop offset="1" stop-color="#0b2545"/></linearGradient>
  </defs>
  <sodipodi:namedview id="base" pagecolor="#ffffff" inkscape:zoom="2.8" showgrid="false"/>
  <metadata id="metadata5"><rdf:RDF><cc:Work rdf:about=""><dc:format>image/svg+xml</dc:format>
    <dc:type rdf:resource="http://purl.org/dc/dcmitype/StillImage"/></cc:Work></rdf:RDF>
  </metadata>
  <g inkscape:label="Layer 1" inkscape:groupmode="layer" id="layer1">
    <rect id="shield" x="0" y="0" width="40" height="40" fill="url(#sky)"
       style="fill-opacity:1;stroke:none"/>
    <use xlink:href="#shield" x="80"/>
    <circle cx="60" cy="20" r="15" style="fill:#e8a33d;stroke:#0b2545;stroke-width:2"/>
  </g>
</svg>
"""

ILLUSTRATOR = f"""<?xml version="1.0" encoding="utf-8"?>
<!-- Generator: Adobe Illustrator 27.0.0, SVG Export Plug-In . SVG Version: 6.00 Build 0)  -->
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg version="1.1" id="Layer_1" xmlns="{SVG}" xmlns:xlink="http://www.w3.org/1999/xlink"
  x="0px" y="0px" viewBox="0 0 200 100" style="enable-background:new 0 0 200 100;"
  xml:space="preserve" width="200" height="100">
<style type="text/css">
  .st0{{fill:#1D4F91;}}
  .st1{{fill:none;stroke:#FFFFFF;stroke-width:6;stroke-miterlimit:10;}}
</style>
<title>Example Borough Council</title>
<g id="crest" data-name="Crest">
  <rect class="st0" width="200" height="100"/>
  <polyline class="st1" points="20,80 100,20 180,80"/>
</g>
</svg>
"""


def render(svg: bytes):
    """The drawing as pixels (resvg, through vl-convert, as charts are)."""
    import vl_convert
    from PIL import Image
    return Image.open(io.BytesIO(vl_convert.svg_to_png(svg.decode("utf-8")))).convert("RGBA")


@pytest.mark.parametrize("logo", [INKSCAPE, ILLUSTRATOR], ids=["inkscape", "illustrator"])
def test_real_logos_come_through_and_draw_the_same(logo):
    original = logo.encode("utf-8")
    clean = sanitised_svg(original)
    tree = etree.fromstring(clean)
    names = {etree.QName(el).localname for el in tree.iter() if isinstance(el.tag, str)}
    assert not names & {"metadata", "namedview", "script"}
    assert b"inkscape:" not in clean and b"sodipodi:" not in clean
    before, after = render(original), render(clean)
    assert before.tobytes() == after.tobytes()
    assert len(after.getcolors(1 << 16) or ()) > 2  # it draws: colours, not one blank


def test_the_built_sites_logo_carries_no_script(site):
    # A drawing with something active in each of the places an editor would not look.
    logo = INKSCAPE.replace("<metadata", "<foreignObject><body xmlns='http://www.w3.org/1999/"
                            "xhtml'><script>alert(1)</script></body></foreignObject><metadata")
    logo = logo.replace("</g>", "<animate attributeName='href' to='javascript:alert(1)'/></g>")
    (site / "data" / "logo.svg").write_text(logo, encoding="utf-8")
    set_logo(site, "logo.svg")
    result = invoke("build", site)
    assert result.exit_code == 0, result.output
    built = (site / "site" / "assets" / "logo.svg").read_bytes()
    tree = etree.fromstring(built)
    for element in tree.iter():
        assert etree.QName(element).namespace == SVG
        assert etree.QName(element).localname not in ("script", "foreignObject", "animate")
        for name, value in element.attrib.items():
            assert not etree.QName(name).localname.startswith("on")
            assert "javascript" not in value
    assert b"<circle" in built and b'href="#shield"' in built
    header = (site / "site" / "index.html").read_text(encoding="utf-8")
    assert 'src="assets/logo.svg"' in header


REFUSED_SVG = {
    "script": (f'<svg xmlns="{SVG}"><script>alert(document.domain)</script>'
               f'<rect width="9" height="9"/></svg>', "holds a <script>"),
    "event attribute": (f'<svg xmlns="{SVG}" onload="alert(1)"><rect width="9" height="9"/>'
                        f'</svg>', 'has an event attribute (onload="...")'),
    "external href": (f'<svg xmlns="{SVG}" xmlns:x="http://www.w3.org/1999/xlink"><use '
                      f'x:href="https://evil.example/a.svg#x"/></svg>',
                      "refers to something outside the file"),
    "javascript link": (f'<svg xmlns="{SVG}"><image href="javascript:alert(1)"/></svg>',
                        "refers to something outside the file"),
    "svg in an image": (f'<svg xmlns="{SVG}"><image href="data:image/svg+xml;base64,PHN2Zz4="/>'
                        f'</svg>', "refers to something outside the file"),
    "css import": (f'<svg xmlns="{SVG}"><style>@import "https://evil.example/x.css";</style>'
                   f'<rect width="9" height="9"/></svg>', "its <style> refers to"),
    "css url": (f'<svg xmlns="{SVG}"><rect width="9" height="9" '
                f'style="fill:url(\'https://evil.example/p\')"/></svg>', "refers to something"),
    "css escape": (f'<svg xmlns="{SVG}"><style>rect{{fill:\\75 rl(https://e.example)}}</style>'
                   f'<rect width="9" height="9"/></svg>', "its <style> refers to"),
    "entities": ('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
                 '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
                 f'<svg xmlns="{SVG}"><text>&b;</text></svg>', "declares entities"),
    "external entity": ('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY e SYSTEM '
                        '"file:///etc/passwd">]>'
                        f'<svg xmlns="{SVG}"><text>&e;</text></svg>', "declares entities"),
    "not svg": ('<html><body><script>alert(1)</script></body></html>',
                "outermost element should be <svg"),
    "not xml": (f'<svg xmlns="{SVG}"><rect></svg>', "the XML is broken"),
    "nothing to draw": (f'<svg xmlns="{SVG}"><title>x</title><metadata/></svg>',
                        "nothing left to draw"),
}


@pytest.mark.parametrize("case", sorted(REFUSED_SVG))
def test_an_svg_that_is_more_than_a_drawing_is_refused(case):
    text, words = REFUSED_SVG[case]
    with pytest.raises(LogoRefused, match=None) as caught:
        sanitised_svg(text.encode("utf-8"))
    assert words in str(caught.value)


def test_a_hostile_logo_fails_validate_and_build(site):
    (site / "data" / "logo.svg").write_text(REFUSED_SVG["script"][0], encoding="utf-8")
    set_logo(site, "logo.svg")
    refused(site, "data/logo.svg: holds a <script>, which would run on the site")


@pytest.mark.parametrize("name, content, words", [
    ("logo.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "is named .png but is not a PNG"),
    ("logo.svg", b"\x89PNG\r\n\x1a\n" + b"\0" * 32, "is named .svg but is not an SVG"),
    ("logo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * MAX_LOGO_BYTES, "larger than 1,024 KB"),
])
def test_a_logo_is_judged_by_its_bytes_and_size(site, name, content, words):
    (site / "data" / name).write_bytes(content)
    set_logo(site, name)
    refused(site, f"data/{name}: ", words)


def test_a_png_logo_is_published_as_it_is(site):
    png = render(INKSCAPE.encode("utf-8"))
    out = io.BytesIO()
    png.save(out, format="PNG")
    (site / "data" / "logo.png").write_bytes(out.getvalue())
    set_logo(site, "logo.png")
    assert invoke("build", site).exit_code == 0
    assert (site / "site" / "assets" / "logo.png").read_bytes() == out.getvalue()


# -- hard links (issue 20, review B7) and a whole PNG ------------------------------------------

HARD = "is a hard link to another file, which the site does not read"


def test_a_hard_linked_content_file_is_refused_and_never_published(site, secret):
    # A second name for the secret: lstat sees a regular file, so only its link count tells.
    os.link(secret, site / "content" / "hard.txt")
    refused(site, f"content/hard.txt: {HARD}", "replace it with a copy of the file")
    assert not (site / "site" / "hard.txt").exists()


def test_a_hard_linked_data_file_is_refused_and_never_quoted(site, secret):
    (site / "data" / "glossary.yaml").unlink()
    os.link(secret, site / "data" / "glossary.yaml")
    refused(site, f"data/glossary.yaml: {HARD}")


def test_a_png_logo_must_be_all_png_not_the_signature_and_html(site):
    (site / "data" / "logo.png").write_bytes(
        b"\x89PNG\r\n\x1a\n<html><script>alert(document.cookie)</script></html>")
    set_logo(site, "logo.png")
    refused(site, "data/logo.png: is named .png but is not a PNG image, or not all of one")


def test_a_png_logo_with_more_after_its_end_is_refused(site):
    png = io.BytesIO()
    render(INKSCAPE.encode("utf-8")).save(png, format="PNG")
    (site / "data" / "logo.png").write_bytes(png.getvalue() + b"<script>alert(1)</script>")
    set_logo(site, "logo.png")
    refused(site, "data/logo.png: ", "something follows the end of the image")
