"""Aggregates of the history and dashboard against numbers worked out by hand.

The scenario (times UTC, user in UTC unless a test changes it):

  interview A, mock, 1 March
    q1  10:00–10:02, deadline 10:03       coverage 40, Hard     -> 120 s
    q2  10:03–10:06:30, deadline 10:06    coverage 60, Good, timed out -> capped at 180 s
  interview B, practice, 2 March
    q1  09:00–09:05                       coverage 80, Easy     -> 300 s
    q3  09:05–09:05:30                    skipped (no coverage: counts 0) -> 30 s
  interview C, practice, 2 March
    q3  20:00–21:00                       coverage 50, Again    -> capped at 1800 s (untimed)
    q5  21:00–21:01 (q5 inactive now)     coverage 10, Again    -> 60 s
    q4  pending                           (no outcome: ignored)

  Tags: compute = q1, q2, q5; storage = q2, q3; network = q4.
  Levels: q1, q2, q5 junior; q3, q4 senior.
"""

from datetime import UTC, date, datetime, timedelta

import pytest

from questions.models import AttemptStatus, InterviewMode, Level
from questions.selectors.history import (
    interview_totals,
    interviews_for_history,
    question_record,
    questions_practised,
)
from questions.selectors.progress import (
    DayScore,
    bank_coverage,
    practice_totals,
    score_period,
    scores_over_time,
    tag_mastery,
    weakest_tags,
)
from tests.factories import (
    AttemptFactory,
    BankFactory,
    MockInterviewFactory,
    QuestionFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2025, 3, day, hour, minute, second, tzinfo=UTC)


@pytest.fixture
def scenario(user, other_user):
    bank = BankFactory()
    compute = TagFactory(bank=bank, name="Compute", slug="compute")
    storage = TagFactory(bank=bank, name="Storage", slug="storage")
    network = TagFactory(bank=bank, name="Network", slug="network")
    q1 = QuestionFactory(bank=bank, level=Level.JUNIOR, tags=[compute])
    q2 = QuestionFactory(bank=bank, level=Level.JUNIOR, tags=[compute, storage])
    q3 = QuestionFactory(bank=bank, level=Level.SENIOR, tags=[storage])
    q4 = QuestionFactory(bank=bank, level=Level.SENIOR, tags=[network])
    q5 = QuestionFactory(bank=bank, level=Level.JUNIOR, tags=[compute])

    def attempt(interview, question, start, end, **fields):
        return AttemptFactory(
            interview=interview, question=question, started=start, submitted=end, **fields
        )

    a = MockInterviewFactory(owner=user, bank=bank, mode=InterviewMode.MOCK, question_count=2)
    a.started = at(1, 10)
    a.save()
    attempt(a, q1, at(1, 10), at(1, 10, 2), deadline=at(1, 10, 3), coverage=40, self_rating=2)
    attempt(
        a,
        q2,
        at(1, 10, 3),
        at(1, 10, 6, 30),
        deadline=at(1, 10, 6),
        coverage=60,
        self_rating=3,
        status=AttemptStatus.TIMED_OUT,
        timed_out=True,
    )

    b = MockInterviewFactory(owner=user, bank=bank, mode=InterviewMode.PRACTICE, question_count=2)
    b.started = at(2, 9)
    b.save()
    untimed = {"deadline": None, "seconds_allowed": None}
    attempt(b, q1, at(2, 9), at(2, 9, 5), coverage=80, self_rating=4, **untimed)
    attempt(
        b,
        q3,
        at(2, 9, 5),
        at(2, 9, 5, 30),
        coverage=None,
        self_rating=None,
        status=AttemptStatus.SKIPPED,
        answer="",
        covered_points=[],
        **untimed,
    )

    c = MockInterviewFactory(owner=user, bank=bank, mode=InterviewMode.PRACTICE, question_count=3)
    c.started = at(2, 20)
    c.save()
    attempt(c, q3, at(2, 20), at(2, 21), coverage=50, self_rating=1, **untimed)
    attempt(c, q5, at(2, 21), at(2, 21, 1), coverage=10, self_rating=1, **untimed)
    AttemptFactory(
        interview=c,
        question=q4,
        started=at(2, 21, 1),
        submitted=None,
        status=AttemptStatus.PENDING,
        answer="",
        coverage=None,
        **untimed,
    )
    q5.is_active = False
    q5.save()

    theirs = MockInterviewFactory(owner=other_user, bank=bank)
    AttemptFactory(interview=theirs, question=q4, coverage=0, self_rating=1)
    return {"bank": bank, "a": a, "b": b, "c": c, "q": [None, q1, q2, q3, q4, q5]}


