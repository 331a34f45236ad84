"""The `improvement-site` command: a thin layer over `commands`.

Every failure ends in a message a comms officer can act on and a non-zero exit code, never a
Python traceback (use --debug to see one).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import commands
from .cli_import import export_group, import_group
from .problems import DataError
from .release import ReleaseError

AUDIENCE = click.option(
    "--audience", type=click.Choice(["public", "committee"]), default=None,
    help="Who the site is for (default: $IMPROVEMENT_SITE_AUDIENCE, else public). A public "
         "build leaves out every record marked audience: committee.")
SITE = click.argument("site", type=click.Path(file_okay=False, path_type=Path), default=".",
                      required=False)


def _run(debug: bool, action):
    try:
        return action()
    except DataError as exc:
        click.echo(exc.report(), err=True)
        sys.exit(1)
    except commands.BuildFailed as exc:
        click.echo(f"Build failed; nothing was written: {exc}", err=True)
        sys.exit(1)
    except ReleaseError as exc:
        click.echo(f"Release failed; nothing was published: {exc}", err=True)
        sys.exit(1)
    except Exception as exc:  # noqa: BLE001 - the single exit point, as mike's driver
        if debug:
            raise
        click.echo(f"error: {exc.__class__.__name__}: {exc} (run with --debug for details)",
                   err=True)
        sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show Python tracebacks.")
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
    """Check SITE's data and report every problem, with file and line."""
    summary = _run(ctx.obj["debug"], lambda: commands.validate(site))
    click.echo(f"{site}/data is valid: {summary}.")


@main.command()
@SITE
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path),
              help="Where to write the site (default: SITE/site).")
@AUDIENCE
@click.option("--no-strict", is_flag=True, help="Do not fail on MkDocs warnings.")
@click.option("-v", "--verbose", is_flag=True, help="Show MkDocs' progress messages.")
@click.pass_context
def build(ctx: click.Context, site: Path, out: Path | None, audience: str | None,
          no_strict: bool, verbose: bool) -> None:
    """Validate SITE's data and build the website into --out."""
    commands.setup_logging(verbose)
    written = _run(ctx.obj["debug"], lambda: commands.build(site, out, strict=not no_strict,
                                                            audience=audience))
    click.echo(f"Built {written} for the {commands.chosen_audience(audience)} audience")


@main.command()
@SITE
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True,
              help="Address to serve on.")
@AUDIENCE
@click.pass_context
def serve(ctx: click.Context, site: Path, dev_addr: str, audience: str | None) -> None:
    """Preview SITE at http://127.0.0.1:8000, rebuilding on every change."""
    commands.setup_logging(True)
    _run(ctx.obj["debug"], lambda: commands.serve(site, dev_addr, audience))


@main.command()
@SITE
@click.option("--tag", required=True, help="The release tag, meeting-YYYY-MM-DD.")
@click.option("--branch", default="gh-pages", show_default=True,
              help="The publishing branch the releases are committed to.")
@click.option("--push", is_flag=True, help="Push the publishing branch when done.")
@click.option("--remote", default="origin", show_default=True, help="Where to push.")
@click.pass_context
def release(ctx: click.Context, site: Path, tag: str, branch: str, push: bool,
            remote: str) -> None:
    """Validate, build and publish the site as it was at TAG, with mike."""
    from .release import release as publish

    commands.setup_logging(False)
    done = _run(ctx.obj["debug"],
                lambda: publish(site, tag, branch=branch, push=push, remote=remote))
    click.echo(f"Published {done.tag} as {done.version}/ ({done.title}) on the {done.branch} "
               f"branch{' and pushed it' if done.pushed else ''}; latest/ now points to the "
               f"newest release.")


@main.command()
def fields() -> None:
    """Print the data contract's field reference (Markdown), written from the schema."""
    from .schema_docs import field_reference
    click.echo(field_reference(), nl=False)


main.add_command(import_group)
main.add_command(export_group)

if __name__ == "__main__":  # pragma: no cover
    main()
