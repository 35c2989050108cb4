"""The calendar heatmap: questions practised per day over the last year, counted in the
user's time zone (across daylight-saving changes), drawn as an accessible SVG with a table,
and always in step with the streak."""

import random
import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from questions.charts import calendar_heatmap, heat_level
from questions.models import Attempt, AttemptStatus
from questions.selectors.progress import (
    HEATMAP_DAYS,
    heatmap_days,
    practice_day_counts,
    practice_streak,
)
from questions.selectors.progress_cache import cached_practice_day_counts
from tests.factories import AttemptFactory, MockInterviewFactory, QuestionFactory
from tests.questions.history_data import bulk_history

pytestmark = pytest.mark.django_db

URL = reverse("questions:progress")


def _practise(user, when: datetime, *, status=AttemptStatus.ANSWERED):
    interview = MockInterviewFactory(owner=user, bank=QuestionFactory().bank)
    return AttemptFactory(
        interview=interview,
        question=QuestionFactory(bank=interview.bank),
        started=when - timedelta(minutes=2),
        submitted=when,
        status=status,
    )


def _expected_counts(user) -> dict[date, int]:
    """Counted in Python, independently of the database's time-zone arithmetic."""
    counts: dict[date, int] = {}
    for attempt in Attempt.objects.filter(owner=user).exclude(status=AttemptStatus.PENDING):
        moment = attempt.submitted or attempt.started
        day = moment.astimezone(user.tzinfo).date()
        counts[day] = counts.get(day, 0) + 1
    return counts


def test_days_are_counted_in_the_users_time_zone(user):
    user.timezone = "Asia/Tokyo"
    user.save()
    _practise(user, datetime(2025, 3, 9, 14, 30, tzinfo=UTC))  # 23:30 on the 9th
    _practise(user, datetime(2025, 3, 9, 14, 50, tzinfo=UTC))  # 23:50 on the 9th
    _practise(user, datetime(2025, 3, 9, 15, 30, tzinfo=UTC))  # 00:30 on the 10th

    assert practice_day_counts(user=user) == [(date(2025, 3, 9), 2), (date(2025, 3, 10), 1)]


@pytest.mark.parametrize(
    ("zone", "moments"),
    [
        # New York springs forward on 9 March 2025 and falls back on 2 November 2025.
        (
            "America/New_York",
            [
                datetime(2025, 3, 9, 4, 30, tzinfo=UTC),  # 23:30 EST on the 8th
                datetime(2025, 3, 10, 3, 30, tzinfo=UTC),  # 23:30 EDT on the 9th
                datetime(2025, 3, 10, 4, 30, tzinfo=UTC),  # 00:30 EDT on the 10th
                datetime(2025, 11, 2, 3, 30, tzinfo=UTC),  # 23:30 EDT on 1 Nov
                datetime(2025, 11, 3, 4, 30, tzinfo=UTC),  # 23:30 EST on 2 Nov
                datetime(2025, 11, 3, 5, 30, tzinfo=UTC),  # 00:30 EST on 3 Nov
            ],
        ),
        # Auckland falls back on 6 April 2025 (UTC+13 to UTC+12).
        (
            "Pacific/Auckland",
            [
                datetime(2025, 4, 5, 10, 30, tzinfo=UTC),  # 23:30 NZDT on the 5th
                datetime(2025, 4, 6, 11, 30, tzinfo=UTC),  # 23:30 NZST on the 6th
                datetime(2025, 4, 6, 12, 30, tzinfo=UTC),  # 00:30 NZST on the 7th
            ],
        ),
    ],
)
def test_days_stay_right_across_daylight_saving_changes(user, zone, moments):
    user.timezone = zone
    user.save()
    for moment in moments:
        _practise(user, moment)

    assert dict(practice_day_counts(user=user)) == _expected_counts(user)
    assert all(n == 1 for _, n in practice_day_counts(user=user))


def test_skips_and_time_outs_count_and_unfinished_questions_do_not(user):
    moment = datetime(2025, 3, 9, 12, 0, tzinfo=UTC)
    _practise(user, moment)
    _practise(user, moment, status=AttemptStatus.SKIPPED)
    _practise(user, moment, status=AttemptStatus.TIMED_OUT)
    _practise(user, moment, status=AttemptStatus.PENDING)

    assert practice_day_counts(user=user) == [(date(2025, 3, 9), 3)]


def test_another_users_practice_is_not_counted(user, other_user):
    _practise(other_user, datetime(2025, 3, 9, 12, 0, tzinfo=UTC))
    assert practice_day_counts(user=user) == []


