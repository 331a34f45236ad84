"""The `improvement-site` command: a thin layer over `commands`.

Exit codes are a contract: 0 success, 1 the input has problems or the command could not
finish (always one worded message, never a Python traceback; --debug adds the traceback), 2 a
usage error (click's). Nothing else, whatever happens inside.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

import click

from improvement_site.cli import commands, engine

from improvement_site import lifecycle
from improvement_site.cli.start import new_command
from improvement_site.cli.tracker import export_group, import_group
from improvement_site.cli.words import unsafe
from improvement_site.data.problems import DataError
from improvement_site.publish.release import ReleaseError

AUDIENCE = click.option(
    "--audience", type=click.Choice(["public", "committee"]), default=None,
    help="Who the site is for (default: $IMPROVEMENT_SITE_AUDIENCE, else public). A public "
         "build leaves out every record marked audience: committee.")
SITE = click.argument("site", type=click.Path(file_okay=False, path_type=Path), default=".",
                      required=False)
ENGINE = click.option(
    "--engine", type=click.Choice(engine.ENGINES), default=engine.DEFAULT, show_default=True,
    help="Build with MkDocs or with ProperDocs, its maintained continuation (pip install "
         "properdocs).")

# What each command is doing, for the message when something fails that should not.
DOING = {"validate": "checking the data", "build": "building the site",
         "serve": "serving the preview", "release": "publishing the release",
         "fields": "writing the field reference", "import": "importing",
         "export": "exporting", "new": "making the new site", "demo": "building the demo",
         "report": "writing the committee report"}
NOTHING_WRITTEN = {"validate", "build", "release", "import", "export", "new", "demo", "report"}


def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _internal(doing: str, error: BaseException, debug: bool, wrote_nothing: bool = True):
    """The single message for a failure that is not the input's fault; exits with 1."""
    if debug:
        traceback.print_exception(error)
    what = _one_line(f"{error.__class__.__name__}: {error}")
    nothing = "; nothing was written" if wrote_nothing else ""
    click.echo(f"improvement-site: internal error while {doing} ({what}){nothing}. Run again "
               f"with --debug for the details and report it.", err=True)
    sys.exit(1)


def _run(debug: bool, action, doing: str = "running the command", site: Path | None = None,
         built: bool = True):
    """Run a command's action; every failure is one worded message and exit code 1. Problems
    in a site's files are named from `site`, the folder as the user typed it."""
    try:
        return action()
    except lifecycle.UnsafeOutput as exc:
        unsafe(exc)
    except DataError as exc:
        click.echo(exc.report(site, built=built), err=True)
        sys.exit(1)
    except engine.EngineError as exc:
        click.echo(f"improvement-site: {exc}.", err=True)
        sys.exit(1)
    except commands.BuildFailed as exc:
        if debug and exc.__cause__ is not None:
            traceback.print_exception(exc.__cause__)
        click.echo(f"Build failed; nothing was written: {exc}", err=True)
        sys.exit(1)
    except ReleaseError as exc:
        click.echo(f"Release failed; nothing was published: {exc}", err=True)
        sys.exit(1)
    except commands.InternalError as exc:
        _internal(exc.doing, exc.error, debug)
    except Exception as exc:  # noqa: BLE001 - the single exit point, as mike's driver
        _internal(doing, exc, debug)


class _Guarded(click.Group):
    """The last line of defence: whatever escapes a command (a library calling sys.exit with
    its own code, an error nobody expected, a SIGTERM) ends as one line and exit code 1."""

    def invoke(self, ctx: click.Context):
        debug = bool(ctx.params.get("debug"))
        rest = [*getattr(ctx, "_protected_args", []), *ctx.args]  # the command and its args
        name = rest[0] if rest else ""
        doing = DOING.get(name, "running the command")
        try:
            with lifecycle.stop_cleanly():
                return super().invoke(ctx)
        except lifecycle.Stopped as exc:
            if name == "serve":  # the usual way to end a preview, as Ctrl-C is
                sys.exit(0)
            nothing = ("; nothing was written" if name in NOTHING_WRITTEN and not exc.finished
                       else "")
            click.echo(f"improvement-site: stopped by {exc.signal} while {doing}{nothing}.",
                       err=True)
            sys.exit(1)
        except SystemExit as exc:
            if exc.code in (None, 0, 1, 2):
                raise
            _internal(doing, RuntimeError(f"stopped with exit code {exc.code}"), debug,
                      name in NOTHING_WRITTEN)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:  # noqa: BLE001
            _internal(doing, exc, debug, name in NOTHING_WRITTEN)


