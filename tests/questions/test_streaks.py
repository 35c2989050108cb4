from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from questions.models import AttemptStatus
from questions.selectors.progress import practice_days, practice_streak, streak_from_days
from tests.factories import AttemptFactory, MockInterviewFactory, QuestionFactory

D = date(2025, 3, 10)


def days_before(*offsets: int) -> list[date]:
    return [D - timedelta(days=n) for n in offsets]


def test_consecutive_days_up_to_today_make_the_streak():
    streak = streak_from_days(days_before(0, 1, 2, 4), today=D)
    assert (streak.current, streak.longest, streak.practised_today) == (3, 3, True)


def test_a_streak_ending_yesterday_is_still_alive_today():
    streak = streak_from_days(days_before(1, 2), today=D)
    assert (streak.current, streak.practised_today) == (2, False)


def test_a_day_without_practice_before_yesterday_breaks_the_streak():
    streak = streak_from_days(days_before(2, 3, 4, 5), today=D)
    assert (streak.current, streak.longest) == (0, 4)


def test_no_practice_is_no_streak():
    streak = streak_from_days([], today=D)
    assert (streak.current, streak.longest, streak.practised_today) == (0, 0, False)


def test_the_longest_streak_is_remembered_after_a_break():
    streak = streak_from_days(days_before(0, 3, 4, 5, 6, 7, 9) + days_before(0), today=D)
    assert (streak.current, streak.longest) == (1, 5)


def test_a_streak_runs_across_the_end_of_a_month_and_year():
    days = [date(2024, 12, 30), date(2024, 12, 31), date(2025, 1, 1)]
    assert streak_from_days(days, today=date(2025, 1, 1)).current == 3


def _practise(user, when: datetime):
    interview = MockInterviewFactory(owner=user, bank=QuestionFactory().bank)
    return AttemptFactory(
        interview=interview,
        question=QuestionFactory(bank=interview.bank),
        started=when - timedelta(minutes=2),
        submitted=when,
    )


@pytest.mark.django_db
def test_practice_days_are_the_users_local_days(user):
    user.timezone = "Asia/Tokyo"  # UTC+9, no daylight saving
    user.save()
    _practise(user, datetime(2025, 3, 9, 14, 30, tzinfo=UTC))  # 23:30 on the 9th in Tokyo
    _practise(user, datetime(2025, 3, 9, 15, 30, tzinfo=UTC))  # 00:30 on the 10th in Tokyo
    assert practice_days(user=user) == [date(2025, 3, 9), date(2025, 3, 10)]
    with time_machine.travel(datetime(2025, 3, 10, 16, 0, tzinfo=UTC), tick=False):
        # 01:00 on the 11th in Tokyo: the streak ended yesterday and still counts.
        streak = practice_streak(user=user)
    assert (streak.current, streak.practised_today) == (2, False)


@pytest.mark.django_db
def test_the_same_moments_make_a_different_streak_in_another_time_zone(user):
    _practise(user, datetime(2025, 3, 9, 14, 30, tzinfo=UTC))
    _practise(user, datetime(2025, 3, 9, 15, 30, tzinfo=UTC))
    user.timezone = "UTC"
    user.save()
    assert practice_days(user=user) == [date(2025, 3, 9)]
    user.timezone = "America/Los_Angeles"  # 06:30 and 07:30 on the 9th
    user.save()
    assert practice_days(user=user) == [date(2025, 3, 9)]
    user.timezone = "Pacific/Kiritimati"  # UTC+14: 04:30 and 05:30 on the 10th
    user.save()
    assert practice_days(user=user) == [date(2025, 3, 10)]


@pytest.mark.django_db
def test_the_streak_counts_local_days_across_the_spring_daylight_saving_change(user):
    # New York moves from UTC-5 to UTC-4 at 02:00 on Sunday 9 March 2025.
    user.timezone = "America/New_York"
    user.save()
    _practise(user, datetime(2025, 3, 8, 17, 0, tzinfo=UTC))  # Sat 8th, 12:00 EST
    _practise(user, datetime(2025, 3, 10, 3, 30, tzinfo=UTC))  # Sun 9th, 23:30 EDT
    _practise(user, datetime(2025, 3, 10, 4, 30, tzinfo=UTC))  # Mon 10th, 00:30 EDT
    # In UTC these are the 8th and the 10th (no streak); at a fixed UTC-5 they would be
    # the 8th and the 9th twice. Only the real zone gives three days.
    assert practice_days(user=user) == [date(2025, 3, 8), date(2025, 3, 9), date(2025, 3, 10)]
    with time_machine.travel(datetime(2025, 3, 11, 3, 59, tzinfo=UTC), tick=False):
        streak = practice_streak(user=user)  # 23:59 on Mon 10th in New York
    assert (streak.current, streak.longest, streak.practised_today) == (3, 3, True)
    with time_machine.travel(datetime(2025, 3, 11, 4, 0, tzinfo=UTC), tick=False):
        streak = practice_streak(user=user)  # 00:00 on Tue 11th: still alive, not today
    assert (streak.current, streak.practised_today) == (3, False)
    with time_machine.travel(datetime(2025, 3, 12, 4, 0, tzinfo=UTC), tick=False):
        assert practice_streak(user=user).current == 0  # Wed 12th: broken


@pytest.mark.django_db
def test_the_streak_counts_local_days_across_the_autumn_daylight_saving_change(user):
    # London moves from UTC+1 back to UTC at 02:00 on Sunday 26 October 2025: a 25-hour day.
    user.timezone = "Europe/London"
    user.save()
    _practise(user, datetime(2025, 10, 25, 23, 30, tzinfo=UTC))  # Sun 26th, 00:30 BST
    _practise(user, datetime(2025, 10, 26, 23, 30, tzinfo=UTC))  # Sun 26th, 23:30 GMT
    _practise(user, datetime(2025, 10, 27, 0, 10, tzinfo=UTC))  # Mon 27th, 00:10 GMT
    assert practice_days(user=user) == [date(2025, 10, 26), date(2025, 10, 27)]
    with time_machine.travel(datetime(2025, 10, 27, 12, 0, tzinfo=UTC), tick=False):
        assert practice_streak(user=user).current == 2


@pytest.mark.django_db
def test_pending_attempts_do_not_count_as_practice(user):
    attempt = _practise(user, datetime(2025, 3, 9, 12, 0, tzinfo=UTC))
    attempt.status = AttemptStatus.PENDING
    attempt.save()
    assert practice_days(user=user) == []


@pytest.mark.django_db
def test_another_users_practice_does_not_count(user, other_user):
    _practise(other_user, datetime(2025, 3, 9, 12, 0, tzinfo=UTC))
    assert practice_days(user=user) == []
