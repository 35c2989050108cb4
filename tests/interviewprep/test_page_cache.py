"""Signed-in pages are cached whole per user, and no change is ever hidden by the cache:
an answer, a rating, a new interview, a settings change, an editor's edit, a message, a
new minute. Nothing of one user reaches another, and the cached page's nonce and CSRF
tokens work for the request that receives it."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from interviewprep.page_cache import page_key
from questions.models import InterviewMode, SelfRating
from questions.services.interviews import attempt_begin, attempt_rate, attempt_submit
from tests.factories import QuestionFactory, UserFactory
from tests.questions.interview_support import STRONG_ANSWER, current, make_questions, start

pytestmark = pytest.mark.django_db

HOME = reverse("questions:home")
PROGRESS = reverse("questions:progress")
HISTORY = reverse("questions:history")
PRACTICE = reverse("questions:practice")
NONCE = re.compile(r'nonce="([^"]+)"')
NOON = datetime(2025, 3, 10, 12, 0, 5, tzinfo=UTC)


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE = True


@pytest.fixture
def clock():
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


@pytest.fixture
def questions(bank):
    return make_questions(bank, 3)


@pytest.fixture
def browser(user) -> Client:
    """A signed-in client that has its CSRF cookie, as a browser has after one page."""
    client = Client()
    client.force_login(user)
    client.get(reverse("accounts:settings"))
    assert "csrftoken" in client.cookies
    return client


def body(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def without_nonce(html: str) -> str:
    return NONCE.sub('nonce=""', html)


def answer(user, bank, *, rating=SelfRating.GOOD):
    interview = start(user, bank, mode=InterviewMode.PRACTICE, count=1)
    attempt = attempt_submit(attempt=attempt_begin(attempt=current(interview)), text=STRONG_ANSWER)
    return attempt_rate(attempt=attempt, rating=rating) if rating else attempt


def test_a_repeated_page_comes_from_the_cache_with_few_queries(
    browser, user, bank, questions, clock, django_assert_max_num_queries
):
    answer(user, bank)
    first = browser.get(PROGRESS)
    # The session, the user, and the stamp of the banks' content.
    with django_assert_max_num_queries(3):
        second = browser.get(PROGRESS)

    assert first.context is not None and second.context is None  # served from the cache
    assert without_nonce(body(second)) == without_nonce(body(first))


def test_the_cached_page_carries_the_nonce_of_its_own_response(
    browser, user, bank, questions, clock
):
    browser.get(HOME)
    response = browser.get(HOME)

    nonces = set(NONCE.findall(body(response)))
    assert len(nonces) == 1
    assert f"'nonce-{nonces.pop()}'" in response["Content-Security-Policy"]


def test_forms_of_a_cached_page_carry_tokens_the_browser_can_post(user, bank, questions, clock):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(PRACTICE)  # no CSRF cookie yet: rendered, not cached
    client.get(PRACTICE)  # rendered and cached
    cached = client.get(PRACTICE)
    assert cached.context is None
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body(cached)).group(1)

    response = client.post(
        PRACTICE,
        {"csrfmiddlewaretoken": token, "bank": bank.slug, "mode": "practice", "count": 1},
    )

    assert response.status_code in (200, 302)
    assert b"CSRF verification failed" not in response.content


def test_an_answer_shows_on_the_next_request(browser, user, bank, questions, clock):
    before = body(browser.get(PROGRESS))
    browser.get(PROGRESS)

    answer(user, bank)
    after = browser.get(PROGRESS)

    assert after.context is not None  # rendered again
    assert "Your progress starts with your first interview" in before
    assert "Your progress starts with your first interview" not in body(after)


def test_a_rating_shows_on_the_next_request(browser, user, bank, questions, clock):
    attempt = answer(user, bank, rating=None)
    browser.get(HISTORY)
    browser.get(HISTORY)

    attempt_rate(attempt=attempt, rating=SelfRating.EASY)

    assert browser.get(HISTORY).context is not None


def test_a_started_interview_shows_its_banner_at_once(browser, user, bank, questions, clock):
    browser.get(PROGRESS)
    assert "Resume" not in body(browser.get(PROGRESS))

    start(user, bank, mode=InterviewMode.MOCK, count=2)

    after = browser.get(PROGRESS)
    assert after.context is not None
    assert "in progress" in body(after)


def test_a_settings_change_shows_at_once(browser, user, bank, questions, clock):
    browser.get(HOME)
    browser.get(HOME)

    user.timezone = "Asia/Tokyo"
    user.save()

    assert browser.get(HOME).context is not None


def test_an_editors_change_to_a_question_shows_at_once(browser, bank, questions, clock):
    question = questions[0]
    page = reverse("questions:detail", kwargs={"bank_slug": bank.slug, "slug": question.slug})
    browser.get(page)
    assert browser.get(page).context is None

    question.prompt = "What does a NAT gateway do, in one sentence?"
    question.save()

    assert "What does a NAT gateway do, in one sentence?" in body(browser.get(page))


def test_a_new_question_shows_in_the_bank_list_at_once(browser, bank, questions, clock):
    page = reverse("questions:bank", kwargs={"bank_slug": bank.slug})
    browser.get(page)
    browser.get(page)

    QuestionFactory(bank=bank, prompt="How do you rotate an IAM access key safely?")

    assert "How do you rotate an IAM access key safely?" in body(browser.get(page))


def test_a_new_minute_renders_the_page_again(browser, bank, questions, clock):
    browser.get(HOME)
    assert browser.get(HOME).context is None

    clock.shift(timedelta(minutes=1))

    assert browser.get(HOME).context is not None


def test_a_waiting_message_is_shown_not_a_cached_page(browser, user, bank, questions, clock):
    page = f"{PROGRESS}?bank={bank.slug}"
    browser.get(page)
    assert browser.get(page).context is None

    # Nothing is due: the start is refused with a message, shown on the progress page.
    response = browser.post(reverse("questions:review_due"), {"bank": bank.slug}, follow=True)

    assert response.redirect_chain[-1][0] == page
    assert "Nothing in AWS is due for review today." in body(response)


def test_another_user_never_gets_the_page_of_the_first(browser, user, bank, questions, clock):
    answer(user, bank)
    browser.get(PROGRESS)
    browser.get(PROGRESS)

    other = Client()
    other.force_login(UserFactory(username="bob"))
    other.get(PROGRESS)
    page = body(other.get(PROGRESS))

    assert "Your progress starts with your first interview" in page
    assert "alice" not in page


def test_the_landing_page_is_cached_for_visitors_and_carries_no_token(client, bank, clock):
    first = client.get(HOME)
    second = client.get(HOME)

    assert first.context is not None and second.context is None
    assert "Create a free account" in body(second)
    assert "csrftoken" not in second.cookies
    assert "csrfmiddlewaretoken" not in body(second) and "X-CSRFToken" not in body(second)


def test_a_signed_in_request_without_a_csrf_cookie_is_not_cached(user, bank, clock):
    for _ in range(2):
        fresh = Client()
        fresh.force_login(user)
        assert fresh.get(HOME).context is not None  # no CSRF cookie yet


def test_signing_out_never_shows_the_signed_in_page(browser, user, bank, clock):
    browser.get(HOME)
    assert "Welcome" in body(browser.get(HOME))

    browser.post(reverse("accounts:logout"))

    assert "Create a free account" in body(browser.get(HOME))


def test_fragments_and_whole_pages_have_their_own_keys(browser, user, bank, clock):
    request = browser.get(HISTORY).wsgi_request
    htmx = browser.get(HISTORY, headers={"HX-Request": "true"}).wsgi_request

    assert page_key(request) != page_key(htmx)


def test_the_feedback_on_an_answer_shows_its_rating_at_once(browser, user, bank, questions, clock):
    attempt = answer(user, bank, rating=None)
    page = reverse(
        "questions:attempt", kwargs={"pk": attempt.interview_id, "position": attempt.position}
    )
    browser.get(page)
    assert browser.get(page).context is None

    attempt_rate(attempt=attempt, rating=SelfRating.HARD)

    after = browser.get(page)
    assert after.context is not None
    assert after.context["attempt"].self_rating == SelfRating.HARD
