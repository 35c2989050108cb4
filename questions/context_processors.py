from functools import cache

from django.http import HttpRequest

from questions.models import InterviewStatus, MockInterview


def interview_in_progress(request: HttpRequest) -> dict:
    """The user's running interview (if any) for the "resume" banner.

    A callable, so the query only runs on pages whose template asks for it; cached,
    so asking twice costs one query.
    """

    @cache
    def running() -> MockInterview | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return (
            MockInterview.objects.filter(owner=user, status=InterviewStatus.IN_PROGRESS)
            .order_by("-started")
            .first()
        )

    return {"interview_in_progress": running}
