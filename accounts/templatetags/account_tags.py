from datetime import timedelta

from django import template

from accounts.formatting import duration_words as _duration_words

register = template.Library()


@register.filter
def duration_words(value: int | float | timedelta | None) -> str:
    """``{{ cooloff_timedelta|duration_words }}`` → "15 minutes"."""
    if value in (None, ""):
        return ""
    return _duration_words(value)
