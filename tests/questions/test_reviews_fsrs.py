from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from fsrs import Card, Rating

from questions.models import AttemptStatus, ReviewCard, SelfRating
from questions.selectors.reviews import due_counts_by_bank, due_questions, end_of_local_day
from questions.services.reviews import rating_for_attempt, review_attempt
from tests.factories import (
    AttemptFactory,
    BankFactory,
    MockInterviewFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NOON = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


def _rated(user, question, rating, *, when=NOON, **extra):
    interview = MockInterviewFactory(owner=user, bank=question.bank)
    return AttemptFactory(
        interview=interview,
        question=question,
        self_rating=rating,
        started=when - timedelta(minutes=2),
        submitted=when - timedelta(minutes=1),
        rated=when,
        **extra,
    )


def _due_after_first_review(user, rating):
    question = QuestionFactory()
    card = review_attempt(attempt=_rated(user, question, rating))
    return card.due - NOON


def test_again_is_due_soonest_and_easy_latest_on_a_new_card(user):
    intervals = {r: _due_after_first_review(user, r) for r in SelfRating}
    assert intervals[SelfRating.AGAIN] == timedelta(days=1)
    assert intervals[SelfRating.AGAIN] <= intervals[SelfRating.HARD]
    assert intervals[SelfRating.HARD] < intervals[SelfRating.GOOD]
    assert intervals[SelfRating.GOOD] < intervals[SelfRating.EASY]


def test_each_rating_moves_a_reviewed_card_further_than_the_one_below(user):
    intervals = {}
    for rating in SelfRating:
        question = QuestionFactory()
        first = review_attempt(attempt=_rated(user, question, SelfRating.GOOD))
        second_time = first.due
        card = review_attempt(attempt=_rated(user, question, rating, when=second_time))
        intervals[rating] = card.due - second_time
    assert (
        intervals[SelfRating.AGAIN]
        < intervals[SelfRating.HARD]
        < intervals[SelfRating.GOOD]
        < intervals[SelfRating.EASY]
    )
    assert intervals[SelfRating.AGAIN] == timedelta(days=1)


def test_a_card_is_created_once_per_user_and_question_and_counts_reviews(user, question):
    review_attempt(attempt=_rated(user, question, SelfRating.GOOD))
    card = review_attempt(attempt=_rated(user, question, SelfRating.GOOD, when=NOON + timedelta(3)))
    assert ReviewCard.objects.filter(owner=user, question=question).count() == 1
    assert card.reviews == 2
    assert card.last_review == NOON + timedelta(days=3)
    stored = Card.from_dict(card.card)
    assert stored.due == card.due
    assert stored.last_review == card.last_review


def test_reviewing_the_same_attempt_twice_changes_nothing(user, question):
    attempt = _rated(user, question, SelfRating.GOOD)
    first = review_attempt(attempt=attempt)
    again = review_attempt(attempt=attempt)
    fresh_copy = type(attempt).objects.get(pk=attempt.pk)
    third = review_attempt(attempt=fresh_copy)
    assert first.pk == again.pk == third.pk
    card = ReviewCard.objects.get(pk=first.pk)
    assert card.reviews == 1
    assert card.due == first.due
    assert fresh_copy.reviewed is not None


def test_a_timed_out_answer_counts_as_again_whatever_the_self_rating(user):
    timed_out_q, easy_q = QuestionFactory(), QuestionFactory()
    timed_out = _rated(
        user, timed_out_q, SelfRating.EASY, status=AttemptStatus.TIMED_OUT, timed_out=True
    )
    assert rating_for_attempt(attempt=timed_out) == Rating.Again
    again_card = review_attempt(attempt=timed_out)
    easy_card = review_attempt(attempt=_rated(user, easy_q, SelfRating.EASY))
    assert again_card.due - NOON == timedelta(days=1)
    assert easy_card.due > again_card.due


def test_an_empty_or_skipped_answer_counts_as_again(user, question):
    empty = _rated(user, question, SelfRating.EASY, answer="   \n ")
    skipped = _rated(user, QuestionFactory(), None, status=AttemptStatus.SKIPPED, answer="")
    assert rating_for_attempt(attempt=empty) == Rating.Again
    assert rating_for_attempt(attempt=skipped) == Rating.Again
    assert review_attempt(attempt=skipped).due - NOON == timedelta(days=1)


def test_an_attempt_without_an_outcome_is_not_reviewed(user, question):
    pending = _rated(user, question, None, status=AttemptStatus.PENDING, answer="")
    unrated = _rated(user, QuestionFactory(), None)
    assert review_attempt(attempt=pending) is None
    assert review_attempt(attempt=unrated) is None
    assert not ReviewCard.objects.exists()
    unrated.refresh_from_db()
    assert unrated.reviewed is None


def test_a_late_review_never_moves_the_card_back_in_time(user, question):
    review_attempt(attempt=_rated(user, question, SelfRating.GOOD, when=NOON + timedelta(days=5)))
    card = review_attempt(attempt=_rated(user, question, SelfRating.GOOD, when=NOON))
    assert card.last_review == NOON + timedelta(days=5)
    assert card.due > NOON + timedelta(days=5)


def test_due_questions_lists_cards_due_before_the_end_of_the_users_day(user):
    user.timezone = "Asia/Tokyo"  # UTC+9: 10 March ends at 15:00 UTC
    user.save()
    bank = BankFactory()
    today, tomorrow, inactive = (QuestionFactory(bank=bank) for _ in range(3))
    inactive.is_active = False
    inactive.save()
    for question, due in (
        (today, datetime(2025, 3, 10, 14, 59, tzinfo=UTC)),
        (tomorrow, datetime(2025, 3, 10, 15, 0, tzinfo=UTC)),
        (inactive, datetime(2025, 3, 1, tzinfo=UTC)),
    ):
        ReviewCard.objects.create(owner=user, question=question, due=due, card={})
    now = datetime(2025, 3, 10, 3, 0, tzinfo=UTC)
    assert end_of_local_day(user=user, now=now) == datetime(2025, 3, 10, 15, 0, tzinfo=UTC)
    assert list(due_questions(user=user, bank=bank, now=now)) == [today]
    assert due_counts_by_bank(user=user, now=now) == {bank.pk: 1}


def test_due_questions_are_the_users_own_most_overdue_first(user, other_user):
    bank = BankFactory()
    older, newer, theirs = (QuestionFactory(bank=bank) for _ in range(3))
    ReviewCard.objects.create(owner=user, question=newer, due=NOON - timedelta(days=1), card={})
    ReviewCard.objects.create(owner=user, question=older, due=NOON - timedelta(days=4), card={})
    ReviewCard.objects.create(owner=other_user, question=theirs, due=NOON, card={})
    with time_machine.travel(NOON, tick=False):
        assert list(due_questions(user=user)) == [older, newer]
        assert list(due_questions(user=other_user)) == [theirs]


def test_a_reviewed_question_falls_due_when_its_interval_has_passed(user, question):
    card = review_attempt(attempt=_rated(user, question, SelfRating.GOOD))
    with time_machine.travel(card.due - timedelta(days=1), tick=False):
        assert not due_questions(user=user).exists()
    with time_machine.travel(card.due, tick=False):
        assert list(due_questions(user=user)) == [question]


def test_cards_of_one_user_never_touch_another_users(user, question):
    other = UserFactory()
    review_attempt(attempt=_rated(user, question, SelfRating.AGAIN))
    card = review_attempt(attempt=_rated(other, question, SelfRating.EASY))
    assert card.owner == other
    assert card.reviews == 1
    assert ReviewCard.objects.get(owner=user).reviews == 1
