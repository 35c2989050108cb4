from datetime import timedelta

import pytest

from accounts.formatting import duration_words


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (0, "0 seconds"),
        (1, "1 second"),
        (45, "45 seconds"),
        (60, "1 minute"),
        (90, "1 minute 30 seconds"),
        (180, "3 minutes"),
        (1800, "30 minutes"),
        (3600, "1 hour"),
        (timedelta(minutes=15), "15 minutes"),
        (timedelta(days=3), "3 days"),
    ],
)
def test_it_says_durations_in_words(value, words):
    assert duration_words(value) == words
