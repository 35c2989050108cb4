"""The interview services and the question choice, without HTTP."""

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError
from django.utils import timezone

from questions.models import (
    Attempt,
    AttemptStatus,
    InterviewMode,
    InterviewStatus,
    Level,
    MockInterview,
    ReviewCard,
)
from questions.selectors.interviews import (
    StepKind,
    interview_step,
    missed_question_ids,
    questions_for_interview,
)
from questions.services.interviews import (
    GRACE,
    AnswerTooLong,
    AttemptNotOpen,
    EmptyAnswer,
    NoQuestionsMatch,
    attempt_begin,
    attempt_rate,
    attempt_save_draft,
    attempt_skip,
    attempt_submit,
    interview_complete,
    interview_end,
    interview_retry,
    interview_start,
)
from tests.factories import AttemptFactory, BankFactory, MockInterviewFactory, QuestionFactory
from tests.questions.interview_support import STRONG_ANSWER, make_questions, make_tag, start

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_start_creates_one_pending_attempt_per_question_with_a_snapshot(user, bank):
    tag = make_tag(bank, "Networking")
    questions = make_questions(bank, 3, tags=[tag])

    interview = start(user, bank, count=3)

    attempts = list(interview.attempts.order_by("position"))
    assert [a.position for a in attempts] == [1, 2, 3]
    assert {a.question_id for a in attempts} == {q.pk for q in questions}
    for attempt in attempts:
        question = attempt.question
        assert attempt.status == AttemptStatus.PENDING
        assert attempt.owner == user
        assert attempt.prompt == question.prompt
        assert attempt.model_answer == question.answer
        assert attempt.model_answer_html == question.answer_html
        assert attempt.talking_points == question.talking_points
        assert attempt.tag_slugs == ["networking"]
        assert attempt.started is None and attempt.deadline is None
    assert interview.status == InterviewStatus.IN_PROGRESS
    assert interview.question_count == 3


def test_start_uses_the_users_default_times_for_each_level(user, bank):
    user.default_seconds_junior, user.default_seconds_senior = 120, 400
    user.save()
    junior = QuestionFactory(bank=bank, level=Level.JUNIOR)
    senior = QuestionFactory(bank=bank, level=Level.SENIOR)

    interview = start(user, bank, count=2)

    allowed = {a.question_id: a.seconds_allowed for a in interview.attempts.all()}
    assert allowed == {junior.pk: 120, senior.pk: 400}
    assert (interview.seconds_junior, interview.seconds_senior) == (120, 400)


def test_start_multiplies_every_time_by_the_extra_time_accommodation(user, bank):
    user.extra_time = "1.5"
    user.save()
    junior = QuestionFactory(bank=bank, level=Level.JUNIOR)
    senior = QuestionFactory(bank=bank, level=Level.SENIOR)

    interview = start(user, bank, count=2, seconds_junior=15, seconds_senior=301)

    allowed = {a.question_id: a.seconds_allowed for a in interview.attempts.all()}
    assert allowed == {junior.pk: 23, senior.pk: 452}  # rounded half up
    assert interview.extra_time == Decimal("1.5")


def test_practice_mode_is_untimed(user, bank):
    make_questions(bank, 2)

    interview = start(user, bank, mode=InterviewMode.PRACTICE, count=2, seconds_junior=60)

    assert interview.seconds_junior is None and interview.seconds_senior is None
    assert set(interview.attempts.values_list("seconds_allowed", flat=True)) == {None}


@pytest.mark.parametrize(
    "options",
    [
        {"count": 0},
        {"count": 61},
        {"count": 1, "seconds_junior": 9},
        {"count": 1, "seconds_senior": 1801},
        {"count": 1, "mode": "exam"},
    ],
)
def test_start_refuses_values_out_of_range(user, bank, options):
    make_questions(bank, 1)
    options.setdefault("mode", InterviewMode.MOCK)

    with pytest.raises(ValueError):
        interview_start(user=user, bank=bank, **options)

    assert not MockInterview.objects.exists()


