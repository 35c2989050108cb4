"""Fixtures of the property tests: a candidate mid-interview and an editor.

Hypothesis keeps its own files (the Unicode tables it caches) under .pytest_cache, which
git ignores, rather than in a .hypothesis folder in the tree; the tests keep no example
database (``database=None`` in tests/properties/strategies.py).
"""

from pathlib import Path

import pytest
from hypothesis.configuration import set_hypothesis_home_dir

from questions.models import InterviewMode, Level
from questions.services.interviews import attempt_begin, attempt_submit, interview_start
from tests.factories import QuestionFactory, TagFactory
from tests.questions.editors import make_editor

set_hypothesis_home_dir(Path(__file__).resolve().parents[2] / ".pytest_cache" / "hypothesis")


@pytest.fixture
def questions(bank):
    """Four active questions, two of each level, on two topics."""
    compute = TagFactory(bank=bank, name="Compute", slug="compute")
    storage = TagFactory(bank=bank, name="Storage", slug="storage")
    return [
        QuestionFactory(bank=bank, level=level, tags=[tag])
        for level in (Level.JUNIOR, Level.SENIOR)
        for tag in (compute, storage)
    ]


@pytest.fixture
def interview(user, bank, questions):
    """The user's timed mock interview of three questions, the first one on screen, with
    the longest time allowed (no deadline passes while the examples run)."""
    interview = interview_start(
        user=user,
        bank=bank,
        mode=InterviewMode.MOCK,
        count=3,
        seconds_junior=1800,
        seconds_senior=1800,
    )
    attempt_begin(attempt=interview.attempts.get(position=1))
    return interview


@pytest.fixture
def answered(interview):
    """The same interview with its first question answered, waiting for a rating."""
    attempt = interview.attempts.get(position=1)
    attempt_submit(attempt=attempt, text="Spread it over several Availability Zones.")
    return interview


@pytest.fixture
def editor(db):
    return make_editor()
