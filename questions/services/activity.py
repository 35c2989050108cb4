"""The user's activity version: a counter that names the state of their practice.

The cached progress aggregates (``questions/selectors/progress_cache.py``) are keyed by
it, so raising it makes every cached aggregate of the user stale at once, in every
process, since the number lives in the database.

Every service that changes what those aggregates read calls ``activity_changed`` once
it has written: finishing an attempt (answer, time-out, skip, late text of a timed-out
answer), rating one, reviewing its card, and ending an interview. It is called after
the service's own transactions have committed (or inside a caller's transaction, which
then commits the write and the new version together). A page that reads the new
version therefore also reads the write; one that read the old version may cache what
it saw under the old key, which nobody reads again. Raising the counter after the
attempt rows are unlocked keeps the lock order of ``interview_start`` (user row, then
attempts) the only one, so the counter cannot deadlock with it.
"""

from django.db.models import F

from accounts.models import User


def activity_changed(*, user_id: int) -> None:
    """Raise the user's activity version (one UPDATE; the loaded user is not touched)."""
    User.objects.filter(pk=user_id).update(activity_version=F("activity_version") + 1)
