"""Compact wording for the numbers on the history and progress pages."""

from datetime import timedelta

from django import template
from django.urls import reverse
from django.utils.dateformat import format as format_date
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator

register = template.Library()


@register.filter
def short_duration(value: timedelta | None) -> str:
    """``{{ attempt.used|short_duration }}`` → "4 min 05 s", "2 h 10 min", "45 s"."""
    if value is None:
        return "—"
    seconds = max(0, round(value.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {seconds:02d} s"
    return f"{seconds} s"


@register.filter
def percent(value: float | None) -> str:
    """``{{ 72.4|percent }}`` → "72%"; nothing to show → "—"."""
    if value is None:
        return "—"
    return f"{round(value)}%"


@register.filter
def rating_average(value: float | None) -> str:
    """An average self-rating on the 1–4 scale, with one decimal: "2.7 / 4"."""
    if value is None:
        return "—"
    return f"{value:.1f} / 4"


@register.filter
def short_seconds(value: int | None) -> str:
    """``{{ attempt.seconds_allowed|short_seconds }}``: like short_duration, from seconds."""
    if value is None:
        return "—"
    return short_duration(timedelta(seconds=value))


@register.filter
def svg_coord(value: float | None) -> str:
    """A number for an SVG attribute: one decimal, never localised."""
    return f"{float(value or 0):.1f}"


@register.simple_tag
def recall_rows(recalls) -> SafeString:
    """The rows of the chance-of-recall table, built here rather than by a template loop
    (a bank of questions is a table of as many rows, on every view of the progress page)."""
    return format_html_join(
        "",
        '<tr><th scope="row"><a href="{}">{}</a></th>'
        '<td class="num" data-label="Chance of recall">{}</td>'
        '<td class="num" data-label="Due"><time datetime="{}">{}</time></td>'
        '<td class="num" data-label="Reviews">{}</td></tr>',
        (
            (
                reverse("questions:question_history", args=[recall.question.pk]),
                Truncator(recall.question.prompt).chars(90),
                percent(recall.percent),
                format_date(recall.due, "c"),
                format_date(recall.due, "j M Y"),
                recall.reviews,
            )
            for recall in recalls
        ),
    )
