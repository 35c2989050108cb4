"""Retention: the share of reviews of questions seen before that were recalled over the
last 7, 30 and 365 local days, beside the desired retention (a per-user setting the
scheduler uses); and each card's current retrievability as FSRS predicts it."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from fsrs import Card, Rating

from questions.models import AttemptStatus, ReviewCard, SelfRating
from questions.selectors.progress import practice_totals
from questions.selectors.reviews import card_retrievability
from questions.services.reviews import review_attempt, scheduler_for
from tests.factories import AttemptFactory, MockInterviewFactory, QuestionFactory
from tests.questions.history_data import bulk_history

pytestmark = pytest.mark.django_db

URL = reverse("questions:progress")
NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


def _attempt(user, question, when: datetime, rating=SelfRating.GOOD, **extra):
    interview = MockInterviewFactory(owner=user, bank=question.bank)
    return AttemptFactory(
        interview=interview,
        question=question,
        started=when - timedelta(minutes=2),
        submitted=when,
        self_rating=rating,
        **extra,
    )


def _windows(user, now=NOW):
    totals = practice_totals(user=user, now=now)
    return {w.days: (w.recalled, w.reviews) for w in totals.retention.windows}


def test_a_first_answer_is_not_a_review(user, bank):
    _attempt(user, QuestionFactory(bank=bank), NOW - timedelta(hours=1))
    assert _windows(user) == {7: (0, 0), 30: (0, 0), 365: (0, 0)}


def test_hard_good_and_easy_are_recalled_again_time_outs_and_empty_answers_are_not(user, bank):
    outcomes = [
        ({"rating": SelfRating.HARD}, True),
        ({"rating": SelfRating.GOOD}, True),
        ({"rating": SelfRating.EASY}, True),
        ({"rating": SelfRating.AGAIN}, False),
        ({"rating": None, "status": AttemptStatus.TIMED_OUT, "timed_out": True}, False),
        ({"rating": SelfRating.GOOD, "status": AttemptStatus.TIMED_OUT, "timed_out": True}, False),
        ({"rating": None, "status": AttemptStatus.SKIPPED, "answer": "  \n"}, False),
        ({"rating": None}, None),  # answered but not rated yet: no review
    ]
    for extra, _ in outcomes:
        question = QuestionFactory(bank=bank)
        _attempt(user, question, NOW - timedelta(days=20))
        _attempt(user, question, NOW - timedelta(hours=1), **extra)

    recalled = sum(1 for _, r in outcomes if r)
    reviews = sum(1 for _, r in outcomes if r is not None)
    assert _windows(user)[7] == (recalled, reviews) == (3, 7)
    # The first answers, 20 days ago, were not reviews: the 30-day window adds nothing.
    assert _windows(user)[30] == (3, 7)


def test_the_windows_are_whole_local_days(user, bank):
    user.timezone = "America/New_York"  # EDT (UTC-4) from 9 March 2025
    user.save()
    now = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)  # 08:00 on the 10th in New York
    question = QuestionFactory(bank=bank)
    _attempt(user, question, datetime(2024, 1, 1, 12, 0, tzinfo=UTC))
    # The 7-day window starts at 00:00 EST on 4 March = 05:00 UTC.
    _attempt(user, question, datetime(2025, 3, 4, 4, 59, tzinfo=UTC))  # 23:59 on the 3rd
    _attempt(user, question, datetime(2025, 3, 4, 5, 1, tzinfo=UTC), rating=SelfRating.AGAIN)
    # The 365-day window starts on 11 March 2024.
    _attempt(user, question, datetime(2024, 3, 10, 12, 0, tzinfo=UTC))

    assert _windows(user, now) == {7: (0, 1), 30: (1, 2), 365: (1, 2)}


def test_another_users_reviews_are_not_counted(user, other_user, bank):
    question = QuestionFactory(bank=bank)
    _attempt(other_user, question, NOW - timedelta(days=3))
    _attempt(other_user, question, NOW - timedelta(days=1))
    _attempt(user, question, NOW - timedelta(hours=2))
    assert _windows(user) == {7: (0, 0), 30: (0, 0), 365: (0, 0)}


@pytest.mark.parametrize("attempts", [1, 500])
def test_retention_comes_with_the_totals_in_one_query(
    user, bank, attempts, django_assert_max_num_queries
):
    questions = [QuestionFactory(bank=bank) for _ in range(20)]
    bulk_history(user=user, bank=bank, attempts=attempts, questions=questions)
    now = datetime(2025, 1, 6, 18, 0, tzinfo=UTC) + timedelta(days=attempts // 5 + 1)
    with django_assert_max_num_queries(1):
        totals = practice_totals(user=user, now=now)
    # Independently: every attempt after a question's first, rated or empty, is a review.
    expected_reviews = max(0, attempts - 20)
    assert totals.retention.windows[2].reviews == expected_reviews


def test_retrievability_is_what_fsrs_predicts_least_likely_first(user, bank):
    scheduler = scheduler_for(Decimal("0.90"))
    cards = {}
    for rating, days_ago in ((Rating.Good, 3), (Rating.Easy, 1), (Rating.Again, 10)):
        question = QuestionFactory(bank=bank)
        reviewed = NOW - timedelta(days=days_ago)
        card, _ = scheduler.review_card(Card(due=reviewed), rating, review_datetime=reviewed)
        ReviewCard.objects.create(
            owner=user,
            question=question,
            card=card.to_dict(),
            due=card.due,
            last_review=reviewed,
            reviews=1,
        )
        cards[question.pk] = scheduler.get_card_retrievability(card, current_datetime=NOW)
    ReviewCard.objects.create(owner=user, question=QuestionFactory(bank=bank), due=NOW, card={})

    recalls = card_retrievability(user=user, bank=bank, now=NOW)

    assert [(r.question.pk, r.retrievability) for r in recalls] == sorted(
        cards.items(), key=lambda item: item[1]
    )
    assert all(0 < r.retrievability <= 1 for r in recalls)


def test_the_scheduler_uses_the_users_desired_retention(user, other_user, bank):
    user.desired_retention = Decimal("0.97")
    user.save()
    other_user.desired_retention = Decimal("0.70")
    other_user.save()
    intervals = {}
    for owner in (user, other_user):
        question = QuestionFactory(bank=bank)
        first = _attempt(owner, question, NOW - timedelta(days=10), rated=NOW - timedelta(days=10))
        review_attempt(attempt=first)
        second = _attempt(owner, question, NOW, rated=NOW)
        card = review_attempt(attempt=second)
        intervals[owner.username] = card.due - NOW

    assert intervals["alice"] < intervals["bob"]
    assert scheduler_for(Decimal("0.97")).desired_retention == pytest.approx(0.97)


def test_the_dashboard_shows_retention_beside_the_desired_retention(client_logged_in, user, bank):
    user.desired_retention = Decimal("0.85")
    user.save()
    question = QuestionFactory(bank=bank, prompt="What is an Availability Zone?")
    review_attempt(attempt=_attempt(user, question, NOW - timedelta(days=3), rated=NOW))
    review_attempt(
        attempt=_attempt(user, question, NOW - timedelta(days=1), SelfRating.HARD, rated=NOW)
    )
    with time_machine.travel(NOW, tick=False):
        response = client_logged_in.get(URL)
    html = response.content.decode()

    assert "Your desired retention is <strong>85%</strong>" in html
    assert '<dt class="stat-label">Last 7 days</dt>' in html
    assert "1 of 1 review recalled" in html
    assert "Chance of recall" in html
    assert "What is an Availability Zone?" in html
    recall = response.context["recalls"][0]
    assert f'data-label="Chance of recall">{round(recall.percent)}%</td>' in html