def test_start_takes_every_match_when_fewer_than_asked(user, bank):
    make_questions(bank, 2)

    interview = start(user, bank, count=10)

    assert interview.question_count == 2
    assert interview.attempts.count() == 2


def test_start_raises_no_questions_match_and_changes_nothing(user, bank):
    make_questions(bank, 2, level=Level.JUNIOR)
    running = start(user, bank, count=1)

    with pytest.raises(NoQuestionsMatch):
        start(user, bank, count=3, levels=[Level.SENIOR])

    running.refresh_from_db()
    assert running.status == InterviewStatus.IN_PROGRESS
    assert MockInterview.objects.count() == 1


def test_inactive_questions_are_never_chosen(user, bank):
    active = QuestionFactory(bank=bank)
    QuestionFactory(bank=bank, is_active=False)

    interview = start(user, bank, count=5)

    assert list(interview.attempts.values_list("question_id", flat=True)) == [active.pk]


def test_levels_and_any_of_the_tags_narrow_the_choice(user, bank):
    compute, storage, other = (make_tag(bank, n) for n in ("Compute", "Storage", "Other"))
    wanted_a = QuestionFactory(bank=bank, level=Level.SENIOR, tags=[compute])
    wanted_b = QuestionFactory(bank=bank, level=Level.SENIOR, tags=[storage, other])
    QuestionFactory(bank=bank, level=Level.JUNIOR, tags=[compute])
    QuestionFactory(bank=bank, level=Level.SENIOR, tags=[other])

    interview = start(user, bank, count=10, levels=[Level.SENIOR], tag_slugs=["compute", "storage"])

    chosen = set(interview.attempts.values_list("question_id", flat=True))
    assert chosen == {wanted_a.pk, wanted_b.pk}


def test_question_ids_restrict_the_choice_to_those_questions(user, bank):
    questions = make_questions(bank, 5)
    foreign = QuestionFactory(bank=BankFactory(name="Azure", slug="azure"))

    interview = start(user, bank, count=5, question_ids=[questions[1].pk, questions[3].pk])
    chosen = set(interview.attempts.values_list("question_id", flat=True))
    assert chosen == {questions[1].pk, questions[3].pk}

    interview = start(user, bank, count=5, question_ids=[foreign.pk, questions[0].pk])
    assert list(interview.attempts.values_list("question_id", flat=True)) == [questions[0].pk]


def test_never_attempted_questions_come_before_attempted_ones(user, bank):
    questions = make_questions(bank, 6)
    done = questions[:4]
    for question in done:
        AttemptFactory(interview__owner=user, interview__bank=bank, question=question)

    for _ in range(5):
        chosen = questions_for_interview(user=user, bank=bank, count=2)
        assert {q.pk for q in chosen} == {questions[4].pk, questions[5].pk}


def test_among_attempted_questions_the_weakest_results_come_first(user, bank):
    strong, weak, weakest, skipped = make_questions(bank, 4)
    AttemptFactory(interview__owner=user, question=strong, coverage=100, self_rating=4)
    AttemptFactory(interview__owner=user, question=weak, coverage=50, self_rating=2)
    AttemptFactory(interview__owner=user, question=weakest, coverage=20, self_rating=1)
    AttemptFactory(
        interview__owner=user,
        question=skipped,
        status=AttemptStatus.SKIPPED,
        answer="",
        coverage=None,
        covered_points=[],
    )

    chosen = questions_for_interview(user=user, bank=bank, count=3, rng=random.Random(1))

    assert {q.pk for q in chosen} == {weak.pk, weakest.pk, skipped.pk}
    assert strong.pk not in {q.pk for q in chosen}


def test_other_users_attempts_do_not_count_as_attempted(user, other_user, bank):
    first, second = make_questions(bank, 2)
    AttemptFactory(interview__owner=other_user, question=first)
    AttemptFactory(interview__owner=user, question=second)

    chosen = questions_for_interview(user=user, bank=bank, count=1)

    assert [q.pk for q in chosen] == [first.pk]