@click.group(cls=_Guarded, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="improvement-site", prog_name="improvement-site",
                      message="%(prog)s %(version)s")
@click.option("--debug", is_flag=True,
              help="When something fails, show the Python traceback as well.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Build a children's services improvement site from data/ and content/.

    SITE is a folder holding data/ and content/; the default is the current folder.
    """
    ctx.obj = {"debug": debug}


@main.command()
@SITE
@click.pass_context
def validate(ctx: click.Context, site: Path) -> None:
    """Check SITE's data and its own pages' macro calls; report every problem, with file and
    line."""
    summary = _run(ctx.obj["debug"], lambda: commands.validate(site), DOING["validate"], site,
                   built=False)
    click.echo(f"{(site / 'data').as_posix()} is valid: {summary}.")


@main.command()
@SITE
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path),
              help="Where to write the site (default: SITE/site).")
@AUDIENCE
@click.option("--no-strict", is_flag=True, help="Do not fail on MkDocs warnings.")
@click.option("-v", "--verbose", is_flag=True, help="Show MkDocs' progress messages.")
@click.option("--report", is_flag=True,
              help="Also write the committee report (PDF and Word) into the site's downloads/ "
                   "and link it from the home and releases pages (releases always do).")
@ENGINE
@click.pass_context
def build(ctx: click.Context, site: Path, out: Path | None, audience: str | None,
          no_strict: bool, verbose: bool, report: bool, engine: str) -> None:
    """Validate SITE's data and build the website into --out."""
    _use(engine)
    commands.setup_logging(verbose, debug=ctx.obj["debug"])
    audience = audience or _run(ctx.obj["debug"], lambda: commands.configured_audience(site),
                                DOING["build"], site)
    written = _run(ctx.obj["debug"], lambda: commands.build(site, out, strict=not no_strict,
                                                            audience=audience, report=report),
                   DOING["build"], site)
    click.echo(f"Built {written} for the {audience} audience")


@main.command()
@SITE
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True,
              help="Address to serve on.")
@AUDIENCE
@ENGINE
@click.pass_context
def serve(ctx: click.Context, site: Path, dev_addr: str, audience: str | None,
          engine: str) -> None:
    """Preview SITE at http://127.0.0.1:8000, rebuilding on every change."""
    _use(engine)
    # The preview's own messages stay whole: it has no one-line summary of a failed page.
    commands.setup_logging(True, debug=True)
    _run(ctx.obj["debug"], lambda: commands.serve(site, dev_addr, audience), DOING["serve"],
         site)


def _release_tag(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """A tag that cannot name a release (meeting-YYYY-MM-DD, ASCII digits, a real date) is a
    usage error, before the repository is looked at."""
    from improvement_site.publish.release import NOT_A_RELEASE_TAG, release_date
    if release_date(value) is None:
        raise click.BadParameter(NOT_A_RELEASE_TAG.format(tag=value))
    return value


@main.command()
@SITE
@click.option("--tag", required=True, callback=_release_tag,
              help="The release tag, meeting-YYYY-MM-DD.")
@click.option("--branch", default="gh-pages", show_default=True,
              help="The publishing branch the releases are committed to.")
@click.option("--push", is_flag=True, help="Push the publishing branch when done.")
@click.option("--remote", default="origin", show_default=True, help="Where to push.")
@click.option("--allow-date-mismatch", is_flag=True,
              help="Publish even if the tag's date is not the meeting date in the data at "
                   "that tag (data/site.yaml, meeting: date:); a warning says so.")
@ENGINE
@click.pass_context
def release(ctx: click.Context, site: Path, tag: str, branch: str, push: bool,
            remote: str, allow_date_mismatch: bool, engine: str) -> None:
    """Validate, build and publish the site as it was at TAG, with mike."""
    from improvement_site.publish.release import release as publish

    _use(engine)
    commands.setup_logging(False, debug=ctx.obj["debug"])
    done = _run(ctx.obj["debug"],
                lambda: publish(site, tag, build=commands.release_build, branch=branch, push=push,
                                remote=remote, allow_date_mismatch=allow_date_mismatch),
                DOING["release"], site)
    for warning in done.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"Published {done.tag} as {done.version}/ ({done.title}) on the {done.branch} "
               f"branch{' and pushed it' if done.pushed else ''}; {done.latest_sentence()}")


