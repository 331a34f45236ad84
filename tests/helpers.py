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


def init_repo(repo: Path) -> None:
    """A git repository in `repo` on branch main, with a committer set (a comms officer)."""
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "comms@example.org")
    git(repo, "config", "user.name", "Comms Officer")


def commit_all(repo: Path, message: str, tag: str | None = None) -> None:
    """Commit everything in `repo`, tagged `tag` if given (a meeting's release tag)."""
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    if tag:
        git(repo, "tag", tag)


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