def test_totals_count_only_finished_attempts_and_cap_the_time_used(user, scenario):
    totals = practice_totals(user=user)
    assert totals.attempts == 6
    assert totals.interviews == 3
    assert totals.questions == 4
    assert totals.time_used == timedelta(seconds=120 + 180 + 300 + 30 + 1800 + 60)
    assert totals.average_coverage == pytest.approx(240 / 6)


def test_each_interview_carries_its_own_totals(user, scenario):
    interviews = list(interviews_for_history(user=user))
    assert interviews == [scenario["c"], scenario["b"], scenario["a"]]
    totals = interview_totals(interviews=interviews)
    a, b, c = (totals[scenario[k].pk] for k in "abc")
    assert (a.done, a.avg_coverage, a.time_used) == (2, 50, timedelta(seconds=300))
    assert (b.done, b.avg_coverage, b.time_used) == (2, 40, timedelta(seconds=330))
    assert (c.done, c.avg_coverage, c.time_used) == (2, 30, timedelta(seconds=1860))
    assert a.ratings == {1: 0, 2: 1, 3: 1, 4: 0}
    assert b.ratings == {1: 0, 2: 0, 3: 0, 4: 1}
    assert c.ratings == {1: 2, 2: 0, 3: 0, 4: 0}


def test_totals_count_answered_timed_out_and_skipped_apart(user, scenario):
    totals = practice_totals(user=user)
    assert (totals.answered, totals.timed_out, totals.skipped) == (4, 1, 1)
    assert totals.answered + totals.timed_out + totals.skipped == totals.attempts
    assert totals.answers == 5  # a skip is no answer

    per_interview = interview_totals(interviews=[scenario[k] for k in "abc"])
    a, b, c = (per_interview[scenario[k].pk] for k in "abc")
    assert (a.answered, a.timed_out, a.skipped) == (1, 1, 0)
    assert (b.answered, b.timed_out, b.skipped) == (1, 0, 1)
    assert (c.answered, c.timed_out, c.skipped) == (2, 0, 0)  # the pending one is no outcome

    record = question_record(user=user, question=scenario["q"][3])
    assert (record.answered, record.timed_out, record.skipped) == (1, 0, 1)


def test_an_interview_without_finished_attempts_has_empty_totals(user, bank):
    empty = MockInterviewFactory(owner=user, bank=bank)
    totals = interview_totals(interviews=[empty])
    assert totals[empty.pk].done == 0
    assert totals[empty.pk].avg_coverage is None
    assert totals[empty.pk].time_used is None


def test_bank_coverage_counts_active_questions_seen_per_level(user, scenario):
    coverage = {c.level: (c.seen, c.total) for c in bank_coverage(user=user, bank=scenario["bank"])}
    assert coverage == {Level.JUNIOR: (2, 2), Level.SENIOR: (1, 2)}


def test_scores_average_per_practice_day(user, scenario):
    assert scores_over_time(user=user, bank=scenario["bank"]) == [
        DayScore(date(2025, 3, 1), attempts=2, coverage=50, rated=2, rating=2.5),
        DayScore(date(2025, 3, 2), attempts=4, coverage=35, rated=3, rating=2.0),
    ]


