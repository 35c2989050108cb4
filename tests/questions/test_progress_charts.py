from datetime import date

import pytest
from django.template.loader import render_to_string

from questions.charts import line_chart, mastery_band, rating_segments

TICKS = [(0, "0%"), (100, "100%")]


def test_days_are_placed_in_proportion_and_values_top_down():
    chart = line_chart(
        [(date(2025, 1, 1), 0), (date(2025, 1, 2), 50), (date(2025, 1, 11), 100)],
        y_min=0,
        y_max=100,
        y_ticks=TICKS,
    )
    left, right = chart.left, chart.plot_right
    assert [p.x for p in chart.points] == [left, left + (right - left) / 10, right]
    assert [p.y for p in chart.points] == [
        chart.plot_bottom,
        (chart.plot_bottom + chart.top) / 2,
        chart.top,
    ]
    assert chart.path.startswith(f"M{left:.1f} {chart.plot_bottom:.1f} L")
    assert [t.label for t in chart.x_ticks] == ["1 Jan", "6 Jan", "11 Jan"]
    assert chart.points[1].label == "2 Jan 2025: 50"


def test_evenly_spaced_points_ignore_the_time_between_them():
    chart = line_chart(
        [(date(2025, 1, 1), 10), (date(2025, 1, 1), 20), (date(2025, 3, 1), 30)],
        y_min=0,
        y_max=100,
        y_ticks=TICKS,
        evenly=True,
    )
    xs = [p.x for p in chart.points]
    assert xs[1] - xs[0] == pytest.approx(xs[2] - xs[1])
    assert [t.label for t in chart.x_ticks] == ["1 Jan", "1 Mar"]


def test_a_single_point_sits_in_the_middle_and_values_are_clamped():
    chart = line_chart([(date(2025, 1, 1), 140)], y_min=0, y_max=100, y_ticks=TICKS)
    assert chart.points[0].x == (chart.left + chart.plot_right) / 2
    assert chart.points[0].y == chart.top
    assert chart.path == f"M{chart.points[0].cx} {chart.points[0].cy}"


def test_rating_segments_stack_to_the_full_width_again_first():
    segments = rating_segments({1: 1, 2: 0, 3: 2, 4: 1})
    assert [(s.css, s.count) for s in segments] == [
        ("again", 1),
        ("hard", 0),
        ("good", 2),
        ("easy", 1),
    ]
    assert [s.x for s in segments] == [0, 25, 25, 75]
    assert sum(s.width for s in segments) == 100
    assert rating_segments({1: 0, 2: 0, 3: 0, 4: 0}) == []


@pytest.mark.parametrize(
    ("value", "band"),
    [(None, "none"), (0, "weak"), (49.9, "weak"), (50, "fair"), (79, "fair"), (80, "strong")],
)
def test_mastery_bands(value, band):
    assert mastery_band(value) == band


def test_charts_draw_with_classes_and_no_inline_style():
    chart = line_chart(
        [(date(2025, 1, 1), 30), (date(2025, 1, 3), 60)], y_min=0, y_max=100, y_ticks=TICKS
    )
    svg = render_to_string(
        "questions/charts/line.html",
        {"chart": chart, "label": "Coverage", "css": "series-coverage"},
    )
    bar = render_to_string("questions/charts/bar.html", {"value": 42.25, "band": "weak"})
    for markup in (svg, bar):
        assert "style=" not in markup
        assert "<script" not in markup
    assert 'role="img" aria-label="Coverage"' in svg
    assert "<title>3 Jan 2025: 60</title>" in svg
    assert 'width="42.2"' in bar or 'width="42.3"' in bar