def _report_file(ctx: click.Context, param: click.Parameter, value: Path) -> Path:
    from improvement_site.report.output import FORMATS
    if value.suffix.lower() not in FORMATS:
        raise click.BadParameter(f'"{value}" must end in .pdf (tagged PDF) or .docx (Word)')
    return value


@main.command()
@SITE
@click.option("--out", "out", required=True, callback=_report_file,
              type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write: FILE.pdf (tagged PDF/UA) or FILE.docx (Word).")
@AUDIENCE
@click.pass_context
def report(ctx: click.Context, site: Path, out: Path, audience: str | None) -> None:
    """Write SITE's committee report, from the same data as the site, to --out."""
    from improvement_site.report.output import ReportError, write_file

    chosen = audience or _run(ctx.obj["debug"], lambda: commands.configured_audience(site),
                              DOING["report"], site)
    cache = Path(site).resolve() / ".cache"  # the build's caches: charts drawn once serve both
    site_url, directory_urls = _run(ctx.obj["debug"], lambda: commands.published_address(site),
                                    DOING["report"], site)

    def write() -> Path:
        try:
            return write_file(site, out, audience=chosen, cache_root=cache, site_url=site_url,
                              directory_urls=directory_urls)
        except ReportError as exc:
            click.echo(f"Report failed; nothing was written: {exc}", err=True)
            sys.exit(1)

    written = _run(ctx.obj["debug"], write, DOING["report"], site)
    click.echo(f"Wrote the {chosen} committee report to {written}")
def _use(name: str) -> None:
    """Choose the engine before anything imports MkDocs."""
    try:
        engine.use(name)
    except engine.EngineError as exc:
        click.echo(f"improvement-site: {exc}.", err=True)
        sys.exit(1)


@main.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Where to make the demo's repository and site (default: a new temporary "
                   "folder).")
@click.option("--no-serve", is_flag=True, help="Make the demo and say where it is; do not "
                                               "serve it.")
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True,
              help="Address to serve on.")
@click.option("--source", hidden=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--first-meeting", hidden=True, type=click.Path(file_okay=False, path_type=Path))
@ENGINE
@click.pass_context
def demo(ctx: click.Context, out: Path | None, no_serve: bool, dev_addr: str,
         source: Path | None, first_meeting: Path | None, engine: str) -> None:
    """Publish the bundled Nottingham site as its two meetings (26 January 2023 and 11
    September 2024), with the version menu and "what changed", and serve it."""
    from improvement_site.cli import demo as demos

    _use(engine)
    commands.setup_logging(False, debug=ctx.obj["debug"])

    def make():
        try:
            return demos.make_demo(out, commands.release_build, source=source,
                                   first_meeting=first_meeting,
                                   say=lambda line: click.echo(line, err=True))
        except demos.DemoError as exc:
            click.echo(f"improvement-site: {exc}.", err=True)
            sys.exit(1)

    made = _run(ctx.obj["debug"], make, DOING["demo"])
    url = f"http://{dev_addr}/"
    click.echo(f"Published {' and '.join(made.tags)} into {made.folder}/repository (the "
               f"{demos.BRANCH} branch); the site is in {made.site}.")
    if no_serve:
        click.echo(f"To see it: improvement-site demo, or serve {made.site} with any web "
                   f"server (python -m http.server -d {made.site}) and open its address.")
        return
    click.echo(f"Serving it at {url} (latest/ is the newest meeting; the menu beside the "
               f"title switches between them). Stop with Ctrl-C.")
    try:
        _run(ctx.obj["debug"], lambda: demos.serve(made.site, dev_addr), DOING["serve"])
    except (KeyboardInterrupt, lifecycle.Stopped):  # the usual ends of a preview
        sys.exit(0)


@main.command()
def fields() -> None:
    """Print the data contract's field reference (Markdown), written from the schema."""
    from improvement_site.data.schema_docs import field_reference
    click.echo(field_reference(), nl=False)


main.add_command(import_group)
main.add_command(export_group)
main.add_command(new_command)

if __name__ == "__main__":  # pragma: no cover
    main()
