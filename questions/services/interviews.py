"""Running a mock interview: start it, show questions, take answers, time out, rate, finish.

The server is the authority on time. A question's deadline is stored the first time the
question is shown and never moves. Text that arrives within a short grace after the
deadline (``GRACE``: the answer the page sends by itself when its countdown ends, a last
autosave) is still taken, and the answer is marked timed out. Once the grace has passed
the question is closed: ``interview_settle`` (called before anything else of an
interview is read or written), and every write that finds the question still open,
records the last draft saved before then as the timed-out answer, and text that arrives
later is refused with ``TimeWasUp``. Feedback and the model answer show only once an
answer is recorded, so no text written after seeing them can count.

Every write locks the attempt row and checks its state first, so a double click, a
resent request or a second tab changes nothing that is already recorded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from questions.models import (
    Attempt,
    AttemptStatus,
    Bank,
    InterviewMode,
    InterviewStatus,
    Level,
    MockInterview,
    Question,
    SelfRating,
)
from questions.scoring_cache import scored
from questions.selectors.interviews import (
    expired_attempt_ids,
    interview_step,
    missed_question_ids,
    questions_for_interview,
)
from questions.services.activity import activity_changed
from questions.services.reviews import review_attempt

MIN_QUESTIONS, MAX_QUESTIONS = 1, 60
MIN_SECONDS, MAX_SECONDS = 10, 30 * 60
MAX_ANSWER_LENGTH = 20_000
MAX_NOTE_LENGTH = 2_000
GRACE = timedelta(seconds=5)


class NoQuestionsMatch(Exception):
    """No active question matches the choices for a new interview."""


class AnswerRejected(Exception):
    """An answer that cannot be stored; the message says why, for the user."""


class AnswerTooLong(AnswerRejected):
    def __init__(self, length: int) -> None:
        self.length = length
        super().__init__(
            f"Your answer is {length:,} characters long; the limit is "
            f"{MAX_ANSWER_LENGTH:,}. Shorten it and submit again: your text is still here."
        )


class EmptyAnswer(AnswerRejected):
    def __init__(self) -> None:
        super().__init__("Write an answer first, or press Skip to move on.")


class AttemptNotOpen(Exception):
    """The attempt is not the question being answered now (not shown yet, or finished)."""


class TimeWasUp(Exception):
    """Text that arrived after the deadline and its grace: not taken.

    ``attempt`` is the timed-out attempt, with the answer recorded when time was up.
    """

    def __init__(self, attempt: Attempt) -> None:
        self.attempt = attempt
        super().__init__(f"Attempt {attempt.pk}: time was up at {attempt.deadline:%H:%M:%S}.")


class InterviewInProgress(Exception):
    """Another interview is in progress and the user has not agreed to end it."""

    def __init__(self, interview: MockInterview) -> None:
        self.interview = interview
        super().__init__(f"Interview {interview.pk} is in progress.")


# --- starting -------------------------------------------------------------------------


def _seconds_allowed(
    *, level: str, seconds_junior: int, seconds_senior: int, extra_time: Decimal
) -> int:
    base = seconds_senior if level == Level.SENIOR else seconds_junior
    return int((Decimal(base) * extra_time).to_integral_value(rounding=ROUND_HALF_UP))


def _check_range(name: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}, not {value}.")


def interview_start(
    *,
    user: User,
    bank: Bank,
    mode: str,
    count: int,
    levels: Sequence[str] = (),
    tag_slugs: Sequence[str] = (),
    seconds_junior: int | None = None,
    seconds_senior: int | None = None,
    question_ids: Iterable[int] | None = None,
    include_due: bool = False,
) -> MockInterview:
    """Start an interview of up to ``count`` questions of ``bank`` and return it.

    ``levels`` and ``tag_slugs`` narrow the choice (any of each; empty means all);
    ``question_ids`` restricts it to those questions (a retry, a review of due
    questions, the weakest topics). A mock interview is timed: the seconds per level
    default to the user's settings and are multiplied by the user's extra time. A
    practice interview is untimed. An interview the user still has in progress is
    ended as abandoned. Raises ``NoQuestionsMatch`` when no active question matches
    (and then changes nothing).
    """
    if mode not in InterviewMode.values:
        raise ValueError(f"Unknown interview mode {mode!r}.")
    _check_range("count", count, MIN_QUESTIONS, MAX_QUESTIONS)
    timed = mode == InterviewMode.MOCK
    if timed:
        seconds_junior = seconds_junior or user.default_seconds_junior
        seconds_senior = seconds_senior or user.default_seconds_senior
        _check_range("seconds_junior", seconds_junior, MIN_SECONDS, MAX_SECONDS)
        _check_range("seconds_senior", seconds_senior, MIN_SECONDS, MAX_SECONDS)
        extra_time = user.extra_time_factor
    else:
        seconds_junior = seconds_senior = None
        extra_time = Decimal(1)
    if question_ids is not None:
        question_ids = list(question_ids)

    with transaction.atomic():
        # One start at a time per user, so two quick starts cannot both stay in progress.
        User.objects.select_for_update().values_list("pk", flat=True).get(pk=user.pk)
        questions = questions_for_interview(
            user=user,
            bank=bank,
            count=count,
            levels=levels,
            tag_slugs=tag_slugs,
            question_ids=question_ids,
            include_due=include_due,
        )
        if not questions:
            raise NoQuestionsMatch
        for running in MockInterview.objects.select_for_update().filter(
            owner=user, status=InterviewStatus.IN_PROGRESS
        ):
            interview_end(interview=running, status=InterviewStatus.ABANDONED)

        interview = MockInterview.objects.create(
            owner=user,
            bank=bank,
            mode=mode,
            question_count=len(questions),
            levels=sorted(set(levels)),
            tag_slugs=sorted(set(tag_slugs)),
            seconds_junior=seconds_junior,
            seconds_senior=seconds_senior,
            extra_time=extra_time,
        )
        Attempt.objects.bulk_create(
            _new_attempt(interview=interview, question=question, position=position)
            for position, question in enumerate(questions, start=1)
        )
        # Every page that shows the running interview (the banner, home) must change.
        activity_changed(user_id=user.pk)
    return interview


def _new_attempt(*, interview: MockInterview, question: Question, position: int) -> Attempt:
    """An attempt with a snapshot of the question as it is now."""
    seconds = None
    if interview.is_timed:
        seconds = _seconds_allowed(
            level=question.level,
            seconds_junior=interview.seconds_junior,
            seconds_senior=interview.seconds_senior,
            extra_time=Decimal(interview.extra_time),
        )
    return Attempt(
        interview=interview,
        owner_id=interview.owner_id,
        question=question,
        position=position,
        prompt=question.prompt,
        model_answer=question.answer,
        model_answer_html=question.answer_html,
        talking_points=question.scoring_points,
        level=question.level,
        tag_slugs=sorted(tag.slug for tag in question.tags.all()),
        seconds_allowed=seconds,
    )


def question_seconds(*, user: User, question: Question) -> int:
    """The time a timed interview started now gives ``user`` for ``question``."""
    return _seconds_allowed(
        level=question.level,
        seconds_junior=user.default_seconds_junior,
        seconds_senior=user.default_seconds_senior,
        extra_time=user.extra_time_factor,
    )


def _is_on_question(interview: MockInterview, *, question: Question, mode: str) -> bool:
    """Whether ``interview`` is a one-question interview on ``question`` in ``mode``."""
    return (
        interview.question_count == 1
        and interview.mode == mode
        and interview.attempts.filter(question=question).exists()
    )


def interview_start_for_question(
    *, user: User, question: Question, mode: str, replacing: int | None = None
) -> MockInterview:
    """Start a one-question interview on ``question`` with the user's default times.

    When the interview in progress is already a one-question interview on ``question``
    in ``mode`` (a double click, a second tab) that one is returned and nothing starts.
    Any other interview in progress is ended only when ``replacing`` is its id, that is
    when the user saw it and chose to start anyway; otherwise ``InterviewInProgress`` is
    raised and nothing changes. Raises ``NoQuestionsMatch`` for an inactive question.
    """
    with transaction.atomic():
        # The same lock interview_start takes: two quick clicks are answered one by one.
        User.objects.select_for_update().values_list("pk", flat=True).get(pk=user.pk)
        running = (
            MockInterview.objects.filter(owner=user, status=InterviewStatus.IN_PROGRESS)
            .order_by("-started", "-pk")
            .first()
        )
        if running is not None:
            if _is_on_question(running, question=question, mode=mode):
                return running
            if running.pk != replacing:
                raise InterviewInProgress(running)
        return interview_start(
            user=user, bank=question.bank, mode=mode, count=1, question_ids=[question.pk]
        )


def interview_retry(*, interview: MockInterview) -> MockInterview:
    """A new interview, in the same mode and times, on the questions ``interview`` missed.

    Raises ``NoQuestionsMatch`` when nothing was missed (or those questions are gone).
    """
    ids = missed_question_ids(interview=interview)
    if not ids:
        raise NoQuestionsMatch
    return interview_start(
        user=interview.owner,
        bank=interview.bank,
        mode=interview.mode,
        count=min(len(ids), MAX_QUESTIONS),
        seconds_junior=interview.seconds_junior,
        seconds_senior=interview.seconds_senior,
        question_ids=ids,
    )


# --- time -----------------------------------------------------------------------------


def attempt_begin(*, attempt: Attempt, now: datetime | None = None) -> Attempt:
    """Mark the question shown: its start and deadline are set once and never reset.

    A conditional update, so two tabs opening the question together agree on one deadline.
    """
    if attempt.started is not None:
        return attempt
    now = now or timezone.now()
    deadline = now + timedelta(seconds=attempt.seconds_allowed) if attempt.seconds_allowed else None
    updated = Attempt.objects.filter(pk=attempt.pk, started__isnull=True).update(
        started=now, deadline=deadline
    )
    if updated:
        attempt.started, attempt.deadline = now, deadline
    else:
        attempt.refresh_from_db(fields=["started", "deadline"])
    return attempt


def seconds_left(*, attempt: Attempt, now: datetime | None = None) -> float | None:
    """Seconds until the deadline (never below zero), or None for an untimed question."""
    if attempt.deadline is None:
        return None
    return max(0.0, (attempt.deadline - (now or timezone.now())).total_seconds())


def interview_settle(*, interview: MockInterview, now: datetime | None = None) -> list[Attempt]:
    """Record as timed out every question whose deadline and grace have passed.

    The last autosaved draft becomes the answer. Cheap when nothing expired (one query);
    call it before reading or writing anything of an interview.
    """
    settled = _settle(interview=interview, now=now)
    if settled:
        activity_changed(user_id=interview.owner_id)
    return settled


def _settle(*, interview: MockInterview, now: datetime | None) -> list[Attempt]:
    """``interview_settle`` without raising the activity version (its caller does)."""
    if interview.status != InterviewStatus.IN_PROGRESS:
        return []
    now = now or timezone.now()
    settled = []
    for pk in expired_attempt_ids(interview=interview, cutoff=now - GRACE):
        with transaction.atomic():
            attempt = Attempt.objects.select_for_update().get(pk=pk)
            if attempt.status != AttemptStatus.PENDING:
                continue
            _time_out(attempt, now=now)
        review_attempt(attempt=attempt)
        settled.append(attempt)
    return settled


def _past_grace(attempt: Attempt, now: datetime) -> bool:
    """Whether the deadline and its grace had passed at ``now``: the question is closed."""
    return attempt.deadline is not None and now > attempt.deadline + GRACE


# --- answers --------------------------------------------------------------------------


def _check_length(text: str) -> None:
    if len(text) > MAX_ANSWER_LENGTH:
        raise AnswerTooLong(len(text))


def _score(attempt: Attempt, text: str) -> None:
    coverage = scored(
        text, attempt.talking_points, prompt=attempt.prompt, model_answer=attempt.model_answer
    )
    attempt.coverage = coverage.score
    attempt.covered_points = list(coverage.covered)
    attempt._answer_coverage = coverage  # the feedback shown next marks the same answer


def _record_answer(attempt: Attempt, *, text: str, now: datetime, timed_out: bool) -> None:
    attempt.answer = text
    attempt.draft = text
    attempt.submitted = now
    attempt.timed_out = timed_out
    attempt.status = AttemptStatus.TIMED_OUT if timed_out else AttemptStatus.ANSWERED
    _score(attempt, text)
    attempt.save(
        update_fields=[
            "answer",
            "draft",
            "submitted",
            "timed_out",
            "status",
            "coverage",
            "covered_points",
        ]
    )


def _time_out(attempt: Attempt, *, now: datetime) -> None:
    """Close an open question whose grace has passed: its last draft is the answer."""
    _record_answer(attempt, text=attempt.draft, now=now, timed_out=True)


def _takes_late_text(attempt: Attempt, now: datetime) -> bool:
    """Whether a timed-out answer still takes text that reached the server at ``now``.

    Only text that arrived within the grace, for an answer recorded from the draft after
    the grace (by the settling of another request that got the row lock first): that
    answer was recorded, and its feedback shown, after the text was sent. An answer the
    user submitted themselves, or one already rated, never changes.
    """
    return (
        attempt.status == AttemptStatus.TIMED_OUT
        and attempt.rated is None
        and attempt.deadline is not None
        and attempt.submitted is not None
        and not _past_grace(attempt, now)
        and _past_grace(attempt, attempt.submitted)
    )


def _late_text(attempt: Attempt, text: str, *, now: datetime) -> bool:
    """Store text that arrived in time for an answer settled meanwhile; True if it changed."""
    if not _takes_late_text(attempt, now) or len(text) > MAX_ANSWER_LENGTH:
        return False
    if not text.strip() or text == attempt.answer:
        return False
    attempt.answer = attempt.draft = text
    _score(attempt, text)
    attempt.save(update_fields=["answer", "draft", "coverage", "covered_points"])
    return True


def _refuse_if_too_late(attempt: Attempt, text: str, *, now: datetime) -> None:
    """Raise ``TimeWasUp`` when ``text``, sent after the grace, differs from the answer
    recorded for the timed-out ``attempt`` (the same text again is no news)."""
    if attempt.timed_out and _past_grace(attempt, now) and text != attempt.answer:
        raise TimeWasUp(attempt)


def _record_skip(attempt: Attempt, *, now: datetime) -> None:
    attempt.status = AttemptStatus.SKIPPED
    attempt.submitted = now
    attempt.answer = ""
    attempt.coverage = 0
    attempt.covered_points = []
    attempt.save(update_fields=["status", "submitted", "answer", "coverage", "covered_points"])


def _locked(attempt: Attempt) -> Attempt:
    return Attempt.objects.select_for_update().get(pk=attempt.pk)


def _after_write(attempt: Attempt, *, closed: bool, changed: bool) -> None:
    """Outside the row lock: review a question just closed, note the change of activity."""
    if closed:
        review_attempt(attempt=attempt)
    if closed or changed:
        activity_changed(user_id=attempt.owner_id)


def attempt_save_open_draft(
    *, owner: User, interview_id: int, position: int, text: str, now: datetime | None = None
) -> bool:
    """The common autosave in one UPDATE: ``text`` becomes the draft of question
    ``position`` of ``owner``'s interview when that question is open and in time.

    False, with nothing written, for anything else (unknown, closed, not shown yet, past
    the grace), which ``attempt_save_draft`` then handles in full. Only an interview in
    progress has open questions (ending one records or drops them), and the UPDATE takes
    the row lock itself, so a submit or time-out at the same moment is waited for and its
    outcome seen. Raises ``AnswerTooLong``.
    """
    now = now or timezone.now()
    _check_length(text)
    updated = (
        Attempt.objects.filter(
            owner=owner,
            interview_id=interview_id,
            position=position,
            status=AttemptStatus.PENDING,
            started__isnull=False,
        )
        .filter(Q(deadline__isnull=True) | Q(deadline__gte=now - GRACE))
        .update(draft=text, draft_saved=now)
    )
    return updated == 1


def attempt_save_draft(*, attempt: Attempt, text: str, now: datetime | None = None) -> bool:
    """Autosave the text being typed; True when it was stored.

    An open question keeps it as its draft, also within the grace after the deadline.
    After the grace the question is closed instead, with the draft stored before then as
    its timed-out answer, and ``TimeWasUp`` is raised when ``text`` differs from it.
    Text that arrived within the grace for an answer settled meanwhile replaces it (see
    ``_takes_late_text``). Anything else is left as it is. Raises ``AnswerTooLong`` (the
    stored draft stays).
    """
    now = now or timezone.now()
    closed = late = False
    with transaction.atomic():
        locked = _locked(attempt)
        if locked.is_open and _past_grace(locked, now):
            _time_out(locked, now=now)
            stored = False
            closed = True
        elif locked.is_open:
            _check_length(text)
            if locked.draft != text:
                locked.draft = text
                locked.draft_saved = now
                locked.save(update_fields=["draft", "draft_saved"])
            stored = True
        else:
            stored = late = _late_text(locked, text, now=now)
    _after_write(locked, closed=closed, changed=late)
    if not stored:
        _refuse_if_too_late(locked, text, now=now)
    return stored


def attempt_submit(*, attempt: Attempt, text: str, now: datetime | None = None) -> Attempt:
    """Record the answer to an open question and score it.

    At the deadline or within the grace after it the answer is still stored, marked timed
    out. After the grace the question is closed with its last draft instead, and
    ``TimeWasUp`` is raised when ``text`` differs from it. Submitting a question already
    answered changes nothing (but see ``_takes_late_text``). For an open question raises
    ``AnswerTooLong`` or ``EmptyAnswer`` (an empty answer in time); ``AttemptNotOpen``
    for a question not shown yet.
    """
    now = now or timezone.now()
    recorded = changed = False
    with transaction.atomic():
        locked = _locked(attempt)
        if locked.status == AttemptStatus.PENDING:
            if locked.started is None:
                raise AttemptNotOpen
            if _past_grace(locked, now):
                _time_out(locked, now=now)
            else:
                _check_length(text)
                late = locked.deadline is not None and now >= locked.deadline
                if not late and not text.strip():
                    raise EmptyAnswer
                _record_answer(locked, text=text, now=now, timed_out=late)
            recorded = True
        else:
            changed = _late_text(locked, text, now=now)
    # An answer in time is reviewed when it is rated; a timed-out one counts as Again now.
    _after_write(locked, closed=recorded and locked.timed_out, changed=recorded or changed)
    _refuse_if_too_late(locked, text, now=now)
    return locked


def attempt_skip(*, attempt: Attempt, now: datetime | None = None) -> Attempt:
    """Skip an open question. Its draft is kept; the answer stays empty.

    After the deadline's grace the question is recorded as timed out with its draft
    instead. Skipping a question already finished changes nothing; one not shown yet
    raises ``AttemptNotOpen``.
    """
    now = now or timezone.now()
    closed = False
    with transaction.atomic():
        locked = _locked(attempt)
        if locked.status == AttemptStatus.PENDING:
            if locked.started is None:
                raise AttemptNotOpen
            if _past_grace(locked, now):
                _time_out(locked, now=now)
            else:
                _record_skip(locked, now=now)
            closed = True
    _after_write(locked, closed=closed, changed=False)
    return locked


def attempt_rate(
    *, attempt: Attempt, rating: int, note: str = "", now: datetime | None = None
) -> Attempt:
    """Store the self-rating (Again/Hard/Good/Easy) and note of an answered question.

    The first rating counts: rating again changes nothing. Raises ``AttemptNotOpen`` for
    a question without an answer to rate.
    """
    rating = SelfRating(rating)
    with transaction.atomic():
        locked = _locked(attempt)
        if not locked.has_answer:
            raise AttemptNotOpen
        first = locked.rated is None
        if first:
            locked.self_rating = rating
            locked.note = note.strip()[:MAX_NOTE_LENGTH]
            locked.rated = now or timezone.now()
            locked.save(update_fields=["self_rating", "note", "rated"])
    if first:
        review_attempt(attempt=locked)
        activity_changed(user_id=locked.owner_id)
    return locked


# --- finishing ------------------------------------------------------------------------


def interview_complete(*, interview: MockInterview, now: datetime | None = None) -> bool:
    """Mark the interview completed once every question is answered and rated."""
    if interview.status != InterviewStatus.IN_PROGRESS or interview_step(interview=interview):
        return False
    now = now or timezone.now()
    updated = MockInterview.objects.filter(
        pk=interview.pk, status=InterviewStatus.IN_PROGRESS
    ).update(status=InterviewStatus.COMPLETED, finished=now)
    interview.refresh_from_db(fields=["status", "finished"])
    return bool(updated)


def interview_end(
    *,
    interview: MockInterview,
    status: str = InterviewStatus.COMPLETED,
    now: datetime | None = None,
) -> MockInterview:
    """End an interview early (``status`` completed, or abandoned when a new one starts).

    The question on screen is recorded with its last draft as the answer (skipped when
    the draft is empty); questions never shown are dropped. Ending an interview that is
    already over changes nothing.
    """
    now = now or timezone.now()
    closed: list[Attempt] = []
    ended = False
    with transaction.atomic():
        locked = MockInterview.objects.select_for_update().get(pk=interview.pk)
        if locked.status == InterviewStatus.IN_PROGRESS:
            ended = True
            closed = _settle(interview=locked, now=now)
            for attempt in (
                locked.attempts.select_for_update()
                .filter(status=AttemptStatus.PENDING, started__isnull=False)
                .order_by("position")
            ):
                if attempt.draft.strip():
                    _record_answer(
                        attempt,
                        text=attempt.draft,
                        now=now,
                        timed_out=attempt.deadline is not None and now >= attempt.deadline,
                    )
                else:
                    _record_skip(attempt, now=now)
                closed.append(attempt)
            locked.attempts.filter(status=AttemptStatus.PENDING).delete()
            locked.status = status
            locked.finished = now
            locked.save(update_fields=["status", "finished"])
    for attempt in closed:
        review_attempt(attempt=attempt)
    if ended:
        activity_changed(user_id=locked.owner_id)
    interview.status, interview.finished = locked.status, locked.finished
    return interview
