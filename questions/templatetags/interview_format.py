"""Template filters for the interview pages: clock times and the marked-up answer."""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from questions.scoring import score_answer

register = template.Library()


@register.filter
def clock(seconds: float | int | None) -> str:
    """``{{ 185|clock }}`` → "3:05"; an hour or more → "1:02:05"; nothing → "—"."""
    if seconds is None or seconds == "":
        return "—"
    total = max(0, round(float(seconds)))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


@register.filter
def marked_answer(attempt) -> SafeString:
    """The attempt's answer, escaped, with the words that covered a talking point in <mark>.

    The answer is scored again against the attempt's own snapshot of talking points, so
    the marks always agree with what was asked.
    """
    text = attempt.answer or ""
    spans = sorted(score_answer(text, attempt.talking_points).spans.items(), key=lambda i: i[1])
    parts: list[str] = []
    position = 0
    for term, (start, end) in spans:
        if start < position:  # overlapping mentions: keep the first
            continue
        parts.append(escape(text[position:start]))
        parts.append(f'<mark title="{escape(term)}">{escape(text[start:end])}</mark>')
        position = end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 — every piece above is escaped
