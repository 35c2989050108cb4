"""Geometry for the server-rendered SVG charts.

The functions here only compute coordinates and labels; the templates under
``templates/questions/charts/`` draw them. Colours come from CSS classes (see
``progress.css``), so the charts follow the light and dark themes.
"""

from dataclasses import dataclass, field
from datetime import date

from questions.models import SelfRating


def coord(value: float) -> str:
    """An SVG coordinate with one decimal, never localised ("12.5", not "12,5")."""
    return f"{value:.1f}"


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str

    @property
    def cx(self) -> str:
        return coord(self.x)

    @property
    def cy(self) -> str:
        return coord(self.y)


@dataclass(frozen=True)
class Tick:
    position: float
    label: str
    anchor: str = "middle"

    @property
    def at(self) -> str:
        return coord(self.position)


@dataclass
class LineChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    points: list[Point] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)

    @property
    def path(self) -> str:
        return " ".join(f"{'M' if i == 0 else 'L'}{p.cx} {p.cy}" for i, p in enumerate(self.points))

    @property
    def plot_right(self) -> int:
        return self.width - self.right

    @property
    def plot_bottom(self) -> int:
        return self.height - self.bottom


def short_date(day: date) -> str:
    return f"{day.day} {day:%b}"


def long_date(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def line_chart(
    series: list[tuple[date, float]],
    *,
    y_min: float,
    y_max: float,
    y_ticks: list[tuple[float, str]],
    value_format: str = "{:.0f}",
    width: int = 480,
    height: int = 220,
    evenly: bool = False,
) -> LineChart:
    """A line through ``(day, value)`` pairs. Days are placed in proportion on the x
    axis, or, with ``evenly``, one step apart whatever the time between them."""
    chart = LineChart(width=width, height=height, left=56, right=24, top=14, bottom=34)
    plot_w = chart.plot_right - chart.left
    plot_h = chart.plot_bottom - chart.top

    def y_of(value: float) -> float:
        clamped = min(max(value, y_min), y_max)
        return chart.plot_bottom - (clamped - y_min) / (y_max - y_min) * plot_h

    chart.y_ticks = [Tick(y_of(value), label, "end") for value, label in y_ticks]
    if not series:
        return chart
    first, last = series[0][0], series[-1][0]
    span = (len(series) - 1) if evenly else (last - first).days

    def x_at(offset: float) -> float:
        return chart.left + (offset / span * plot_w if span else plot_w / 2)

    offsets = range(len(series)) if evenly else [(day - first).days for day, _ in series]
    chart.points = [
        Point(x_at(offset), y_of(value), f"{long_date(day)}: {value_format.format(value)}")
        for offset, (day, value) in zip(offsets, series, strict=True)
    ]
    if span == 0:
        chart.x_ticks = [Tick(x_at(0), short_date(first))]
    else:
        chart.x_ticks = [
            Tick(chart.left, short_date(first), "start"),
            Tick(chart.plot_right, short_date(last), "end"),
        ]
        if not evenly and span >= 4:
            middle = first + (last - first) / 2
            chart.x_ticks.insert(1, Tick(x_at((middle - first).days), short_date(middle)))
    return chart


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    css: str
    label: str
    count: int

    @property
    def svg_x(self) -> str:
        return f"{self.x:.2f}"

    @property
    def svg_width(self) -> str:
        return f"{self.width:.2f}"


RATING_CSS = {
    SelfRating.AGAIN: "again",
    SelfRating.HARD: "hard",
    SelfRating.GOOD: "good",
    SelfRating.EASY: "easy",
}


def rating_segments(counts: dict[int, int]) -> list[Segment]:
    """A stacked bar (0–100 wide) of self-rating counts, Again first; empty if none rated."""
    total = sum(counts.values())
    if not total:
        return []
    segments = []
    x = 0.0
    for rating in SelfRating:
        n = counts.get(rating.value, 0)
        width = 100 * n / total
        segments.append(Segment(x, width, RATING_CSS[rating], rating.label, n))
        x += width
    return segments


def mastery_band(value: float | None) -> str:
    """A CSS class for a 0–100 score: weak, fair or strong."""
    if value is None:
        return "none"
    if value < 50:
        return "weak"
    if value < 80:
        return "fair"
    return "strong"
