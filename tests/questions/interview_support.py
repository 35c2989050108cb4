"""Shared set-up for the interview tests: a small bank and URL helpers."""

from django.urls import reverse

from questions.models import InterviewMode, Level, MockInterview, Question, Tag
from questions.services.interviews import interview_start
from tests.factories import QuestionFactory, TagFactory

HX = {"HTTP_HX_REQUEST": "true"}

STRONG_ANSWER = (
    "Deploy the instances across several Availability Zones in one Region, "
    "so that losing one AZ leaves the others serving."
)


def make_questions(bank, count: int, *, level: str = Level.JUNIOR, tags=()) -> list[Question]:
    return [QuestionFactory(bank=bank, level=level, tags=list(tags)) for _ in range(count)]


def make_tag(bank, name: str) -> Tag:
    return TagFactory(bank=bank, name=name, slug=name.lower().replace(" ", "-"))


def start(user, bank, *, mode: str = InterviewMode.MOCK, count: int = 3, **options):
    return interview_start(user=user, bank=bank, mode=mode, count=count, **options)


def url(name: str, interview: MockInterview, position: int | None = None) -> str:
    kwargs = {"pk": interview.pk}
    if position is not None:
        kwargs["position"] = position
    return reverse(f"questions:{name}", kwargs=kwargs)


def current(interview: MockInterview):
    """The first attempt still waiting for an answer or a rating."""
    from questions.selectors.interviews import interview_step

    step = interview_step(interview=interview)
    return step.attempt if step else None
