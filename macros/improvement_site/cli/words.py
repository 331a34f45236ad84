"""How the command line words numbers of things, and a place it must not write to."""

from __future__ import annotations


def count(number: int, noun: str) -> str:
    """`1 area`, `2 areas`, `0 visits`."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def unsafe(exc: Exception):
    """A place the command must not write to (lifecycle.UnsafeOutput) is the command line's
    mistake: a usage error (exit 2), through click, before anything is written."""
    import click
    raise click.UsageError(f"{exc}; nothing was written.",
                           click.get_current_context(silent=True)) from None
