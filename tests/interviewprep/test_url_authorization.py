"""Every URL of the site, asked for by another user and by a visitor: nobody reaches
anyone else's data.

The URL patterns are read from the URLconf (the admin's and the included ones too), so a
new URL is checked as soon as it exists. Each pattern is in exactly one class:

* ``PUBLIC`` — open to visitors (its view says ``@login_not_required``), with the reason;
* ``SIGNED_IN`` — any signed-in user may open it: the shared question bank, or pages of
  the signed-in user's own data (Bob sees his, never Alice's);
* ``ALICES`` — the path names an object of Alice's: Bob gets 403/404/405, a visitor the
  login page, and Alice herself gets through (so the ids in the path are real);
* the admin (``admin/…``, except its login page): staff only, visitors and Bob are sent
  to a login page.

A pattern in none of them, or one whose path parameter has no value in ``PARAMS``, fails
``test_every_url_pattern_is_classified``. Every request is made signed out and as Bob,
with GET and POST, plain and with ``HX-Request: true``; none may answer 5xx, show Alice's
secrets, or change her data. POSTs without a CSRF token change nothing either.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from questions.models import (
    Attempt,
    AttemptStatus,
    Bank,
    InterviewMode,
    InterviewStatus,
    MockInterview,
    Question,
    ReviewCard,
    Tag,
)
from tests.factories import AttemptFactory, MockInterviewFactory, QuestionFactory, TagFactory
from tests.questions.editors import make_editor

User = get_user_model()

SECRET_ANSWER = "Alice-private-answer-quokka-5501"
SECRET_NOTE = "Alice-private-note-narwhal-7712"
SECRET_DRAFT = "Alice-private-draft-axolotl-3318"
SECRETS = (SECRET_ANSWER, SECRET_NOTE, SECRET_DRAFT, "alice@example.com")
INTRUDER_TEXT = "Written by someone else"
NEW_PASSWORD = "a-new-password-for-alice-42"
HX = {"HTTP_HX_REQUEST": "true"}

PUBLIC = {
    "healthz": "load balancers poll it signed out; it answers 'ok' and reads nothing",
    "questions:home": "the landing page for visitors; a signed-in user gets their own dashboard",
    "questions:bank_schema": "the JSON Schema of the import format, published for editors' tools",
    "accounts:signup": "creating an account",
    "accounts:signup_sent": "'check your email' after signing up, the same for any address",
    "accounts:signup_confirm": "the emailed sign-up link; a forged key creates nothing",
    "accounts:login": "signing in",
    "accounts:password_reset": "asking for a reset link; says the same for any address",
    "accounts:password_reset_done": "'check your email', the same for everyone",
    "accounts:password_reset_confirm": "the emailed link; without a valid token it changes nothing",
    "accounts:password_reset_complete": "'your password was set', the same for everyone",
    "admin:login": "the admin's login form",
}

SIGNED_IN = {
    "questions:bank_index": "the question banks: shared content, owned by no user",
    "questions:bank": "a bank's questions: shared content",
    "questions:detail": "a question and its model answer: shared content",
    "questions:answer": "a model answer (htmx partial): shared content",
    "questions:anki_bank": "a bank as an Anki deck: shared content",
    "questions:practice": "the signed-in user's practice settings; starts their own interview",
    "questions:practise_question": "starts the signed-in user's own interview on a shared "
    "question; 'replace' only ends their own running interview",
    "questions:history": "the signed-in user's own interviews",
    "questions:history_questions": "the questions the signed-in user practised",
    "questions:progress": "the signed-in user's own progress",
    "questions:review_due": "starts the signed-in user's own review",
    "questions:practise_weakest": "starts the signed-in user's own practice",
    "questions:export": "the signed-in user's own data as CSV or JSON",
    "questions:anki_progress": "a deck of the signed-in user's own weakest or due questions",
    "accounts:settings": "the signed-in user's own settings",
    "accounts:delete": "deletes the signed-in user's own account, given their password",
    "accounts:logout": "signs the signed-in user out",
    "accounts:password_change": "changes the signed-in user's password, given the old one",
    "accounts:password_change_done": "'your password was changed'",
}

# The path names an object of Alice's (the parameters below point at hers).
ALICES = {
    "questions:interview",
    "questions:interview_end",
    "questions:interview_summary",
    "questions:interview_retry",
    "questions:attempt",
    "questions:attempt_submit",
    "questions:attempt_draft",
    "questions:attempt_skip",
    "questions:attempt_rate",
    "questions:attempt_reveal",
    # Her answers to a question since retired from the bank: a 404 for anyone without any.
    "questions:question_history",
}

ADMIN_PREFIX = "admin/"
BOBS_STATUSES = {403, 404, 405}


# --------------------------------------------------------------------------- the URLconf


@dataclass(frozen=True)
class Pattern:
    route: str  # as ResolverMatch.route gives it, e.g. "interviews/<int:pk>/"
    name: str | None  # "questions:interview"; None for a few admin redirects
    callback: Callable
    params: tuple[str, ...]  # named parameters
    positional: int  # unnamed regex groups

    @property
    def key(self) -> str:
        """The pattern's name, else (some admin redirects have none) its route."""
        return self.name or self.route

    @property
    def is_admin(self) -> bool:
        return self.route.startswith(ADMIN_PREFIX) and self.key not in PUBLIC


