"""The progress aggregates are cached per user, and every change to what they read shows
on the next request: a new answer, a rating, a skip, a time-out, a review, a time-zone
change, a new day, an edit of the bank. Nothing of one user reaches another."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from questions.models import InterviewMode, Question, SelfRating
from questions.selectors.progress_cache import progress_key
from questions.services.interviews import (
    attempt_begin,
    attempt_rate,
    attempt_save_draft,
    attempt_skip,
    attempt_submit,
    interview_end,
    interview_settle,
)
from tests.factories import UserFactory
from tests.questions.interview_support import (
    STRONG_ANSWER,
    current,
    make_questions,
    make_tag,
    start,
)

pytestmark = pytest.mark.django_db

PROGRESS = reverse("questions:progress")
HOME = reverse("questions:home")
MONDAY = datetime(2025, 3, 10, 10, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def questions(bank):
    tag = make_tag(bank, "Compute")
    return make_questions(bank, 4, tags=[tag])


def answer(user, bank, *, rating: int | None = SelfRating.GOOD, text: str = STRONG_ANSWER):
    """One practice interview of one question, answered (and rated unless ``rating`` is None)."""
    interview = start(user, bank, mode=InterviewMode.PRACTICE, count=1)
    attempt = attempt_begin(attempt=current(interview))
    attempt = attempt_submit(attempt=attempt, text=text)
    if rating is not None:
        attempt = attempt_rate(attempt=attempt, rating=rating)
        interview_end(interview=interview)
    return attempt


def dashboard(client, **params):
    response = client.get(PROGRESS, params)
    assert response.status_code == 200
    return response.context


def version(user) -> int:
    return User.objects.values_list("activity_version", flat=True).get(pk=user.pk)


def test_a_repeated_dashboard_reads_the_aggregates_from_the_cache(
    client_logged_in, user, bank, questions, clock, django_assert_max_num_queries
):
    answer(user, bank)
    with CaptureQueriesContext(connection) as cold:
        first = client_logged_in.get(PROGRESS)
    with django_assert_max_num_queries(len(cold) - 5):
        second = client_logged_in.get(PROGRESS)

    assert second.context["totals"] == first.context["totals"]
    assert second.context["streak"] == first.context["streak"]
    assert second.context["score_points"] == first.context["score_points"]
    assert second.context["coverage"] == first.context["coverage"]
    assert [(t.pk, t.mastery, t.rating, t.band) for t in second.context["mastery"]] == [
        (t.pk, t.mastery, t.rating, t.band) for t in first.context["mastery"]
    ]


def test_a_repeated_home_page_reads_the_streak_from_the_cache(
    client_logged_in, user, bank, questions, clock, django_assert_max_num_queries
):
    answer(user, bank)
    with CaptureQueriesContext(connection) as cold:
        first = client_logged_in.get(HOME)
    with django_assert_max_num_queries(len(cold) - 1):
        second = client_logged_in.get(HOME)

    assert second.context["streak"] == first.context["streak"]
    assert second.context["streak"].current == 1


def test_a_new_answer_shows_at_once(client_logged_in, user, bank, questions, clock):
    answer(user, bank)
    before = dashboard(client_logged_in)

    clock.shift(timedelta(minutes=5))
    answer(user, bank, rating=None)
    after = dashboard(client_logged_in)

    assert (before["totals"].attempts, after["totals"].attempts) == (1, 2)
    assert after["seen"] == 2
    assert after["score_points"][-1].attempts == 2


def test_a_rating_shows_at_once(client_logged_in, user, bank, questions, clock):
    attempt = answer(user, bank, rating=None)
    before = dashboard(client_logged_in)

    attempt_rate(attempt=attempt, rating=SelfRating.EASY)
    after = dashboard(client_logged_in)

    assert before["score_points"][-1].rated == 0
    assert after["score_points"][-1].rated == 1
    assert after["score_points"][-1].rating == SelfRating.EASY
    assert after["mastery"][0].rating == SelfRating.EASY


def test_a_skip_shows_at_once(client_logged_in, user, bank, questions, clock):
    answer(user, bank)
    before = dashboard(client_logged_in)

    interview = start(user, bank, mode=InterviewMode.PRACTICE, count=1)
    attempt_skip(attempt=attempt_begin(attempt=current(interview)))
    after = dashboard(client_logged_in)

    assert (before["totals"].attempts, after["totals"].attempts) == (1, 2)
    assert after["totals"].average_coverage < before["totals"].average_coverage


def test_a_timed_out_answer_shows_once_settled(client_logged_in, user, bank, questions, clock):
    answer(user, bank)
    interview = start(user, bank, mode=InterviewMode.MOCK, count=1)
    attempt = attempt_begin(attempt=current(interview))
    attempt_save_draft(attempt=attempt, text="Availability Zones")
    before = dashboard(client_logged_in)

    clock.shift(timedelta(seconds=attempt.seconds_allowed + 60))
    assert len(interview_settle(interview=interview)) == 1
    after = dashboard(client_logged_in)

    assert (before["totals"].attempts, after["totals"].attempts) == (1, 2)


def test_the_page_that_settles_a_time_out_is_followed_by_a_fresh_dashboard(
    client_logged_in, user, bank, questions, clock
):
    interview = start(user, bank, mode=InterviewMode.MOCK, count=1)
    client_logged_in.get(interview.get_absolute_url())  # shows the question: the clock starts
    assert dashboard(client_logged_in)["totals"].attempts == 0

    clock.shift(timedelta(minutes=10))
    client_logged_in.get(interview.get_absolute_url())  # settles the time-out

    assert dashboard(client_logged_in)["totals"].attempts == 1


def test_a_timed_out_answer_shows_at_once_with_its_draft(
    client_logged_in, user, bank, questions, clock
):
    interview = start(user, bank, mode=InterviewMode.MOCK, count=1)
    attempt = attempt_begin(attempt=current(interview))
    attempt_save_draft(attempt=attempt, text=STRONG_ANSWER)
    before = dashboard(client_logged_in)

    clock.shift(timedelta(seconds=attempt.seconds_allowed + 60))
    interview_settle(interview=interview)
    after = dashboard(client_logged_in)

    assert before["totals"].attempts == 0
    assert after["totals"].attempts == 1
    assert after["totals"].average_coverage > 0


def test_ending_an_interview_records_the_open_question_at_once(
    client_logged_in, user, bank, questions, clock
):
    interview = start(user, bank, mode=InterviewMode.PRACTICE, count=2)
    attempt = attempt_begin(attempt=current(interview))
    attempt_save_draft(attempt=attempt, text=STRONG_ANSWER)
    assert dashboard(client_logged_in)["totals"].attempts == 0

    interview_end(interview=interview)

    assert dashboard(client_logged_in)["totals"].attempts == 1


def test_typing_an_answer_keeps_the_cache(user, bank, questions, clock):
    interview = start(user, bank, mode=InterviewMode.PRACTICE, count=1)
    attempt = attempt_begin(attempt=current(interview))
    before = version(user)

    attempt_save_draft(attempt=attempt, text="Availability")
    attempt_save_draft(attempt=attempt, text="Availability Zones")

    assert version(user) == before


def test_a_review_moves_the_due_count_at_once(client_logged_in, user, bank, questions, clock):
    answer(user, bank, rating=SelfRating.AGAIN)
    clock.shift(timedelta(days=1))
    assert dashboard(client_logged_in)["due_today"] == 1
    home = client_logged_in.get(HOME).context
    assert [count for _, count in home["due"]] == [1]

    interview = start(user, bank, mode=InterviewMode.PRACTICE, count=1, include_due=True)
    attempt = attempt_begin(attempt=current(interview))
    attempt_rate(attempt=attempt_submit(attempt=attempt, text=STRONG_ANSWER), rating=4)

    assert dashboard(client_logged_in)["due_today"] == 0
    assert client_logged_in.get(HOME).context["due"] == []


def test_every_recorded_outcome_and_review_raises_the_activity_version(
    user, bank, questions, clock
):
    interview = start(user, bank, mode=InterviewMode.PRACTICE, count=2)
    attempt = attempt_begin(attempt=current(interview))
    seen = [version(user)]

    attempt = attempt_submit(attempt=attempt, text=STRONG_ANSWER)
    seen.append(version(user))
    attempt_rate(attempt=attempt, rating=SelfRating.GOOD)  # rates and reviews the card
    seen.append(version(user))
    attempt_skip(attempt=attempt_begin(attempt=current(interview)))
    seen.append(version(user))

    assert seen == sorted(set(seen)), "each step must raise the version"


def test_a_time_zone_change_moves_practice_days_at_once(client_logged_in, user, bank, questions):
    with time_machine.travel(datetime(2025, 3, 10, 23, 30, tzinfo=UTC), tick=False):
        answer(user, bank)
        before = dashboard(client_logged_in)
        user.timezone = "Asia/Tokyo"
        user.save(update_fields=["timezone"])
        after = dashboard(client_logged_in)

    assert before["score_points"][-1].day.isoformat() == "2025-03-10"
    assert after["score_points"][-1].day.isoformat() == "2025-03-11"
    assert before["streak"].practised_today and after["streak"].practised_today


def test_a_new_day_moves_the_streak_on_both_pages(client_logged_in, user, bank, questions, clock):
    answer(user, bank)
    assert dashboard(client_logged_in)["streak"].current == 1
    assert client_logged_in.get(HOME).context["streak"].practised_today

    clock.shift(timedelta(days=1))
    assert dashboard(client_logged_in)["streak"].current == 1
    assert not client_logged_in.get(HOME).context["streak"].practised_today

    clock.shift(timedelta(days=1))
    assert dashboard(client_logged_in)["streak"].current == 0
    assert client_logged_in.get(HOME).context["streak"].current == 0
    assert dashboard(client_logged_in)["streak"].longest == 1


def test_a_key_moves_with_the_day_the_version_the_zone_and_the_user(user, other_user, clock):
    key = progress_key(user=user, name="totals")

    assert progress_key(user=other_user, name="totals") != key
    assert progress_key(user=user, name="totals", now=MONDAY + timedelta(days=1)) != key
    user.activity_version += 1
    assert progress_key(user=user, name="totals") != key
    user.activity_version -= 1
    user.timezone = "Europe/Paris"
    assert progress_key(user=user, name="totals") != key


def test_an_edit_of_the_bank_shows_at_once(client_logged_in, user, bank, questions, clock):
    answer(user, bank)
    before = dashboard(client_logged_in)

    unseen = Question.objects.filter(bank=bank).exclude(attempts__owner=user).first()
    unseen.is_active = False
    unseen.save()
    after = dashboard(client_logged_in)

    assert (before["active_total"], after["active_total"]) == (4, 3)
    assert (before["mastery"][0].total, after["mastery"][0].total) == (4, 3)


def test_one_users_cached_progress_never_reaches_another(
    client, user, other_user, bank, questions, clock
):
    answer(user, bank)
    answer(other_user, bank, rating=SelfRating.AGAIN, text="No idea.")
    client.force_login(user)
    mine = dashboard(client)
    client.get(HOME)

    client.force_login(other_user)
    theirs = dashboard(client)

    assert mine["totals"].average_coverage > 0
    assert theirs["totals"].average_coverage == 0
    assert theirs["score_points"][-1].rating == SelfRating.AGAIN
    assert mine["score_points"][-1].rating == SelfRating.GOOD


def test_a_new_user_under_a_reused_id_starts_empty(client, user, bank, questions, clock):
    answer(user, bank)
    client.force_login(user)
    assert dashboard(client)["totals"].attempts == 1
    client.get(HOME)
    reused = user.pk
    user.delete()

    clock.shift(timedelta(seconds=1))
    newcomer = UserFactory(pk=reused, username="carol", email="carol@example.com")
    client.force_login(newcomer)

    assert dashboard(client)["totals"].attempts == 0
    assert client.get(HOME).context["streak"] is None


def test_saving_a_user_loaded_before_an_answer_keeps_the_newer_version(user, bank, questions):
    stale = User.objects.get(pk=user.pk)
    answer(user, bank)
    raised = version(user)

    stale.timezone = "Europe/Paris"
    stale.save()

    assert version(user) == raised > 0
    assert User.objects.get(pk=user.pk).timezone == "Europe/Paris"
