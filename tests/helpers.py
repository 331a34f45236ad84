"""Small helpers several test modules share: git in a test repository, editing a YAML data
file in place, and fetching pages from a local preview."""

from __future__ import annotations

import socket
import subprocess
import urllib.request
from pathlib import Path

import yaml


def git(repo: Path, *args: str, text: bool = True):
    """Run git in `repo`; its output (bytes with text=False). A failure raises."""
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True,
                          text=text).stdout


def edit_yaml(path: Path, change) -> None:
    """Load a YAML data file, let `change` edit it in place, and write it back."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_text(url: str, timeout: float = 10) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback
        return response.read().decode("utf-8")
