"""The review forecast: cards falling due per local day over the next 30 days, how many
are overdue now, in step with the "due today" count, across time zones and DST."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from questions.models import ReviewCard
from questions.selectors.reviews import (
    FORECAST_DAYS,
    due_counts_by_bank,
    next_due,
    review_forecasts,
)
from tests.factories import AttemptFactory, BankFactory, MockInterviewFactory, QuestionFactory
from tests.questions.history_data import bulk_history

pytestmark = pytest.mark.django_db

URL = reverse("questions:progress")


def _card(user, bank, due: datetime, **extra) -> ReviewCard:
    question = QuestionFactory(bank=bank, **extra)
    return ReviewCard.objects.create(owner=user, question=question, due=due, card={})


def _expected(user, bank, now: datetime) -> tuple[int, dict[date, int]]:
    """Overdue and per-day counts worked out in Python from every card."""
    today = now.astimezone(user.tzinfo).date()
    overdue, days = 0, {today + timedelta(days=i): 0 for i in range(FORECAST_DAYS)}
    for card in ReviewCard.objects.filter(owner=user, question__bank=bank):
        if not card.question.is_active:
            continue
        if card.due < now:
            overdue += 1
            continue
        day = card.due.astimezone(user.tzinfo).date()
        if day in days:
            days[day] += 1
    return overdue, days


@pytest.mark.parametrize(
    ("zone", "now"),
    [
        ("UTC", datetime(2025, 3, 10, 12, 0, tzinfo=UTC)),
        # The window crosses New York's spring-forward (9 March) …
        ("America/New_York", datetime(2025, 3, 1, 4, 30, tzinfo=UTC)),
        # … and Auckland's fall-back (6 April).
        ("Pacific/Auckland", datetime(2025, 3, 20, 10, 30, tzinfo=UTC)),
    ],
)
def test_cards_fall_on_the_users_local_days(user, bank, other_user, zone, now):
    user.timezone = zone
    user.save()
    for hours in (-50, -1, 1, 5, 11, 12, 13, 23, 24, 25, 200, 24 * 29 + 11, 24 * 30, 24 * 40):
        _card(user, bank, now + timedelta(hours=hours))
    _card(user, bank, now - timedelta(hours=3), is_active=False)
    _card(other_user, bank, now + timedelta(hours=2))

    forecast = review_forecasts(user=user, now=now)[bank.pk]
    overdue, days = _expected(user, bank, now)

    assert forecast.overdue == overdue == 2
    assert dict(forecast.days) == days
    assert len(forecast.days) == FORECAST_DAYS
    assert forecast.days[0][0] == now.astimezone(user.tzinfo).date()
    assert forecast.upcoming + forecast.overdue + forecast.later == 14
    assert forecast.due_today == due_counts_by_bank(user=user, now=now)[bank.pk]
    assert forecast.next_due == next_due(user=user, bank=bank, now=now)


def test_a_card_due_just_before_midnight_is_due_today_and_one_after_tomorrow(user, bank):
    user.timezone = "Europe/Berlin"  # UTC+1 in March
    user.save()
    now = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
    _card(user, bank, datetime(2025, 3, 10, 22, 59, tzinfo=UTC))  # 23:59 on the 10th
    _card(user, bank, datetime(2025, 3, 10, 23, 1, tzinfo=UTC))  # 00:01 on the 11th

    forecast = review_forecasts(user=user, now=now)[bank.pk]

    assert forecast.days[:2] == [(date(2025, 3, 10), 1), (date(2025, 3, 11), 1)]
    assert forecast.due_today == 1
    assert forecast.next_due == datetime(2025, 3, 10, 23, 1, tzinfo=UTC)


def test_banks_are_forecast_apart(user, bank):
    now = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
    other = BankFactory(name="Kubernetes", slug="kubernetes")
    _card(user, bank, now - timedelta(days=1))
    _card(user, other, now + timedelta(days=2))

    forecasts = review_forecasts(user=user, now=now)

    assert (forecasts[bank.pk].overdue, forecasts[bank.pk].upcoming) == (1, 0)
    assert (forecasts[other.pk].overdue, forecasts[other.pk].upcoming) == (0, 1)


@pytest.mark.parametrize("attempts", [1, 500])
def test_the_forecast_costs_one_query_whatever_the_cards(
    user, bank, attempts, django_assert_max_num_queries
):
    questions = [QuestionFactory(bank=bank) for _ in range(60)]
    bulk_history(user=user, bank=bank, attempts=attempts, questions=questions)
    now = datetime(2025, 1, 20, 12, 0, tzinfo=UTC)
    with django_assert_max_num_queries(1):
        forecast = review_forecasts(user=user, now=now)[bank.pk]
    assert forecast.overdue + forecast.upcoming + forecast.later == min(attempts, 60)


def test_the_dashboard_shows_the_forecast_and_overdue(client_logged_in, user, bank, question):
    now = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
    AttemptFactory(interview=MockInterviewFactory(owner=user, bank=bank), question=question)
    ReviewCard.objects.create(owner=user, question=question, due=now - timedelta(days=2), card={})
    _card(user, bank, now + timedelta(days=3))
    _card(user, bank, now + timedelta(days=3, hours=1))
    with time_machine.travel(now, tick=False):
        response = client_logged_in.get(URL)
    html = response.content.decode()

    assert response.context["forecast"].overdue == 1
    assert "<strong>1</strong> overdue now; 2 more due in the next 30 days." in html
    assert (
        'aria-label="Reviews due per day over the next 30 days: 2 in all, 1 overdue now; '
        'busiest day Thu 13 Mar with 2."' in html
    )
    assert '<th scope="row">Thu 13 Mar</th><td class="num">2</td>' in html
    assert '<th scope="row">Overdue now</th><td class="num">1</td>' in html
