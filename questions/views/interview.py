"""Running a mock interview: one question at a time, feedback on each answer, the summary.

Every view answers 404 for another user's interview, settles the interview first (time
that ran out meanwhile is recorded) and, once the interview is over, sends any POST to
its summary without changing anything. Text that arrives after a question's time (and
its grace) was up is not taken: the user is told so and shown what was recorded. With
htmx the steps swap in place; without JavaScript the same forms post and redirect.
"""

import math
from collections.abc import Callable
from contextlib import suppress
from functools import cache, wraps

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails

from interviewprep.page_cache import cached_page
from questions.interview_forms import AnswerForm, RatingForm
from questions.models import Attempt, AttemptStatus, MockInterview, SelfRating
from questions.selectors.interviews import (
    Step,
    StepKind,
    interview_step,
    interview_summary,
    missed_question_ids,
)
from questions.services.interviews import (
    MAX_ANSWER_LENGTH,
    AnswerRejected,
    AnswerTooLong,
    AttemptNotOpen,
    NoQuestionsMatch,
    TimeWasUp,
    attempt_begin,
    attempt_rate,
    attempt_save_draft,
    attempt_save_open_draft,
    attempt_skip,
    attempt_submit,
    interview_complete,
    interview_end,
    interview_retry,
    interview_settle,
    seconds_left,
)
from questions.templatetags.interview_format import answer_coverage


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


RUN_TEMPLATE = "questions/interview/run.html"
RATING_HINTS = {
    SelfRating.AGAIN: "could not answer it",
    SelfRating.HARD: "got there, with gaps",
    SelfRating.GOOD: "answered it well",
    SelfRating.EASY: "knew it cold",
}


def _interview_or_404(request: HtmxHttpRequest, pk: int) -> MockInterview:
    """The user's interview, with any time that ran out recorded."""
    interview = get_object_or_404(
        MockInterview.objects.select_related("bank"), pk=pk, owner=request.user
    )
    interview_settle(interview=interview)
    return interview


def _time_was_up(request: HtmxHttpRequest, refused: TimeWasUp) -> str:
    """What the user is told when text arrived too late, the deadline in their time zone."""
    deadline = refused.attempt.deadline.astimezone(request.user.tzinfo)
    return (
        f"Time was up at {deadline:%H:%M}; your answer as it stood then was recorded. "
        "Text sent after that does not count."
    )


def _attempt_or_404(request: HtmxHttpRequest, interview: MockInterview, position: int) -> Attempt:
    return get_object_or_404(Attempt, interview=interview, position=position, owner=request.user)


def _go(request: HtmxHttpRequest, url: str) -> HttpResponse:
    """Navigate to ``url``: a full-page redirect, also for htmx."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _while_running(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Call ``view(request, interview, attempt)`` for the user's interview and one of its
    questions (404 for anything else); once the interview is over, go to its summary."""

    @wraps(view)
    def wrapper(request: HtmxHttpRequest, pk: int, position: int) -> HttpResponse:
        interview = _interview_or_404(request, pk)
        attempt = _attempt_or_404(request, interview, position)
        if not interview.is_running:
            return _go(request, interview.get_summary_url())
        return view(request, interview, attempt)

    return wrapper


def _answer_text(request: HtmxHttpRequest) -> str:
    form = AnswerForm(request.POST)
    form.is_valid()
    return form.cleaned_data.get("answer", "")