def _join(route: str, sub: str) -> str:
    # As django.urls.URLResolver joins routes: the sub-route's "^" is dropped.
    return sub if not route else route + sub.removeprefix("^")


def _walk(patterns, prefix: str = "", namespace: str = "", params=(), positional: int = 0):
    """Every URL pattern under ``patterns``, with its whole route, name and parameters."""
    for entry in patterns:
        route = _join(prefix, str(entry.pattern))
        regex = entry.pattern.regex
        named = params + tuple(regex.groupindex)
        unnamed = positional + regex.groups - len(regex.groupindex)
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, [namespace, entry.namespace]))
            yield from _walk(entry.url_patterns, route, inner, named, unnamed)
        else:
            name = entry.name and ":".join(filter(None, [namespace, entry.name]))
            yield Pattern(route, name, entry.callback, named, unnamed)


def url_patterns() -> list[Pattern]:
    return list(_walk(get_resolver().url_patterns))


PATTERNS = {pattern.key: pattern for pattern in url_patterns()}


def _keys(predicate: Callable[[Pattern], bool]) -> list[str]:
    return [key for key, pattern in PATTERNS.items() if predicate(pattern)]


# --------------------------------------------------------------------------- Alice's data


@dataclass
class World:
    alice: Any
    bob: Any
    bank: Bank
    question: Question
    retired: Question
    running: MockInterview
    finished: MockInterview


@pytest.fixture
def world(user, other_user, bank) -> World:
    """Alice (``user``) mid-way through a practice interview, with a finished mock
    interview, a review card and answers to a question since retired; Bob
    (``other_user``) with nothing."""
    tag = TagFactory(bank=bank, name="Compute", slug="compute")
    first, second, third = (QuestionFactory(bank=bank, tags=[tag]) for _ in range(3))
    retired = QuestionFactory(bank=bank, tags=[tag], is_active=False)
    now = timezone.now()
    finished = MockInterviewFactory(
        owner=user, bank=bank, question_count=2, finished=now - timedelta(days=1)
    )
    for position, question in enumerate((first, retired), start=1):
        AttemptFactory(
            interview=finished,
            question=question,
            position=position,
            answer=SECRET_ANSWER,
            note=SECRET_NOTE,
            self_rating=2,
            rated=now - timedelta(days=1),
            coverage=20,
            covered_points=[],
        )
    running = MockInterviewFactory(
        owner=user,
        bank=bank,
        mode=InterviewMode.PRACTICE,
        status=InterviewStatus.IN_PROGRESS,
        question_count=2,
        seconds_junior=None,
        seconds_senior=None,
    )
    AttemptFactory(
        interview=running,
        question=second,
        position=1,
        seconds_allowed=None,
        answer=SECRET_ANSWER,
        note=SECRET_NOTE,
        self_rating=3,
        rated=now,
    )
    AttemptFactory(
        interview=running,
        question=third,
        position=2,
        seconds_allowed=None,
        started=now,
        submitted=None,
        status=AttemptStatus.PENDING,
        answer="",
        draft=SECRET_DRAFT,
        coverage=None,
        covered_points=[],
    )
    ReviewCard.objects.create(owner=user, question=first, due=now, card={})
    return World(user, other_user, bank, first, retired, running, finished)


