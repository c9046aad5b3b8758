"""Geometry for the small server-rendered SVG charts: numbers in, coordinates out (no drawing, no Flask)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# Room for the y-axis figures on the left and the x labels underneath, in SVG user units.
PAD_LEFT = 40
PAD_RIGHT = 12
PAD_TOP = 12
PAD_BOTTOM = 28
SERIES_CLASSES = 6  # .series-0 … .series-5 in owner.css; a seventh associate reuses the first colour


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: float
    label: str


@dataclass(frozen=True)
class Line:
    name: str
    points: tuple[Point, ...]
    css: str

    @property
    def path(self) -> str:
        """The `points` attribute of an SVG polyline."""
        return " ".join(f"{p.x:g},{p.y:g}" for p in self.points)

    @property
    def total(self) -> float:
        return sum(p.value for p in self.points)


@dataclass(frozen=True)
class Tick:
    position: float
    text: str


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: float
    top: float
    right: float
    bottom: float
    top_value: int
    lines: tuple[Line, ...]
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


def nice_ceiling(value: float) -> int:
    """The smallest 1, 2 or 5 × 10ⁿ at or above `value` (at least 1), so gridlines fall on round numbers."""
    if value <= 1:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return int(step * magnitude)
    return int(10 * magnitude)  # pragma: no cover - the loop always returns


def _spread(count: int, most: int) -> list[int]:
    """Up to `most` indexes from 0 to count-1, evenly spaced, first and last included."""
    if count <= most:
        return list(range(count))
    step = (count - 1) / (most - 1)
    return sorted({round(i * step) for i in range(most)})


def line_chart(labels: Sequence[str], series: Mapping[str, Sequence[float]], width: int = 640, height: int = 240,
               most_x_labels: int = 8) -> LineChart:
    """One polyline per series over shared x labels; y runs from 0 to a round ceiling above the largest value."""
    for name, values in series.items():
        if len(values) != len(labels):
            raise ValueError(f"series {name!r} has {len(values)} values for {len(labels)} labels")
    left, top, right, bottom = PAD_LEFT, PAD_TOP, width - PAD_RIGHT, height - PAD_BOTTOM
    top_value = nice_ceiling(max((v for values in series.values() for v in values), default=0))

    def x_at(i: int) -> float:
        if len(labels) == 1:
            return round((left + right) / 2, 1)
        return round(left + (right - left) * i / (len(labels) - 1), 1)

    def y_at(value: float) -> float:
        return round(bottom - (bottom - top) * value / top_value, 1)

    lines = tuple(
        Line(name, tuple(Point(x_at(i), y_at(v), v, labels[i]) for i, v in enumerate(values)),
             f"series-{n % SERIES_CLASSES}")
        for n, (name, values) in enumerate(series.items()))
    # Five, four or two whole steps: a ceiling of 1, 2 or 5 × 10ⁿ always divides by one of them.
    parts = next(n for n in (5, 4, 2, 1) if top_value % n == 0)
    y_ticks = tuple(Tick(y_at(top_value * k // parts), str(top_value * k // parts)) for k in range(parts + 1))
    x_ticks = tuple(Tick(x_at(i), labels[i]) for i in _spread(len(labels), most_x_labels))
    return LineChart(width, height, left, top, right, bottom, top_value, lines, y_ticks, x_ticks)
