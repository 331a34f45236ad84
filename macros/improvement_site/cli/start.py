"""`improvement-site new` and `improvement-site demo`: starting a site, and seeing one with its
releases. The work is in cli/new.py and cli/demo.py; this module turns their results and
failures into messages and exit codes."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from improvement_site.cli.new import DEFAULT_TITLE, NewSiteError, new_site


def _a_name(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--council and --title are names in site.yaml: the same rules apply (a usage error)."""
    if value is None:
        return None
    if not value.strip():
        raise click.BadParameter("is empty; write the name as it should appear on the site")
    from pydantic import TypeAdapter, ValidationError

    from improvement_site.data.problems import pydantic_message
    from improvement_site.model.schema import Name
    try:
        return TypeAdapter(Name).validate_python(value)
    except ValidationError as exc:
        said = pydantic_message({**exc.errors()[0], "loc": ()})
        raise click.BadParameter(said.strip() or "is not a name") from None


@click.command("new")
@click.argument("folder", metavar="DIR", type=click.Path(path_type=Path))
@click.option("--council", required=True, callback=_a_name,
              help="The council's name, e.g. \"Example Borough Council\".")
@click.option("--title", callback=_a_name,
              help=f"The site's title (default: \"{DEFAULT_TITLE}\").")
@click.option("--contact", callback=_a_name, metavar="EMAIL",
              help="The address readers are given to ask for another format or report a "
                   "problem (default: a placeholder to replace before you publish).")
@click.option("--force", is_flag=True,
              help="Add the site's files to a folder that already holds others (an existing "
                   "file is never replaced).")
def new_command(folder: Path, council: str, title: str | None, contact: str | None,
                force: bool) -> None:
    """Start a new site in DIR: placeholder data that validates and builds, an about page, a
    README for the comms team, a .gitignore, and CI that publishes a release when a meeting
    tag is pushed (GitHub Actions and GitLab CI)."""
    try:
        made = new_site(folder, council, title, force=force, contact=contact)
    except NewSiteError as exc:
        click.echo(f"improvement-site: {exc}.", err=True)
        sys.exit(1)
    shown = folder.as_posix()
    click.echo(f"Made a new site for {council} in {shown} ({len(made.files)} files). Next:\n"
               f"  improvement-site validate {shown}\n"
               f"  improvement-site serve {shown}\n"
               f"then replace the placeholders in {shown}/data/ (see {shown}/README.md).")
