"""Geometry for the server-rendered SVG charts.

The functions here only compute coordinates and labels; the templates under
``templates/questions/charts/`` draw them. Colours come from CSS classes (see
``progress.css``), so the charts follow the light and dark themes.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils.dateformat import format as format_date
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

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


HEAT_STEP = 14  # a day's square and the gap after it
HEAT_CELL = 11
HEAT_LEFT = 30
HEAT_TOP = 16
WEEKDAY_TICKS = ((0, "Mon"), (2, "Wed"), (4, "Fri"))


@dataclass(frozen=True)
class HeatCell:
    x: float
    y: float
    level: int
    day: date
    count: int

    @property
    def svg_x(self) -> str:
        return coord(self.x)

    @property
    def svg_y(self) -> str:
        return coord(self.y)

    @property
    def label(self) -> str:
        noun = "question" if self.count == 1 else "questions"
        return f"{self.day:%a} {long_date(self.day)}: {self.count or 'no'} {noun}"


@dataclass
class Heatmap:
    """A calendar of practice: one column per week (Monday first), one square per day."""

    width: int
    height: int
    cell: int = HEAT_CELL
    left: int = HEAT_LEFT
    cells: list[HeatCell] = field(default_factory=list)
    months: list[Tick] = field(default_factory=list)
    weekdays: list[Tick] = field(default_factory=list)
    first: date | None = None
    last: date | None = None
    total: int = 0
    active_days: int = 0
    busiest: HeatCell | None = None

    @property
    def practised(self) -> list[HeatCell]:
        """The days with practice, newest first (the table beside the chart)."""
        return sorted((c for c in self.cells if c.count), key=lambda c: c.day, reverse=True)

    # A year is 365 squares and as many table rows: built here, escaped, rather than by
    # template loops, which cost the progress page over 100 ms for a year of practice;
    # ``render`` keeps them so that a cached heatmap is not built again.
    cells_html: str = ""
    rows_html: str = ""

    def render(self) -> None:
        self.cells_html = self.cells_svg()
        self.rows_html = self.practised_rows()

    def cells_svg(self) -> SafeString:
        """The squares as SVG ``<rect>`` elements, each titled with its day and count."""
        return format_html_join(
            "",
            '<rect class="heat-{}" x="{}" y="{}" width="{}" height="{}" rx="2">'
            "<title>{}</title></rect>",
            ((c.level, c.svg_x, c.svg_y, self.cell, self.cell, c.label) for c in self.cells),
        )

    def practised_rows(self) -> SafeString:
        """The table rows of the days with practice, newest first."""
        return format_html_join(
            "",
            '<tr><th scope="row">{}</th><td class="num">{}</td></tr>',
            ((format_date(c.day, "D j M Y"), c.count) for c in self.practised),
        )

    @property
    def summary(self) -> str:
        span = f"from {long_date(self.first)} to {long_date(self.last)}" if self.first else ""
        if not self.total:
            return f"Calendar of practice {span}: no questions practised."
        noun = "question" if self.total == 1 else "questions"
        days = "day" if self.active_days == 1 else "days"
        text = f"Calendar of practice {span}: {self.total} {noun} on {self.active_days} {days}"
        if self.busiest is not None:
            text += f"; busiest day {long_date(self.busiest.day)} with {self.busiest.count}"
        return text + "."


def heat_level(count: int, busiest: int) -> int:
    """0 for no practice, else 1–4 in proportion to the busiest day."""
    if not count or not busiest:
        return 0
    return min(4, max(1, -(-4 * count // busiest)))


def calendar_heatmap(days: list[tuple[date, int]]) -> Heatmap:
    """Squares for consecutive ``(day, count)`` pairs, oldest first, in week columns."""
    if not days:
        return Heatmap(width=HEAT_LEFT, height=HEAT_TOP + 7 * HEAT_STEP)
    first, last = days[0][0], days[-1][0]
    monday = first.toordinal() - first.weekday()
    columns = (last.toordinal() - monday) // 7 + 1
    busiest_count = max(n for _, n in days)
    cells = [
        HeatCell(
            x=HEAT_LEFT + (day.toordinal() - monday) // 7 * HEAT_STEP,
            y=HEAT_TOP + day.weekday() * HEAT_STEP,
            level=heat_level(n, busiest_count),
            day=day,
            count=n,
        )
        for day, n in days
    ]
    months = [
        Tick(cell.x, f"{cell.day:%b}", "start")
        for cell in cells
        if cell.day.day == 1 and cell.x <= HEAT_LEFT + (columns - 2) * HEAT_STEP
    ]
    weekdays = [
        Tick(HEAT_TOP + row * HEAT_STEP + HEAT_CELL / 2, name) for row, name in WEEKDAY_TICKS
    ]
    practised = [cell for cell in cells if cell.count]
    busiest = max(practised, key=lambda c: (c.count, c.day)) if practised else None
    return Heatmap(
        width=HEAT_LEFT + columns * HEAT_STEP,
        height=HEAT_TOP + 7 * HEAT_STEP,
        cells=cells,
        months=months,
        weekdays=weekdays,
        first=first,
        last=last,
        total=sum(n for _, n in days),
        active_days=len(practised),
        busiest=busiest,
    )


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str

    @property
    def svg_x(self) -> str:
        return coord(self.x)

    @property
    def svg_y(self) -> str:
        return coord(self.y)

    @property
    def svg_width(self) -> str:
        return coord(self.width)

    @property
    def svg_height(self) -> str:
        return coord(self.height)


@dataclass
class BarChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    bars: list[Bar] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)

    @property
    def plot_right(self) -> int:
        return self.width - self.right

    @property
    def plot_bottom(self) -> int:
        return self.height - self.bottom


def bar_chart(
    series: list[tuple[date, int]], *, noun: str = "review", width: int = 640, height: int = 200
) -> BarChart:
    """One bar per day of ``series`` (consecutive days), counts from 0 up."""
    chart = BarChart(width=width, height=height, left=40, right=12, top=12, bottom=30)
    plot_w = chart.plot_right - chart.left
    plot_h = chart.plot_bottom - chart.top
    top = max([1, *(n for _, n in series)])

    def y_of(value: float) -> float:
        return chart.plot_bottom - value / top * plot_h

    ticks = sorted({0, top // 2, top}) if top >= 2 else [0, top]
    chart.y_ticks = [Tick(y_of(value), str(value), "end") for value in ticks]
    if not series:
        return chart
    step = plot_w / len(series)
    chart.bars = [
        Bar(
            x=chart.left + i * step + step * 0.15,
            y=y_of(n),
            width=step * 0.7,
            height=chart.plot_bottom - y_of(n),
            label=f"{day:%a} {long_date(day)}: {n} {noun}{'' if n == 1 else 's'}",
        )
        for i, (day, n) in enumerate(series)
    ]
    first, last = series[0][0], series[-1][0]
    chart.x_ticks = [
        Tick(chart.left, "Today" if len(series) > 1 else short_date(first), "start"),
        Tick(chart.plot_right, short_date(last), "end"),
    ]
    return chart