def snapshot(world: World) -> dict[str, list[dict]]:
    """Alice's rows, and the bank everyone shares, as they are now."""
    alice = world.alice
    return {
        "alice": list(User.objects.filter(pk=alice.pk).values()),
        "interviews": list(MockInterview.objects.filter(owner=alice).order_by("pk").values()),
        "attempts": list(Attempt.objects.filter(owner=alice).order_by("pk").values()),
        "cards": list(ReviewCard.objects.filter(owner=alice).order_by("pk").values()),
        "banks": list(Bank.objects.order_by("pk").values()),
        "tags": list(Tag.objects.order_by("pk").values()),
        "questions": list(Question.objects.order_by("pk").values()),
    }


# What every path parameter is, pointing at Alice's objects.
PARAMS: dict[str, Callable[[World], Any]] = {
    "pk": lambda w: w.running.pk,
    "position": lambda w: 1,
    "question_id": lambda w: w.question.pk,
    "bank_slug": lambda w: w.bank.slug,
    "slug": lambda w: w.question.slug,
    "which": lambda w: "weakest",
    "uidb64": lambda w: urlsafe_base64_encode(force_bytes(w.alice.pk)),
    "token": lambda w: "cn4x1k-0123456789abcdef0123456789abcdef",  # forged
    "key": lambda w: "forged-0123456789abcdef0123456789abcdef",
}
# Where one pattern needs another of Alice's objects than PARAMS gives.
PARAMS_FOR = {
    "questions:interview_summary": {"pk": lambda w: w.finished.pk},
    "questions:interview_retry": {"pk": lambda w: w.finished.pk},
    "questions:question_history": {"question_id": lambda w: w.retired.pk},
}


def _admin_object(route: str, world: World) -> Any:
    """The object an admin URL of ``admin/<app>/<model>/…`` names: Alice for users."""
    app_label, model_name = route.split("/")[1:3]
    try:
        model = apps.get_model(app_label, model_name)
    except (LookupError, ValueError):  # admin/r/<content type>/<object>/: "view on site"
        return world.question
    if model is User:
        return world.alice
    return model._default_manager.order_by("pk").first() or world.question


ADMIN_PARAMS: dict[str, Callable[[str, World], Any]] = {
    "object_id": lambda route, w: _admin_object(route, w).pk,
    "id": lambda route, w: w.alice.pk,
    "content_type_id": lambda route, w: ContentType.objects.get_for_model(Question).pk,
    "app_label": lambda route, w: "questions",
    "url": lambda route, w: "no-such-admin-page/",
}


def _admin_positional(route: str, world: World) -> list[Any]:
    # The question history record page: .../question/<question id>/history/<record id>/
    record = world.question.history.order_by("-history_id").first()
    return [world.question.pk, record.history_id]


def _param_value(pattern: Pattern, name: str, world: World) -> Any:
    if pattern.is_admin:
        return ADMIN_PARAMS[name](pattern.route, world)
    return PARAMS_FOR.get(pattern.key, {}).get(name, PARAMS[name])(world)


def url_for(pattern: Pattern, world: World) -> str:
    """The pattern's URL with every parameter filled in, checked to resolve to it."""
    values = {name: _param_value(pattern, name, world) for name in pattern.params}
    positional = iter(_admin_positional(pattern.route, world) if pattern.positional else ())
    url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values[m[1]]), pattern.route)
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m[1]]), url)
    url = re.sub(r"\((?!\?)[^)]*\)", lambda m: str(next(positional)), url)
    url = "/" + url.replace("^", "").replace("$", "")
    assert resolve(url).route == pattern.route, f"{url} does not resolve to {pattern.route}"
    return url


