"""Plain-English wording for durations shown on account pages."""

from datetime import timedelta


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def duration_words(value: int | float | timedelta) -> str:
    """Say a duration the way a person would: "3 minutes", "1 minute 30 seconds", "3 days".

    Accepts seconds or a timedelta; rounds to whole seconds.
    """
    seconds = round(value.total_seconds() if isinstance(value, timedelta) else value)
    if seconds <= 0:
        return "0 seconds"
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = []
    if days:
        parts.append(_plural(days, "day"))
    if hours:
        parts.append(_plural(hours, "hour"))
    if minutes:
        parts.append(_plural(minutes, "minute"))
    if seconds:
        parts.append(_plural(seconds, "second"))
    return " ".join(parts)
