"""Template filters for the interview pages: clock times and the marked-up answer."""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from questions.scoring import Coverage
from questions.scoring_cache import scored

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


def answer_coverage(attempt) -> Coverage:
    """The attempt's answer scored against its snapshot, once per attempt object (and
    once at all: ``questions/scoring_cache.py``)."""
    coverage = getattr(attempt, "_answer_coverage", None)
    if coverage is None:
        coverage = scored(
            attempt.answer or "",
            attempt.talking_points,
            prompt=attempt.prompt,
            model_answer=attempt.model_answer,
        )
        attempt._answer_coverage = coverage
    return coverage


@register.filter
def marked_answer(attempt) -> SafeString:
    """The attempt's answer, escaped, with each sentence that covers a talking point in <mark>.

    The answer is scored again against the attempt's own snapshot of prompt and talking
    points, so the marks always agree with what was asked. A sentence covering several
    points is marked once, its title naming them all.
    """
    text = attempt.answer or ""
    coverage = answer_coverage(attempt)
    terms_at: dict[tuple[int, int], list[str]] = {}
    for term in coverage.covered:
        span = coverage.spans.get(term)
        if span is not None:
            terms_at.setdefault(span, []).append(_label(term))
    parts: list[str] = []
    position = 0
    for (start, end), terms in sorted(terms_at.items()):
        if start < position:  # overlapping sentences: keep the first
            continue
        parts.append(escape(text[position:start]))
        title = escape("Covers: " + "; ".join(terms))
        parts.append(f'<mark title="{title}">{escape(text[start:end])}</mark>')
        position = end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 — every piece above is escaped


def _label(term: str, limit: int = 80) -> str:
    return term if len(term) <= limit else term[: limit - 1].rstrip() + "…"