def post_data(world: World) -> dict[str, str]:
    """What the site's forms read, aimed at Alice's objects."""
    return {
        "answer": INTRUDER_TEXT,
        "note": INTRUDER_TEXT,
        "rating": "1",
        "mode": "practice",
        "bank": world.bank.slug,
        "count": "1",
        "replace": str(world.running.pk),
        "next": world.running.get_absolute_url(),
        "reveal": "1",
        "password": "not-the-password",
        "old_password": "not-the-password",
        "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD,
        "token": "forged",
        "_confirm": "1",
    }


# --------------------------------------------------------------------------- requests


@dataclass(frozen=True)
class Answer:
    label: str
    status: int
    location: str
    body: str


def body_of(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(errors="replace")


def every_request(client: Client, url: str, data: dict, *, relogin=None) -> Iterator[Answer]:
    """GET and POST, plain and with htmx; ``relogin`` signs the client in again after a
    request that signed it out (logout, a password change)."""
    for method in ("get", "post"):
        for htmx in (False, True):
            if relogin is not None and "_auth_user_id" not in client.session:
                relogin()
            kwargs = {"data": data} if method == "post" else {}
            response = getattr(client, method)(url, **kwargs, **(HX if htmx else {}))
            label = f"{method.upper()} {url}{' (htmx)' if htmx else ''}"
            location = response.get("Location", "") or response.get("HX-Redirect", "")
            yield Answer(label, response.status_code, location, body_of(response))


def assert_no_secrets(answer: Answer) -> None:
    assert answer.status < 500, f"{answer.label}: {answer.status}"
    for secret in SECRETS:
        assert secret not in answer.body, f"{answer.label} shows {secret!r}"


def assert_sent_to_login(answer: Answer, *logins: str) -> None:
    assert answer.status == 302, f"{answer.label}: {answer.status}, expected a redirect"
    assert answer.location.startswith(logins), f"{answer.label} redirects to {answer.location}"


def bob_client(world: World, **kwargs) -> tuple[Client, Callable[[], None]]:
    client = Client(**kwargs)

    def login() -> None:
        client.force_login(world.bob)

    login()
    return client, login


# --------------------------------------------------------------------------- the tests


def test_every_url_pattern_is_classified():
    assert len(PATTERNS) == len(url_patterns()), "two URL patterns share a name"
    classes = {
        "PUBLIC": set(PUBLIC),
        "SIGNED_IN": set(SIGNED_IN),
        "ALICES": ALICES,
        "admin": set(_keys(lambda p: p.is_admin)),
    }
    unclassified = [key for key in PATTERNS if not any(key in keys for keys in classes.values())]
    assert not unclassified, (
        "URL patterns this test does not check; put each in PUBLIC (with the reason), "
        f"SIGNED_IN or ALICES: {unclassified}"
    )
    for first, second in [(a, b) for a in classes for b in classes if a < b]:
        assert not classes[first] & classes[second], f"in both {first} and {second}"
    stale = [key for keys in classes.values() for key in keys if key not in PATTERNS]
    assert not stale, f"classified but no longer in the URLconf: {stale}"
    missing = [
        (key, name)
        for key, pattern in PATTERNS.items()
        for name in pattern.params
        if name not in (ADMIN_PARAMS if pattern.is_admin else PARAMS)
    ]
    assert not missing, f"path parameters with no value in PARAMS: {missing}"


def test_public_is_exactly_the_views_marked_login_not_required():
    marked = set(_keys(lambda p: getattr(p.callback, "login_required", True) is False))

    assert marked == set(PUBLIC)


@pytest.mark.parametrize("key", sorted(PUBLIC))
def test_public_pages_show_visitors_and_bob_nothing_of_alices(client, world, key):
    url, data = url_for(PATTERNS[key], world), post_data(world)
    bob, relogin = bob_client(world)
    before = snapshot(world)

    answers = [*every_request(client, url, data), *every_request(bob, url, data, relogin=relogin)]

    for answer in answers:
        assert_no_secrets(answer)
    assert snapshot(world) == before


@pytest.mark.parametrize("key", sorted(SIGNED_IN))
def test_signed_in_pages_send_visitors_to_login_and_show_bob_only_his_own(client, world, key):
    url, data = url_for(PATTERNS[key], world), post_data(world)
    bob, relogin = bob_client(world)
    before = snapshot(world)

    for answer in every_request(client, url, data):
        assert_sent_to_login(answer, reverse("accounts:login"))
    for answer in every_request(bob, url, data, relogin=relogin):
        assert_no_secrets(answer)
    assert snapshot(world) == before


@pytest.mark.parametrize("key", sorted(ALICES))
def test_alices_objects_are_not_found_by_bob_and_need_login(client, world, key):
    url, data = url_for(PATTERNS[key], world), post_data(world)
    bob, relogin = bob_client(world)
    before = snapshot(world)

    for answer in every_request(client, url, data):
        assert_sent_to_login(answer, reverse("accounts:login"))
    for answer in every_request(bob, url, data, relogin=relogin):
        assert answer.status in BOBS_STATUSES, f"{answer.label}: {answer.status} for Bob"
        assert_no_secrets(answer)
    assert snapshot(world) == before


@pytest.mark.parametrize("key", sorted(ALICES))
def test_alice_reaches_her_own_objects(client, world, key):
    """The other side of the test above: the ids in the path are Alice's real objects."""
    url = url_for(PATTERNS[key], world)
    client.force_login(world.alice)

    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url, {"answer": "Alice's own text", "rating": "3"})

    assert response.status_code not in (403, 404, 405), f"{url}: {response.status_code}"
    assert response.status_code < 500