def _render_step(
    request: HtmxHttpRequest,
    interview: MockInterview,
    step: Step,
    *,
    answer_text: str | None = None,
    error: str = "",
    rating_form: RatingForm | None = None,
    reveal: bool = False,
    notice: str = "",
) -> HttpResponse:
    """The question or feedback step: the whole page, or just the step for htmx."""
    attempt = step.attempt
    context = {
        "interview": interview,
        "step": step,
        "attempt": attempt,
        "total": interview.question_count,
        "last": attempt.position >= interview.question_count,
        "notice": notice,
    }
    if context["last"] and (url := return_url(request, interview)):
        context["return_name"] = return_name(url)
    if step.is_question:
        attempt_begin(attempt=attempt)
        left = seconds_left(attempt=attempt)
        context.update(
            seconds_left=None if left is None else math.ceil(left),
            remaining_ms=None if left is None else int(left * 1000),
            answer_text=attempt.draft if answer_text is None else answer_text,
            error=error,
            max_length=MAX_ANSWER_LENGTH,
            reveal=reveal and not interview.is_timed,
        )
    else:
        context.update(
            rateable=interview.is_running and attempt.has_answer and attempt.rated is None,
            rating_form=rating_form or RatingForm(),
            ratings=[(r.value, r.label, RATING_HINTS[r]) for r in SelfRating],
            covered=set(attempt.covered_points),
            partly=set(answer_coverage(attempt).partly),
            contradicted=set(answer_coverage(attempt).contradicted),
            misplaced=set(answer_coverage(attempt).misplaced),
        )
    template = RUN_TEMPLATE + "#step" if request.htmx else RUN_TEMPLATE
    return render(request, template, context)


# --- where a finished interview leads -------------------------------------------------

RETURNS_SESSION_KEY = "interview_returns"
MAX_RETURNS = 20
# What a return address is called, by the name of the page it opens.
RETURN_NAMES = {
    "detail": "the question",
    "question_history": "your answers to this question",
    "interview_summary": "the summary you came from",
}


def remember_return(request: HttpRequest, interview: MockInterview, url: str) -> None:
    """Finishing ``interview`` leads to ``url`` (a same-site address, already checked).

    Kept in the session, so it never outlives the login and never reaches another user.
    """
    returns = request.session.get(RETURNS_SESSION_KEY, {})
    returns.pop(str(interview.pk), None)
    returns[str(interview.pk)] = url
    request.session[RETURNS_SESSION_KEY] = dict(list(returns.items())[-MAX_RETURNS:])


def return_url(request: HttpRequest, interview: MockInterview) -> str | None:
    """Where finishing ``interview`` leads, if it was started from another page."""
    return request.session.get(RETURNS_SESSION_KEY, {}).get(str(interview.pk))


def return_name(url: str) -> str:
    try:
        match = resolve(url.split("?", 1)[0].split("#", 1)[0])
    except Resolver404:
        return "where you started"
    return RETURN_NAMES.get(match.url_name, "where you started")


def _finished_message(interview: MockInterview) -> str:
    """What the page an interview returns to says about it (the first question's result)."""
    attempt = interview.attempts.only("status", "coverage").order_by("position").first()
    if attempt is None or attempt.status == AttemptStatus.SKIPPED:
        return "Question skipped: practise it again whenever you like."
    late = " (time ran out)" if attempt.status == AttemptStatus.TIMED_OUT else ""
    return f"Practice recorded{late}: {attempt.coverage or 0}% of the talking points covered."


def _finished(request: HtmxHttpRequest, interview: MockInterview) -> HttpResponse:
    """A just-finished interview: back where it was started from, else its summary."""
    url = return_url(request, interview)
    if url is None:
        return _go(request, interview.get_summary_url())
    messages.success(request, _finished_message(interview))
    return _go(request, url)


def _next_step(
    request: HtmxHttpRequest, interview: MockInterview, notice: str = ""
) -> HttpResponse:
    """After an answer, a skip or a rating: the next step, or the summary when done.

    A ``notice`` is shown on that step (or, on a full page, as a message).
    """
    step = interview_step(interview=interview) if request.htmx else None
    if step is not None:
        return _render_step(request, interview, step, notice=notice)
    if notice:
        messages.warning(request, notice)
    if not request.htmx:
        return redirect(interview)
    interview_complete(interview=interview)
    return _finished(request, interview)


