"""Counting in words: "1 post", "3 posts", never "3 post(s)"."""

from __future__ import annotations


def count(number: int, noun: str, plural: str | None = None) -> str:
    """The number with its noun in the singular or plural, thousands separated: '1 variant', '1,204 rows'."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"