def test_include_due_puts_due_questions_first(user, bank):
    questions = make_questions(bank, 5)
    due = questions[2]
    ReviewCard.objects.create(owner=user, question=due, due=timezone.now() - timedelta(hours=1))
    ReviewCard.objects.create(
        owner=user, question=questions[3], due=timezone.now() + timedelta(days=5)
    )
    for question in questions[2:]:
        AttemptFactory(interview__owner=user, question=question)

    without = questions_for_interview(user=user, bank=bank, count=1)
    with_due = questions_for_interview(user=user, bank=bank, count=1, include_due=True)

    assert without[0].pk != due.pk
    assert [q.pk for q in with_due] == [due.pk]


def test_starting_a_new_interview_abandons_the_running_one_and_keeps_its_draft(user, bank):
    make_questions(bank, 4)
    old = start(user, bank, count=3)
    first = old.attempts.get(position=1)
    attempt_begin(attempt=first)
    attempt_save_draft(attempt=first, text="Half an answer about Regions")

    new = start(user, bank, count=2)

    old.refresh_from_db()
    assert old.status == InterviewStatus.ABANDONED
    assert old.finished is not None
    kept = old.attempts.get()
    assert kept.position == 1
    assert kept.status == AttemptStatus.ANSWERED
    assert kept.answer == "Half an answer about Regions"
    assert kept.coverage == 50
    assert new.status == InterviewStatus.IN_PROGRESS


def test_the_database_allows_one_running_interview_per_user(user, bank):
    make_questions(bank, 1)
    start(user, bank, count=1)

    with pytest.raises(IntegrityError):
        MockInterview.objects.create(owner=user, bank=bank, mode="mock", question_count=1)


def test_begin_sets_the_deadline_once(user, bank):
    make_questions(bank, 1)
    attempt = start(user, bank, count=1, seconds_junior=60).attempts.get()

    with time_machine.travel(NOW, tick=False):
        attempt_begin(attempt=attempt)
    with time_machine.travel(NOW + timedelta(seconds=30), tick=False):
        again = attempt_begin(attempt=Attempt.objects.get(pk=attempt.pk))

    assert attempt.started == NOW
    assert attempt.deadline == NOW + timedelta(seconds=60)
    assert again.deadline == NOW + timedelta(seconds=60)


def test_submit_in_time_scores_the_answer(user, bank):
    make_questions(bank, 1)
    attempt = start(user, bank, count=1).attempts.get()
    attempt_begin(attempt=attempt)

    attempt = attempt_submit(attempt=attempt, text=STRONG_ANSWER)

    assert attempt.status == AttemptStatus.ANSWERED
    assert attempt.timed_out is False
    assert attempt.answer == STRONG_ANSWER
    assert attempt.coverage == 100
    assert attempt.covered_points == ["Availability Zone", "Region"]
    assert attempt.submitted is not None


def test_a_second_submit_changes_nothing(user, bank):
    make_questions(bank, 1)
    attempt = start(user, bank, count=1).attempts.get()
    attempt_begin(attempt=attempt)
    first = attempt_submit(attempt=attempt, text="Regions")

    second = attempt_submit(attempt=attempt, text="Something else entirely")

    assert second.answer == "Regions"
    assert second.submitted == first.submitted
    assert Attempt.objects.get(pk=attempt.pk).answer == "Regions"


def test_an_empty_answer_in_time_is_refused(user, bank):
    make_questions(bank, 1)
    attempt = start(user, bank, count=1).attempts.get()
    attempt_begin(attempt=attempt)

    with pytest.raises(EmptyAnswer):
        attempt_submit(attempt=attempt, text="   ")

    assert Attempt.objects.get(pk=attempt.pk).status == AttemptStatus.PENDING


def test_an_answer_over_the_limit_is_refused_and_the_draft_kept(user, bank):
    make_questions(bank, 1)
    attempt = start(user, bank, count=1).attempts.get()
    attempt_begin(attempt=attempt)
    attempt_save_draft(attempt=attempt, text="my draft")

    with pytest.raises(AnswerTooLong, match="20,001"):
        attempt_submit(attempt=attempt, text="x" * 20_001)
    with pytest.raises(AnswerTooLong):
        attempt_save_draft(attempt=attempt, text="x" * 20_001)

    stored = Attempt.objects.get(pk=attempt.pk)
    assert stored.status == AttemptStatus.PENDING
    assert stored.draft == "my draft"