def test_scores_follow_the_users_time_zone(user, scenario):
    user.timezone = "Pacific/Auckland"  # UTC+13 in March: interview C falls on 3 March
    user.save()
    assert scores_over_time(user=user) == [
        DayScore(date(2025, 3, 1), attempts=2, coverage=50, rated=2, rating=2.5),
        DayScore(date(2025, 3, 2), attempts=2, coverage=40, rated=1, rating=4.0),
        DayScore(date(2025, 3, 3), attempts=2, coverage=30, rated=2, rating=1.0),
    ]


def test_tag_mastery_averages_the_latest_attempt_per_active_question_weakest_first(user, scenario):
    tags = tag_mastery(user=user, bank=scenario["bank"])
    got = [(t.slug, t.total, t.seen, t.mastery, t.rating) for t in tags]
    assert got == [
        ("storage", 2, 2, 55, 2.0),  # q2 latest 60 (Good), q3 latest 50 (Again)
        ("compute", 2, 2, 70, 3.5),  # q1 latest 80 (Easy), q2 60 (Good); q5 inactive
        ("network", 1, 0, None, None),
    ]
    assert [t.slug for t in weakest_tags(tags)] == ["storage", "compute"]


def test_questions_practised_are_listed_with_their_best_and_latest(user, scenario):
    q = scenario["q"]
    rows = [
        (x.pk, x.attempt_count, x.best_coverage, x.latest_coverage)
        for x in questions_practised(user=user)
    ]
    assert rows == [
        (q[5].pk, 1, 10, 10),
        (q[3].pk, 2, 50, 50),
        (q[1].pk, 2, 80, 80),
        (q[2].pk, 1, 60, 60),
    ]


def test_question_record_sums_up_one_question(user, scenario):
    record = question_record(user=user, question=scenario["q"][3])
    assert record.attempts == 2
    assert record.best == 50
    assert record.average == 25  # skipped 0 and 50
    assert record.average_rating == 1.0
    assert record.first == at(2, 9, 5, 30)
    assert record.last == at(2, 21)


def test_another_users_practice_is_not_counted(other_user, scenario):
    totals = practice_totals(user=other_user)
    assert (totals.attempts, totals.interviews, totals.average_coverage) == (1, 1, 0)
    assert [t.seen for t in tag_mastery(user=other_user, bank=scenario["bank"])] == [1, 0, 0]


def test_scores_can_be_grouped_by_week_and_month(user, scenario):
    # 1 March 2025 is a Saturday (week of Mon 24 Feb); 2 March a Sunday (same week).
    assert scores_over_time(user=user, period="week") == [
        DayScore(date(2025, 2, 24), attempts=6, coverage=40, rated=5, rating=2.2),
    ]
    user.timezone = "Pacific/Auckland"  # interview C moves to Monday 3 March: a new week
    user.save()
    assert scores_over_time(user=user, period="week") == [
        DayScore(date(2025, 2, 24), attempts=4, coverage=45, rated=3, rating=3.0),
        DayScore(date(2025, 3, 3), attempts=2, coverage=30, rated=2, rating=1.0),
    ]
    assert scores_over_time(user=user, period="month") == [
        DayScore(date(2025, 3, 1), attempts=6, coverage=40, rated=5, rating=2.2),
    ]


@pytest.mark.parametrize(
    ("span", "period"),
    [(0, "day"), (59, "day"), (60, "week"), (419, "week"), (420, "month"), (2000, "month")],
)
def test_the_chart_period_keeps_about_sixty_points(span, period):
    first = date(2024, 1, 1)
    assert score_period(first=first, last=first + timedelta(days=span)) == period


def test_totals_know_the_first_and_last_practice(user, scenario):
    totals = practice_totals(user=user)
    assert (totals.first, totals.last) == (at(1, 10, 2), at(2, 21, 1))