@require_GET
@vary_on_headers("HX-Request")
def interview_run(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The current step of an interview: the question to answer, or feedback to rate."""
    interview = _interview_or_404(request, pk)
    if not interview.is_running:
        return _go(request, interview.get_summary_url())
    step = interview_step(interview=interview)
    if step is None:
        interview_complete(interview=interview)
        return _finished(request, interview)
    return _render_step(request, interview, step, reveal=request.GET.get("reveal") == "1")


@require_GET
@cached_page
def attempt_detail(request: HtmxHttpRequest, pk: int, position: int) -> HttpResponse:
    """The feedback on one answered question (rated here while the interview runs)."""
    interview = _interview_or_404(request, pk)
    attempt = _attempt_or_404(request, interview, position)
    if attempt.status == AttemptStatus.PENDING:
        return redirect(interview)
    return _render_step(request, interview, Step(kind=StepKind.FEEDBACK, attempt=attempt))


@require_POST
@vary_on_headers("HX-Request")
@_while_running
def attempt_submit_view(
    request: HtmxHttpRequest, interview: MockInterview, attempt: Attempt
) -> HttpResponse:
    """Submit an answer (also sent by the page itself when time runs out)."""
    text = _answer_text(request)
    notice = ""
    try:
        attempt = attempt_submit(attempt=attempt, text=text)
    except AnswerRejected as rejected:
        step = Step(kind=StepKind.QUESTION, attempt=attempt)
        return _render_step(request, interview, step, answer_text=text, error=str(rejected))
    except AttemptNotOpen:
        return _go(request, interview.get_absolute_url())
    except TimeWasUp as refused:
        attempt, notice = refused.attempt, _time_was_up(request, refused)
    if request.htmx:
        step = Step(kind=StepKind.FEEDBACK, attempt=attempt)
        return _render_step(request, interview, step, notice=notice)
    if notice:
        messages.warning(request, notice)
    return redirect(attempt)


@require_POST
@vary_on_headers("HX-Request")
def attempt_draft(request: HtmxHttpRequest, pk: int, position: int) -> HttpResponse:
    """Autosave (htmx) or "Save draft" (a plain form) of the text being typed.

    An autosave of an open question in time is one UPDATE; anything else (a closed or
    unknown question, text too long, a plain form) takes the full path."""
    if request.htmx and "answer" in request.POST:
        text = _answer_text(request)
        try:
            saved = attempt_save_open_draft(
                owner=request.user, interview_id=pk, position=position, text=text
            )
        except AnswerTooLong:
            saved = False
        if saved:
            return HttpResponse(_saved_status())
    return _attempt_draft(request, pk, position)


@cache
def _saved_status() -> str:
    """The "Saved" indicator an autosave answers with: the same markup every time."""
    return render_to_string(RUN_TEMPLATE + "#save-status", {"saved": True})


@_while_running
def _attempt_draft(
    request: HtmxHttpRequest, interview: MockInterview, attempt: Attempt
) -> HttpResponse:
    text = _answer_text(request)
    reveal = request.POST.get("reveal") == "1" and not interview.is_timed
    try:
        if "answer" in request.POST:
            stored = attempt_save_draft(attempt=attempt, text=text)
        else:  # nothing sent: nothing to change
            stored = attempt.is_open
    except AnswerTooLong as too_long:
        if request.htmx:
            return render(
                request, RUN_TEMPLATE + "#save-status", {"save_error": f"Not saved. {too_long}"}
            )
        step = Step(kind=StepKind.QUESTION, attempt=attempt)
        return _render_step(
            request, interview, step, answer_text=text, error=str(too_long), reveal=reveal
        )
    except TimeWasUp as refused:
        # The question closed with what was saved in time: its feedback says what that was.
        messages.warning(request, _time_was_up(request, refused))
        return _go(request, interview.get_absolute_url())
    if request.htmx:
        if not stored:
            # The question closed meanwhile (time ran out, or another tab answered it).
            return HttpResponseClientRedirect(interview.get_absolute_url())
        return render(request, RUN_TEMPLATE + "#save-status", {"saved": True})
    if stored:
        messages.success(request, "Draft saved.")
    url = interview.get_absolute_url()
    return redirect(url + "?reveal=1#model-answer" if reveal else url)


@require_POST
@vary_on_headers("HX-Request")
@_while_running
def attempt_skip_view(
    request: HtmxHttpRequest, interview: MockInterview, attempt: Attempt
) -> HttpResponse:
    """Move on without answering; the text typed so far is kept as the draft.

    After the time and its grace the question is recorded as timed out instead.
    """
    text = _answer_text(request)
    notice = ""
    with suppress(AttemptNotOpen):  # not shown yet: the next step says where things are
        if text and len(text) <= MAX_ANSWER_LENGTH:
            try:
                attempt_save_draft(attempt=attempt, text=text)
            except TimeWasUp as refused:
                notice = _time_was_up(request, refused)
        attempt_skip(attempt=attempt)
    return _next_step(request, interview, notice)


@require_POST
@vary_on_headers("HX-Request")
@_while_running
def attempt_rate_view(
    request: HtmxHttpRequest, interview: MockInterview, attempt: Attempt
) -> HttpResponse:
    """Self-rating and note of an answer, then the next question."""
    form = RatingForm(request.POST)
    if not form.is_valid():
        step = Step(kind=StepKind.FEEDBACK, attempt=attempt)
        return _render_step(request, interview, step, rating_form=form)
    with suppress(AttemptNotOpen):  # nothing to rate: the next step says where things are
        attempt_rate(
            attempt=attempt, rating=form.cleaned_data["rating"], note=form.cleaned_data["note"]
        )
    return _next_step(request, interview)


@require_GET
@vary_on_headers("HX-Request")
@_while_running
def attempt_reveal(
    request: HtmxHttpRequest, interview: MockInterview, attempt: Attempt
) -> HttpResponse:
    """Practice mode: the model answer, while the question is still open."""
    if interview.is_timed:
        raise Http404("The model answer shows after the answer in a mock interview.")
    if not request.htmx:
        return redirect(interview.get_absolute_url() + "?reveal=1#model-answer")
    return render(
        request,
        RUN_TEMPLATE + "#model-answer",
        {"interview": interview, "attempt": attempt, "reveal": True},
    )


@require_POST
@vary_on_headers("HX-Request")
def interview_end_view(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """End the interview now: the text on screen is kept as the last answer."""
    interview = _interview_or_404(request, pk)
    if interview.is_running:
        step = interview_step(interview=interview)
        if "answer" in request.POST and step is not None and step.attempt.is_open:
            text = _answer_text(request)
            try:
                attempt_save_draft(attempt=step.attempt, text=text)
            except AnswerTooLong as too_long:
                return _render_step(request, interview, step, answer_text=text, error=str(too_long))
            except TimeWasUp as refused:
                messages.warning(request, _time_was_up(request, refused))
        interview_end(interview=interview)
    return _go(request, interview.get_summary_url())


@require_GET
def interview_summary_view(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Per question and per topic results of a finished interview."""
    interview = _interview_or_404(request, pk)
    if interview.is_running and not interview_complete(interview=interview):
        return redirect(interview)
    summary = interview_summary(interview=interview)
    back = return_url(request, interview)
    return render(
        request,
        "questions/interview/summary.html",
        {
            "interview": interview,
            "summary": summary,
            "ratings": dict(SelfRating.choices),
            "back_url": back,
            "back_name": return_name(back) if back else "",
        },
    )


@require_POST
def interview_retry_view(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Start a new interview on the questions this one missed."""
    interview = _interview_or_404(request, pk)
    if interview.is_running:
        return redirect(interview)
    try:
        retry = interview_retry(interview=interview)
    except NoQuestionsMatch:
        if missed_question_ids(interview=interview):
            messages.info(request, "The questions you missed are no longer in the bank.")
        else:
            messages.info(request, "Nothing to retry: no question was missed.")
        return redirect(interview.get_summary_url())
    return redirect(retry)