def test_the_heatmap_spans_the_last_year_ending_today():
    today = date(2025, 3, 10)
    counts = [(date(2024, 3, 10), 9), (date(2024, 3, 11), 2), (today, 1)]
    days = heatmap_days(counts, today=today)

    assert len(days) == HEATMAP_DAYS
    assert days[0] == (date(2024, 3, 11), 2)  # a year ago today is outside
    assert days[-1] == (today, 1)
    assert sum(n for _, n in days) == 3


def test_heat_levels_grow_with_the_count_up_to_the_busiest_day():
    assert [heat_level(n, 8) for n in (0, 1, 2, 3, 4, 6, 8)] == [0, 1, 1, 2, 2, 3, 4]
    assert heat_level(0, 0) == 0


def test_the_calendar_puts_weeks_in_columns_with_monday_on_top():
    days = heatmap_days([(date(2025, 3, 3), 4), (date(2025, 3, 9), 2)], today=date(2025, 3, 10))
    heatmap = calendar_heatmap(days)
    by_day = {cell.day: cell for cell in heatmap.cells}
    monday, sunday, next_monday = (by_day[date(2025, 3, d)] for d in (3, 9, 10))

    assert monday.x == sunday.x and next_monday.x > monday.x
    assert monday.y < sunday.y and next_monday.y == monday.y
    assert (monday.level, sunday.level, next_monday.level) == (4, 2, 0)
    assert len({cell.x for cell in heatmap.cells}) in (53, 54)
    assert max(cell.x for cell in heatmap.cells) < heatmap.width
    assert [cell.day for cell in heatmap.practised] == [date(2025, 3, 9), date(2025, 3, 3)]
    assert heatmap.summary == (
        "Calendar of practice from 11 Mar 2024 to 10 Mar 2025: 6 questions on 2 days; "
        "busiest day 3 Mar 2025 with 4."
    )


def test_an_empty_year_says_so():
    heatmap = calendar_heatmap(heatmap_days([], today=date(2025, 3, 10)))
    assert heatmap.summary.endswith(": no questions practised.")
    assert heatmap.practised == []


def _current_run(days: list[tuple[date, int]], today: date) -> int:
    """The run of consecutive practised days ending today, or yesterday if today has none."""
    practised = {day for day, n in days if n}
    end = today if today in practised else today - timedelta(days=1)
    run = 0
    while end - timedelta(days=run) in practised:
        run += 1
    return run


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Pacific/Kiritimati"])
def test_the_streak_is_the_run_of_days_ending_today_in_the_heatmap(user, seed, zone):
    user.timezone = zone
    user.save()
    rng = random.Random(seed)
    now = datetime(2025, 3, 10, 6, 30, tzinfo=UTC)
    for back in range(40):
        if rng.random() < 0.7:
            _practise(user, now - timedelta(days=back, hours=rng.randint(0, 20)))
    with time_machine.travel(now, tick=False):
        today = now.astimezone(user.tzinfo).date()
        days = heatmap_days(cached_practice_day_counts(user=user), today=today)
        streak = practice_streak(user=user)

    assert streak.current == _current_run(days, today)
    assert dict(days) | _expected_counts(user) == dict(days)


def test_the_dashboard_draws_the_calendar_with_a_table(client_logged_in, user):
    user.timezone = "Europe/Berlin"
    user.save()
    now = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
    _practise(user, now - timedelta(days=1))
    _practise(user, now - timedelta(days=1, minutes=5))
    _practise(user, now - timedelta(days=200))
    with time_machine.travel(now, tick=False):
        response = client_logged_in.get(URL)
    html = response.content.decode()

    svg = re.search(r'<svg class="chart heatmap"[^>]*>', html).group(0)
    assert 'role="img"' in svg
    assert (
        'aria-label="Calendar of practice from 11 Mar 2024 to 10 Mar 2025: 3 questions on '
        '2 days; busiest day 9 Mar 2025 with 2."' in svg
    )
    assert html.count('<rect class="heat-') >= HEATMAP_DAYS
    assert "<summary>Days with practice as a table</summary>" in html
    assert '<th scope="row">Sun 9 Mar 2025</th><td class="num">2</td>' in html
    assert '<th scope="row">Thu 22 Aug 2024</th><td class="num">1</td>' in html


@pytest.mark.parametrize("attempts", [1, 500])
def test_the_day_counts_cost_one_query_whatever_the_history(
    user, bank, attempts, django_assert_max_num_queries
):
    questions = [QuestionFactory(bank=bank) for _ in range(20)]
    bulk_history(user=user, bank=bank, attempts=attempts, questions=questions)
    with django_assert_max_num_queries(1):
        counts = practice_day_counts(user=user)
    assert sum(n for _, n in counts) == attempts