def test_alices_own_pages_show_the_secrets_the_matrix_looks_for(client, world):
    client.force_login(world.alice)
    finished = {"pk": world.finished.pk, "position": 1}

    feedback = client.get(reverse("questions:attempt", kwargs=finished))
    question = client.get(world.running.get_absolute_url())

    assert SECRET_ANSWER in body_of(feedback) and SECRET_NOTE in body_of(feedback)
    assert SECRET_DRAFT in body_of(question)
    assert "alice@example.com" in body_of(client.get(reverse("accounts:settings")))


@pytest.mark.parametrize("key", sorted(_keys(lambda p: p.is_admin)))
def test_the_admin_is_for_staff_only(client, world, key):
    url, data = url_for(PATTERNS[key], world), post_data(world)
    bob, relogin = bob_client(world)
    before = snapshot(world)
    admin_login = reverse("admin:login")
    # The admin's logout sends non-staff to the admin index, itself checked here.
    logins = (admin_login, reverse("admin:index")) if key == "admin:logout" else (admin_login,)

    for answer in every_request(client, url, data):
        assert_sent_to_login(answer, *logins, reverse("accounts:login"))
    for answer in every_request(bob, url, data, relogin=relogin):
        assert_sent_to_login(answer, *logins)
    assert snapshot(world) == before


@pytest.mark.parametrize(
    "key", sorted(_keys(lambda p: p.is_admin and p.route.split("/")[1] in {"accounts", "auth"}))
)
def test_question_editors_cannot_open_accounts_or_groups(client, world, key):
    client.force_login(make_editor())
    url, data = url_for(PATTERNS[key], world), post_data(world)
    before = snapshot(world)

    for method in ("get", "post"):
        response = getattr(client, method)(url, data, follow=True)
        assert response.status_code in (403, 404), f"{method.upper()} {url}: {response.status_code}"
        assert "alice@example.com" not in body_of(response)
    assert snapshot(world) == before


@pytest.mark.parametrize("key", sorted(PATTERNS))
def test_a_post_without_csrf_token_changes_nothing(world, key):
    """Alice's browser made to post from another site, and Bob posting by hand."""
    url, data = url_for(PATTERNS[key], world), post_data(world)
    alice = Client(enforce_csrf_checks=True)
    alice.force_login(world.alice)
    bob, _ = bob_client(world, enforce_csrf_checks=True)
    before = snapshot(world)

    for client in (alice, bob):
        for headers in ({}, HX):
            response = client.post(url, data, **headers)
            assert response.status_code == 403, f"POST {url}: {response.status_code}"
    assert snapshot(world) == before
