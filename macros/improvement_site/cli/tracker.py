"""`improvement-site import ...` and `improvement-site export ...`: a council's own tracker in
and out of the data files. The work is in tracker.plan, tracker.measures and tracker.export; this
module turns their results and failures into messages and exit codes."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any, Callable

import click

from improvement_site.cli.words import count as _count, unsafe
from improvement_site.data.problems import DataError
from improvement_site.lifecycle import UnsafeOutput

# SITE comes after FILE, as in every other command a positional argument (default: the
# current folder); --site, its old spelling, still works but is not shown.
SITE = click.argument("site", type=click.Path(file_okay=False, path_type=Path), required=False)
SITE_OPTION = click.option("--site", "site_option", hidden=True,
                           type=click.Path(file_okay=False, path_type=Path))


def _site(site: Path | None, site_option: Path | None) -> Path:
    if site is not None and site_option is not None and site != site_option:
        raise click.UsageError(f"the site folder is given twice ({site} and --site "
                               f"{site_option}); give it once, after FILE")
    return site or site_option or Path(".")

MAPPING = click.option("--mapping", type=click.Path(dir_okay=False, path_type=Path),
                       help="A YAML file naming your own column headings, areas, RAG words or "
                            "measure names (see docs/import.md).")
FILE = click.argument("file", type=click.Path(dir_okay=False, path_type=Path))


def _run(ctx: click.Context, action: Callable[[], Any], site: Path | None = None) -> Any:
    """Run an import or export; any failure is one message and exit code 1, never a traceback
    (unless --debug). Problems in the site's files are named from `site` as typed."""
    from improvement_site.tracker.export import ExportFailed
    from improvement_site.tracker.importing import ImportFailed

    try:
        return action()
    except UnsafeOutput as exc:
        unsafe(exc)
    except DataError as exc:
        click.echo(exc.report(site), err=True)
    except ImportFailed as exc:
        click.echo(exc.report(), err=True)
    except ExportFailed as exc:
        click.echo(f"Export failed; nothing was written: {exc}", err=True)
    # Anything else is not the input's fault: it escapes to the CLI's guard, which words it
    # as an internal error in one line (with a traceback under --debug) and exits 1.
    sys.exit(1)


def _places(site: Path, folder: Path | None = None, files: dict | None = None,
            read: tuple = ()) -> None:
    """Refuse (UnsafeOutput, a usage error) where an import or export must not write: an
    output `folder`, and `files` (path → (suffixes it must end in, the site's own file it may
    replace)), none of them one of the files it `read`s or another of the outputs."""
    from improvement_site.lifecycle import check_output_file, check_output_folder
    if folder is not None:
        check_output_folder(folder, site, replaced=False, inside_ok=(site / "data" / "plan",))
    seen = {Path(p).resolve() for p in read if p is not None}
    for path, (suffixes, own) in (files or {}).items():
        if path is None:
            continue
        if path.suffix.lower() not in suffixes:
            raise UnsafeOutput(f'{path} does not end in {" or ".join(suffixes)}; name the file '
                               f'with {suffixes[0]}, e.g. {own.stem}{suffixes[0]}')
        # The site's own data file is the import's to replace; any other existing file
        # only if improvement-site wrote it (lifecycle.written_here).
        mine = (site / own,) if own.parts[0] == "data" else ()
        real = check_output_file(path, site, inside_ok=mine)
        if real in seen:
            raise UnsafeOutput(f"{path} is named twice, as a file read and a file written (or "
                               f"as two files written); give each its own file")
        seen.add(real)


def _iso_day(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f'"{value}" is not a date; write it as YYYY-MM-DD, e.g. '
                                 f"2023-07-17") from None


@click.group("import")
def import_group() -> None:
    """Turn your tracker (an Excel workbook or CSV file) into the site's data files.

    Everything is checked first: every row that cannot be read is listed with its sheet, row
    and column, and then nothing is written. See docs/import.md.
    """


@import_group.command("plan")
@FILE
@SITE
@SITE_OPTION
@MAPPING
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Where to write the area files (default: SITE/data/plan).")
@click.pass_context
def import_plan_command(ctx: click.Context, file: Path, site: Path | None,
                        site_option: Path | None, mapping: Path | None,
                        out: Path | None) -> None:
    """Import the action plan in FILE (.xlsx or .csv) into SITE (default: the current
    folder) as data/plan/NN-<area>.yaml files.

    The YAML files in the plan folder are replaced by the plan in FILE.
    """
    from improvement_site.tracker.plan import import_plan

    site = _site(site, site_option)
    done = _run(ctx, lambda: (_places(site, out), import_plan(file, site, out, mapping))[1],
                site)
    target = out if out is not None else site / "data" / "plan"
    removed = f"; removed {', '.join(done.removed)}" if done.removed else ""
    click.echo(f"Imported {_count(done.areas, 'area')} and {_count(done.actions, 'action')} "
               f"from {file.name} into {target} ({_count(done.changed, 'file')} changed"
               f"{removed}). {_valid(site, target, Path('data', 'plan'))}")