def test_an_answer_of_exactly_the_limit_is_stored(user, bank):
    make_questions(bank, 1)
    attempt = start(user, bank, count=1).attempts.get()
    attempt_begin(attempt=attempt)

    attempt = attempt_submit(attempt=attempt, text="Region " * 2857 + "x")

    assert len(attempt.answer) == 20_000
    assert attempt.status == AttemptStatus.ANSWERED


def test_a_question_not_shown_yet_cannot_be_answered_or_skipped(user, bank):
    make_questions(bank, 2)
    second = start(user, bank, count=2).attempts.get(position=2)

    with pytest.raises(AttemptNotOpen):
        attempt_submit(attempt=second, text="early")
    with pytest.raises(AttemptNotOpen):
        attempt_skip(attempt=second)
    assert attempt_save_draft(attempt=second, text="early") is False
    assert Attempt.objects.get(pk=second.pk).draft == ""


def test_submit_within_the_grace_after_the_deadline_is_stored_and_marked_timed_out(user, bank):
    make_questions(bank, 1)
    attempt = start(user, bank, count=1, seconds_junior=60).attempts.get()
    with time_machine.travel(NOW, tick=False):
        attempt_begin(attempt=attempt)
    with time_machine.travel(NOW + timedelta(seconds=60) + GRACE, tick=False):
        attempt = attempt_submit(attempt=attempt, text="Regions, a little late")

    assert attempt.status == AttemptStatus.TIMED_OUT
    assert attempt.timed_out is True
    assert attempt.answer == "Regions, a little late"
    assert attempt.coverage == 50
    assert attempt.seconds_used == 60
    card = ReviewCard.objects.get(owner=user, question=attempt.question)
    assert card.reviews == 1


def test_skip_keeps_the_draft_and_leaves_no_answer(user, bank):
    make_questions(bank, 1)
    attempt = start(user, bank, count=1).attempts.get()
    attempt_begin(attempt=attempt)
    attempt_save_draft(attempt=attempt, text="not sure")

    attempt = attempt_skip(attempt=attempt)

    assert attempt.status == AttemptStatus.SKIPPED
    assert attempt.answer == ""
    assert attempt.draft == "not sure"
    assert attempt.coverage == 0
    assert ReviewCard.objects.get(owner=user, question=attempt.question).reviews == 1


def test_rating_is_stored_once_and_reviews_the_card(user, bank):
    make_questions(bank, 1)
    attempt = start(user, bank, count=1).attempts.get()
    attempt_begin(attempt=attempt)
    attempt_submit(attempt=attempt, text=STRONG_ANSWER)

    rated = attempt_rate(attempt=attempt, rating=3, note="  Mention failover next time. ")
    again = attempt_rate(attempt=attempt, rating=1, note="changed my mind")

    assert rated.self_rating == 3
    assert rated.note == "Mention failover next time."
    assert again.self_rating == 3
    assert again.note == "Mention failover next time."
    card = ReviewCard.objects.get(owner=user, question=attempt.question)
    assert card.reviews == 1
    assert card.due > timezone.now()


def test_a_question_without_an_answer_cannot_be_rated(user, bank):
    make_questions(bank, 1)
    attempt = start(user, bank, count=1).attempts.get()

    with pytest.raises(AttemptNotOpen):
        attempt_rate(attempt=attempt, rating=3)


def test_the_step_waits_for_a_rating_after_each_answer(user, bank):
    make_questions(bank, 2)
    interview = start(user, bank, count=2)
    first = interview.attempts.get(position=1)

    assert interview_step(interview=interview).kind == StepKind.QUESTION
    attempt_begin(attempt=first)
    attempt_submit(attempt=first, text="Regions")
    step = interview_step(interview=interview)
    assert (step.kind, step.attempt.pk) == (StepKind.FEEDBACK, first.pk)

    attempt_rate(attempt=first, rating=2)
    step = interview_step(interview=interview)
    assert (step.kind, step.attempt.position) == (StepKind.QUESTION, 2)

    second = step.attempt
    attempt_begin(attempt=second)
    attempt_skip(attempt=second)
    assert interview_step(interview=interview) is None
    assert interview_complete(interview=interview) is True
    assert interview.status == InterviewStatus.COMPLETED
    assert interview.finished is not None


