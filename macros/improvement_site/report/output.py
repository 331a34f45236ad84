"""Make the committee report: the model once, then the PDF and/or the Word file from it.

Used by `improvement-site report` (one file), by `build --report` and by `release` (both
files, into the site's `downloads/` folder, named after the meeting).
"""

from __future__ import annotations

import os
from datetime import datetime, time, timezone
from pathlib import Path

from improvement_site.lifecycle import check_output_file, write_atomic
from improvement_site.model.sitedata import SiteData
from improvement_site.publish.history import History
from improvement_site.report import charts as report_charts
from improvement_site.report.blocks import Chart, Report
from improvement_site.report.build import build_report

FORMATS = {".pdf": "PDF", ".docx": "Word"}
FOLDER = "downloads"


class ReportError(Exception):
    """The report could not be written; the message says why."""


def file_name(data: SiteData, suffix: str) -> str:
    """committee-report-2024-09-11.pdf: the meeting's date (else the reporting date)."""
    site = data.site
    when = site.meeting.date if site.meeting else site.reporting_date
    return f"committee-report-{when.isoformat()}{suffix}"


def site_paths(data: SiteData) -> list[tuple[str, str]]:
    """(format, path in the built site) of each report a build with reports carries."""
    return [(label, f"{FOLDER}/{file_name(data, suffix)}") for suffix, label in FORMATS.items()]


def build_epoch(data: SiteData) -> int:
    """The date written into the files: SOURCE_DATE_EPOCH (the reproducible-builds
    convention, which the site's build honours too), else midnight UTC of the reporting
    date, never the clock."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if value.isdigit():
        return int(value)
    midnight = datetime.combine(data.site.reporting_date, time(), tzinfo=timezone.utc)
    return int(midnight.timestamp())


def make_report(data: SiteData, history: History, *, audience: str,
                cache_root: Path, figures=None, site_url: str | None = None,
                directory_urls: bool = False) -> Report:
    """The report model; links in data are followed from the site's published address
    (`site_url`, with the pages named as `use_directory_urls` names them): report/links.py."""
    charts = report_charts.measure_charts(data, Path(cache_root).resolve(), figures)
    return build_report(data, history, audience=audience, charts=charts, site_url=site_url,
                        directory_urls=directory_urls)


def file_bytes(report: Report, suffix: str, epoch: int) -> bytes:
    if suffix == ".pdf":
        from improvement_site.report.pdf import pdf_bytes
        return pdf_bytes(report, epoch)
    if suffix == ".docx":
        from improvement_site.report.word import docx_bytes
        charts = [b for b in report.blocks if isinstance(b, Chart)]
        return docx_bytes(report, epoch, report_charts.pngs(charts))
    raise ReportError(f'cannot write a "{suffix}" report: name the file .pdf or .docx')


def write(report: Report, path: Path, epoch: int) -> Path:
    path = Path(path)
    data = file_bytes(report, path.suffix.lower(), epoch)
    try:
        write_atomic(path, data)
    except OSError as exc:
        raise ReportError(f"{path}: {exc.strerror or exc}") from None
    return path


def write_site_reports(data: SiteData, history: History, site_dir: Path, *, audience: str,
                       cache_root: Path, figures=None, site_url: str | None = None,
                       directory_urls: bool = False) -> list[Path]:
    """Both reports into a built site's downloads/ folder (`build --report`, `release`);
    `figures` is the build's figure cache."""
    report = make_report(data, history, audience=audience, cache_root=cache_root,
                         figures=figures, site_url=site_url, directory_urls=directory_urls)
    epoch = build_epoch(data)
    return [write(report, Path(site_dir) / path, epoch) for _, path in site_paths(data)]


def write_file(site_dir: Path, out: Path, *, audience: str, cache_root: Path,
               site_url: str | None = None, directory_urls: bool = False) -> Path:
    """`improvement-site report SITE --out FILE`: validate, then write one report."""
    from improvement_site.publish.audience import for_audience
    from improvement_site.publish.current import full_data
    from improvement_site.publish.history import load_history

    suffix = Path(out).suffix.lower()
    if suffix not in FORMATS:
        raise ReportError(f'cannot write a "{suffix or Path(out).name}" report: name the '
                          "file .pdf or .docx")
    check_output_file(out, site_dir)  # never into data/ or content/ (raises UnsafeOutput)
    data_dir = (Path(site_dir) / "data").resolve()
    data = for_audience(full_data(data_dir), audience)  # raises DataError, every problem
    history = load_history(data, data_dir, audience)
    report = make_report(data, history, audience=audience, cache_root=cache_root,
                         site_url=site_url, directory_urls=directory_urls)
    return write(report, out, build_epoch(data))