@import_group.command("measures")
@FILE
@SITE
@SITE_OPTION
@MAPPING
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write (default: SITE/data/measures.csv).")
@click.option("--latest-date", callback=_iso_day, metavar="YYYY-MM-DD",
              help='The date the figures in a "Latest" or "Current" column are for.')
@click.option("--latest-note", default="", help='A note for the "Latest" figures, e.g. '
                                                '"Latest, data refreshed 17 July 2023".')
@click.option("--merge", is_flag=True, help="Keep the figures already in the file; imported "
                                            "figures replace those for the same measure and "
                                            "period.")
@click.option("--definitions-out", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the measures' definitions read from the scorecard "
                   "(default: SITE/data/measures.yaml).")
@click.pass_context
def import_measures_command(ctx: click.Context, file: Path, site: Path | None,
                            site_option: Path | None, mapping: Path | None,
                            out: Path | None, latest_date: date | None, latest_note: str,
                            merge: bool, definitions_out: Path | None) -> None:
    """Import the scorecard in FILE (.xlsx or .csv) into SITE (default: the current folder)
    as data/measures.csv.

    FILE is wide (a row per measure, a column per month) or long (measure, period, value,
    note columns). Without --merge, measures.csv is replaced. Target, Tolerance and "Good is"
    columns of a wide scorecard update (or create) the measures in data/measures.yaml; a
    printed RAG or DoT column is compared with the site's own, and every difference listed.
    """
    from improvement_site.tracker.measures import import_measures

    site = _site(site, site_option)
    outputs = {out: ((".csv",), Path("data", "measures.csv")),
               definitions_out: ((".yaml", ".yml"), Path("data", "measures.yaml"))}
    done = _run(ctx, lambda: (
        _places(site, files=outputs, read=(file, mapping)),
        import_measures(file, site, out, mapping, latest_date, latest_note, merge,
                        definitions_out))[1], site)
    state = "written" if done.changed else "unchanged"
    click.echo(f"Imported {_count(done.values, 'value')} for {_count(done.measures, 'measure')} "
               f"from {file.name}; "
               f"{done.path} {state}. {_valid(site, done.path, Path('data', 'measures.csv'))}")
    if done.created or done.updated:
        parts = [f"created {', '.join(done.created)}" if done.created else "",
                 f"updated {', '.join(done.updated)}" if done.updated else ""]
        click.echo(f"Definitions in {done.definitions_path}: "
                   f"{'; '.join(p for p in parts if p)}.")
    if done.disagreements:
        click.echo(f"The printed rating differs from the site's for "
                   f"{_count(len(done.disagreements), 'row')} (not an error; check each one):")
        for line in done.disagreements:
            click.echo(f"  {line}")
    for note in done.notes:
        click.echo(f"Note: {note}")


def _valid(site: Path, written: Path, own: Path) -> str:
    """What the import's check says: the site's data is valid with the files written into
    it, or would be with those written elsewhere copied in."""
    if Path(written).resolve() == (site / own).resolve():
        return "The site's data is valid."
    return f"The site's data would be valid with them in {site / own}."


@click.group("export")
def export_group() -> None:
    """Write the site's data out to a workbook, to keep working on it in Excel."""


@export_group.command("plan")
@FILE
@SITE
@SITE_OPTION
@click.pass_context
def export_plan_command(ctx: click.Context, file: Path, site: Path | None,
                        site_option: Path | None) -> None:
    """Write the plan of SITE (default: the current folder) to the workbook FILE (.xlsx): a
    sheet per area, in the action plan's columns, with RAG as words and fill colours.
    `import plan FILE` reads it back."""
    from improvement_site.tracker.export import export_plan

    site = _site(site, site_option)
    if file.suffix.lower() != ".xlsx":
        click.echo(f'{file.name}: the export writes an Excel workbook; name the file with '
                   f'".xlsx", e.g. plan.xlsx', err=True)
        sys.exit(1)
    done = _run(ctx, lambda: (_places(site, files={file: ((".xlsx",), Path("plan.xlsx"))}),
                              export_plan(site, file))[1], site)
    click.echo(f"Wrote {_count(done.areas, 'area')} and {_count(done.actions, 'action')} to "
               f"{done.path}.")