def test_an_interview_with_questions_left_is_not_completed(user, bank):
    make_questions(bank, 2)
    interview = start(user, bank, count=2)

    assert interview_complete(interview=interview) is False
    assert MockInterview.objects.get(pk=interview.pk).status == InterviewStatus.IN_PROGRESS


def test_ending_early_keeps_the_text_on_screen_and_drops_unseen_questions(user, bank):
    make_questions(bank, 3)
    interview = start(user, bank, count=3)
    first = interview.attempts.get(position=1)
    attempt_begin(attempt=first)
    attempt_save_draft(attempt=first, text=STRONG_ANSWER)

    interview_end(interview=interview)

    assert interview.status == InterviewStatus.COMPLETED
    kept = interview.attempts.get()
    assert (kept.position, kept.status, kept.answer) == (1, AttemptStatus.ANSWERED, STRONG_ANSWER)
    assert kept.coverage == 100


def test_ending_with_an_empty_draft_records_a_skip(user, bank):
    make_questions(bank, 2)
    interview = start(user, bank, count=2)
    attempt_begin(attempt=interview.attempts.get(position=1))

    interview_end(interview=interview)

    assert list(interview.attempts.values_list("status", flat=True)) == [AttemptStatus.SKIPPED]


def test_ending_a_finished_interview_changes_nothing(user, bank):
    make_questions(bank, 1)
    interview = start(user, bank, count=1)
    interview_end(interview=interview)
    finished = interview.finished

    interview_end(interview=interview, status=InterviewStatus.ABANDONED)

    interview.refresh_from_db()
    assert (interview.status, interview.finished) == (InterviewStatus.COMPLETED, finished)


def test_missed_questions_are_timed_out_skipped_low_coverage_or_rated_again_or_hard(user, bank):
    interview = MockInterviewFactory(owner=user, bank=bank)
    kinds = {
        "good": {"coverage": 100, "self_rating": 3},
        "low": {"coverage": 40, "self_rating": 3},
        "hard": {"coverage": 100, "self_rating": 2},
        "again": {"coverage": 80, "self_rating": 1},
        "timed_out": {"status": AttemptStatus.TIMED_OUT, "timed_out": True, "coverage": 100},
        "skipped": {"status": AttemptStatus.SKIPPED, "answer": "", "coverage": 0},
        "easy": {"coverage": 90, "self_rating": 4},
    }
    ids = {}
    for position, (name, fields) in enumerate(kinds.items(), start=1):
        ids[name] = AttemptFactory(interview=interview, position=position, **fields).question_id

    missed = missed_question_ids(interview=interview)

    assert missed == [ids[k] for k in ("low", "hard", "again", "timed_out", "skipped")]


def test_retry_starts_an_interview_on_the_missed_questions_in_the_same_mode(user, bank):
    interview = MockInterviewFactory(
        owner=user, bank=bank, mode=InterviewMode.MOCK, seconds_junior=60, seconds_senior=90
    )
    good = AttemptFactory(interview=interview, position=1, self_rating=4)
    low = AttemptFactory(interview=interview, position=2, coverage=10, self_rating=3)

    retry = interview_retry(interview=interview)

    assert retry.mode == InterviewMode.MOCK
    assert (retry.seconds_junior, retry.seconds_senior) == (60, 90)
    assert list(retry.attempts.values_list("question_id", flat=True)) == [low.question_id]
    assert good.question_id not in set(retry.attempts.values_list("question_id", flat=True))


def test_retry_with_nothing_missed_raises(user, bank):
    interview = MockInterviewFactory(owner=user, bank=bank)
    AttemptFactory(interview=interview, position=1, self_rating=4)

    with pytest.raises(NoQuestionsMatch):
        interview_retry(interview=interview)
