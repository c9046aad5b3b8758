"""Geometry for the small server-rendered SVG charts: numbers in, coordinates out (no drawing, no Flask)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# Room for the y-axis figures on the left and the x labels underneath, in SVG user units. The labels are drawn
# at 12 units on a tablet (the chart is at least 640 px wide there: 12 px or more) and at 24 on a phone (about
# 330 px wide: 12 px), so the padding fits the phone's size.
PAD_LEFT = 64  # four digits at 24 units
PAD_RIGHT = 12
PAD_TOP = 16
PAD_BOTTOM = 40
SERIES_CLASSES = 6  # .series-0 … .series-5 in owner.css
# Lines drawn: more than a glance can follow turn into a tangle. The busiest are drawn; the table has everyone.
MOST_LINES = 4


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
    anchor: str = "middle"  # SVG text-anchor: the first x label starts at the axis, the last ends at it
    major: bool = True  # a phone shows only the major x labels, which have room at its larger type


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: float
    top: float
    right: float
    bottom: float
    top_value: int
    lines: tuple[Line, ...]  # the ones drawn: the MOST_LINES busiest
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    every_line: tuple[Line, ...] = ()  # every series, in the order given: the table behind the chart

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"

    @property
    def not_drawn(self) -> int:
        return len(self.every_line) - len(self.lines)


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


def _x_ticks(labels: Sequence[str], positions: Sequence[float], most: int) -> tuple[Tick, ...]:
    """At most `most` x labels, first and last included and kept inside the chart; every other one minor."""
    picked = _spread(len(labels), most)
    last = len(picked) - 1
    # Every other label is major, the first and the last always; the one before the last is not, when it
    # would stand right beside it.
    majors = set(range(0, len(picked), 2)) | {last}
    if last > 1 and last % 2 == 1:
        majors.discard(last - 1)
    ticks = []
    for n, i in enumerate(picked):
        anchor = "start" if n == 0 and last > 0 else "end" if n == last and last > 0 else "middle"
        ticks.append(Tick(positions[i], labels[i], anchor, n in majors))
    return tuple(ticks)


def line_chart(labels: Sequence[str], series: Mapping[str, Sequence[float]], width: int = 640, height: int = 240,
               most_x_labels: int = 7, most_lines: int = MOST_LINES) -> LineChart:
    """Polylines of the `most_lines` busiest series over shared x labels (every series is kept for the table);
    y runs from 0 to a round ceiling above the largest value drawn."""
    for name, values in series.items():
        if len(values) != len(labels):
            raise ValueError(f"series {name!r} has {len(values)} values for {len(labels)} labels")
    left, top, right, bottom = PAD_LEFT, PAD_TOP, width - PAD_RIGHT, height - PAD_BOTTOM
    busiest = sorted(series, key=lambda name: -sum(series[name]))[:most_lines]  # stable: ties keep their order
    drawn = [name for name in series if name in busiest]
    top_value = nice_ceiling(max((v for name in drawn for v in series[name]), default=0))

    def x_at(i: int) -> float:
        if len(labels) == 1:
            return round((left + right) / 2, 1)
        return round(left + (right - left) * i / (len(labels) - 1), 1)

    def y_at(value: float) -> float:
        return round(bottom - (bottom - top) * value / top_value, 1)

    colour = {name: f"series-{n % SERIES_CLASSES}" for n, name in enumerate(drawn)}
    every = tuple(
        Line(name, tuple(Point(x_at(i), y_at(min(v, top_value)), v, labels[i]) for i, v in enumerate(values)),
             colour.get(name, ""))
        for name, values in series.items())
    # Five, four or two whole steps: a ceiling of 1, 2 or 5 × 10ⁿ always divides by one of them.
    parts = next(n for n in (5, 4, 2, 1) if top_value % n == 0)
    y_ticks = tuple(Tick(y_at(top_value * k // parts), str(top_value * k // parts)) for k in range(parts + 1))
    x_ticks = _x_ticks(labels, [x_at(i) for i in range(len(labels))], most_x_labels)
    return LineChart(width, height, left, top, right, bottom, top_value,
                     tuple(line for line in every if line.name in colour), y_ticks, x_ticks, every)
