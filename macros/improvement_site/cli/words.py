"""How the command line words numbers of things."""

from __future__ import annotations


def count(number: int, noun: str) -> str:
    """`1 area`, `2 areas`, `0 visits`."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"
