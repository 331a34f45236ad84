"""An Atom feed of releases: one entry per committee meeting, saying in words what changed
since the meeting before, so readers can subscribe (the static counterpart of an email alert).

Where it lives. Every build writes `feed.xml` at its root, listing this release and every
earlier one it can read from git. On the publishing branch each release is a folder
(`2024-09-11/`), `latest/` is made of redirect pages (which a feed reader does not follow),
and a published folder never changes; so `release` also writes `feed.xml` at the branch's
root, a copy of the newest meeting's feed with its links made relative to the root, and
every page of every release links to that one (`../feed.xml`): subscribing from any release
gives the feed that grows.

Ids are tag URIs (RFC 4151) made from the data, never from the clock: the site's address
(`site_url`), else the contact address, else the council's name; the date of the meeting;
and the release tag. Dates are meeting dates.
"""

from __future__ import annotations

import os
import posixpath
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from improvement_site.model.labels import long_date
from improvement_site.publish import change_summary
from improvement_site.publish.changes import compare
from improvement_site.publish.history import History, Snapshot

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FILE = "feed.xml"
FIRST = "The first release: there is no earlier release to compare with."


@dataclass(frozen=True)
class Entry:
    tag: str  # meeting-2024-09-11
    date: str  # ISO date of the meeting
    title: str
    summary: str
    href: str  # the release's "what changed" page, relative to the feed


def tag_of(snapshot: Snapshot) -> str:
    return snapshot.release.tag if snapshot.release else f"meeting-{snapshot.date.isoformat()}"


def entries(history: History, href: Callable[[Snapshot], str]) -> list[Entry]:
    """One entry per release, newest first, each with what changed since the one before."""
    out = []
    snapshots = history.snapshots
    for i, snap in enumerate(snapshots):
        meeting = snap.data.site.meeting
        title = long_date(snap.date) + (f": {meeting.committee}" if meeting else
                                        f": the position as at "
                                        f"{long_date(snap.data.site.reporting_date)}")
        if i == 0:
            summary = FIRST
        else:
            previous = snapshots[i - 1]
            summary = (f"What changed since the meeting of {previous.label}: "
                       f"{change_summary.summary(compare(previous.data, snap.data))}")
        out.append(Entry(tag_of(snap), snap.date.isoformat(), title, summary, href(snap)))
    return list(reversed(out))


def authority(site, site_url: str | None) -> str:
    """Who mints the ids: the site's host name, else its contact address, else the council's
    name as a DNS-like word (nottingham-city-council)."""
    host = urlsplit(site_url).hostname if site_url else None
    if host:
        return host.lower()
    if site.contact and re.fullmatch(r"[^@\s,]+@[A-Za-z0-9.-]+", site.contact):
        return site.contact.lower()
    slug = re.sub(r"[^a-z0-9]+", "-", site.council.lower()).strip("-")
    return slug or "improvement-site"


def _instant(day: str) -> str:
    return f"{day}T00:00:00Z"


def feed_xml(history: History, *, href: Callable[[Snapshot], str], self_href: str,
             home_href: str, site_url: str | None = None) -> str:
    """The feed as text: well-formed Atom 1.0, entries newest first."""
    site = history.current.data.site
    who = authority(site, site_url)
    items = entries(history, href)
    first = min(e.date for e in items)
    ET.register_namespace("", ATOM)

    def sub(parent, name, text=None, **attrs):
        element = ET.SubElement(parent, f"{{{ATOM}}}{name}", attrs)
        if text is not None:
            element.text = text
        return element

    feed = ET.Element(f"{{{ATOM}}}feed", {XML_LANG: "en-GB"})
    sub(feed, "id", f"tag:{who},{first}:releases")
    sub(feed, "title", f"{site.title}: releases for each committee meeting")
    sub(feed, "subtitle", f"{site.council}, {site.service}: what changed at each meeting.")
    sub(feed, "updated", _instant(max(e.date for e in items)))
    author = sub(feed, "author")
    sub(author, "name", site.council)
    sub(feed, "link", rel="self", type="application/atom+xml", href=self_href)
    sub(feed, "link", rel="alternate", type="text/html", href=home_href)
    sub(feed, "generator", "improvement-site")
    for e in items:
        entry = sub(feed, "entry")
        sub(entry, "id", f"tag:{who},{e.date}:releases/{e.tag}")
        sub(entry, "title", e.title)
        sub(entry, "published", _instant(e.date))
        sub(entry, "updated", _instant(e.date))
        sub(entry, "link", rel="alternate", type="text/html", href=e.href)
        sub(entry, "summary", e.summary)
    ET.indent(feed)
    return ET.tostring(feed, encoding="unicode", xml_declaration=True) + "\n"


def write(site_dir: Path, history: History, *, page_url: Callable[[str], str],
          changes_page: str, releases_page: str, versioned: bool,
          site_url: str | None = None) -> Path:
    """`feed.xml` at the root of a built site. In a release (`versioned`), earlier releases'
    pages are in their own folders beside this one (`../2024-07-10/`); in a plain build they
    are not published, so their entries point to this site's releases page."""
    changes, releases = page_url(changes_page), page_url(releases_page)

    def href(snap: Snapshot) -> str:
        if snap.release is None:
            return changes
        return f"../{snap.release.date.isoformat()}/{changes}" if versioned else releases

    path = Path(site_dir) / FILE
    path.write_text(feed_xml(history, href=href, self_href=FILE, home_href=releases,
                             site_url=site_url), encoding="utf-8")
    return path


def rebase(text: str, version: str) -> str:
    """A release's feed as the publishing branch's root feed: each link, relative to the
    release's folder, made relative to the root; the self link is the root's feed."""
    ET.register_namespace("", ATOM)
    feed = ET.fromstring(text)
    for link in feed.iter(f"{{{ATOM}}}link"):
        if link.get("rel") == "self":
            link.set("href", FILE)
        else:
            link.set("href", posixpath.normpath(f"{version}/{link.get('href')}"))
    ET.indent(feed)
    return ET.tostring(feed, encoding="unicode", xml_declaration=True) + "\n"


def publish_root(repo: Path, site_dir: Path, version: str, branch: str, tag: str) -> bool:
    """Commit the newest release's feed to the root of the publishing branch (`release`)."""
    source = Path(site_dir) / FILE
    if not source.is_file():
        return False
    from mike import git_utils

    cwd = os.getcwd()
    os.chdir(repo)
    try:
        with git_utils.Commit(branch, f"{tag}: the feed of releases") as commit:
            commit.add_file(git_utils.FileInfo(FILE, rebase(source.read_text(encoding="utf-8"),
                                                            version)))
    finally:
        os.chdir(cwd)
    return True
