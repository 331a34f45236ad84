"""What the browser tests share: Debian's chromium, its flags, and a folder served on loopback."""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from pathlib import Path
from typing import Iterator

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def start_server(folder: Path) -> http.server.ThreadingHTTPServer:
    """Serve a folder on a free loopback port until `.shutdown()`."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def base_url(server: http.server.ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}/"


@contextlib.contextmanager
def serving(folder: Path) -> Iterator[str]:
    """A folder served on loopback for the length of the block; yields its base URL."""
    server = start_server(folder)
    try:
        yield base_url(server)
    finally:
        server.shutdown()


@contextlib.contextmanager
def watched_page(folder: Path):
    """A folder served on loopback and one chromium page that records every dialog (alert,
    confirm, prompt): yields (base URL, page, dialogs). Dialogs are dismissed, so a payload
    that opens one cannot hang the test."""
    from playwright.sync_api import sync_playwright

    dialogs: list[str] = []
    with serving(folder) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(reduced_motion="reduce")
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            yield base, page, dialogs
        finally:
            browser.close()
