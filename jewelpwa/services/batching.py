"""Slicing big lists for the database: IN lists and multi-row inserts stay within both engines' limits."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")

BATCH = 2000


def chunks(values: Sequence[T], size: int = BATCH) -> Iterator[list[T]]:
    for start in range(0, len(values), size):
        yield list(values[start:start + size])
